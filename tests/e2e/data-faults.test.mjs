// "Your data" against hostile and huge input (issue 26): a trapped data worker is stopped and
// replaced, its memory released; a summary whose fit is over the budget is refused before its
// matrices are allocated; files too big to read as text are refused by size; an empty pairs
// file, a JSON array and broken JSON are named errors that leave nothing of the previous files
// on screen; odd feature names are found by the inspector; a long page URL is served. Uses the system Chromium (see helpers.mjs).

import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { openPage } from './helpers.mjs';
import { MiB } from './memory.mjs';
import { useBrowser } from './setup.mjs';

const TIMEOUT = 90_000;
const SAMPLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'www', 'sample');
const SMALL = '?d1=30&d2=30&n=1000&methods=claime';
const TMP = mkdtempSync(join(tmpdir(), 'claime-data-faults-'));

const env = useBrowser();
after(() => rmSync(TMP, { recursive: true, force: true }));

// The page's "Your data" workers.
const dataWorkers = (page) => page.workers().filter((w) => w.url().endsWith('/www/data/worker.js'));

// Bytes of a data worker's wasm memory (its module instance, shared with this import).
function dataWasmBytes(worker) {
  return worker.evaluate(async () => {
    const m = await import(new URL('../pkg/claime.js', self.location.href).href);
    return (await m.default()).memory.buffer.byteLength;
  });
}

// Waits until the section is no longer busy; returns {state, status, info}.
async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('#data').dataset.state;
    return s === 'error' || s === 'done';
  }, null, { timeout: TIMEOUT });
  return {
    state: await page.getAttribute('#data', 'data-state'),
    status: await page.textContent('#data-status'),
    info: await page.textContent('#data-info'),
  };
}

// Chooses `files` in the picker, the section's state cleared first so that `settled` waits for
// the state these files lead to (not the previous one).
async function choose(page, files) {
  await page.$eval('#data', (d) => { d.dataset.state = ''; });
  await page.setInputFiles('#data-files', files);
}

// Loads the sample and waits for its evaluation.
async function loadSample(page) {
  await page.click('#data-sample');
  await page.waitForSelector('#data-eval:not([hidden])', { timeout: TIMEOUT });
  assert.match(await page.textContent('#data-info'), /3000 patients/);
}

// A file input value: `name` with `text`.
const file = (name, text, mimeType = 'application/json') => ({ name, mimeType, buffer: Buffer.from(text) });

// A claime-summary of d1 codes and d2 CUIs with no cross entries (small on disk, big dense).
function bigSummary(d1, d2) {
  const names = (p, d) => Array.from({ length: d }, (_, i) => `${p}${i}`);
  const zeros = (d) => new Array(d).fill(0);
  return JSON.stringify({
    format: 'claime-summary', version: 1, codes: names('c', d1), cuis: names('u', d2), patients: 10,
    code_counts: zeros(d1), cui_counts: zeros(d2), code_pair_totals: zeros(d1), cui_pair_totals: zeros(d2),
    cross: { rows: [], cols: [], values: [] },
  });
}

// A sparse file of `bytes` starting with `head` (takes no disk space past its head).
function sparseFile(name, head, bytes) {
  const path = join(TMP, name);
  const fd = openSync(path, 'w');
  writeSync(fd, head);
  ftruncateSync(fd, bytes);
  closeSync(fd);
  return path;
}

test('debug=1: a trapped data worker is stopped, its memory released, and a fresh one loads data', { timeout: 180_000 }, async () => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}${SMALL}&debug=1`);
  await loadSample(page);
  const [trapped] = dataWorkers(page);
  const closed = new Promise((resolve) => trapped.on('close', resolve));
  await page.$eval('#data', (d) => { d.dataset.state = ''; });
  await page.evaluate(() => window.claimeDebug.dataFault('panic'));
  const { state, status, info } = await settled(page);
  assert.equal(state, 'error');
  assert.match(status, /^Error: the computation crashed \(.+\): a bug or memory exhausted\. The data worker was stopped and its memory released; choose your files again\.$/, status);
  assert.doesNotMatch(status, /borrowed/);
  assert.equal(info, '', 'the trapped worker\'s data is no longer described');
  assert.ok(await page.locator('#data-results').isHidden(), 'its results are hidden');
  await closed; // terminated: its memory is released
  assert.deepEqual(dataWorkers(page), [], 'no data worker is kept');
  const fresh = page.waitForEvent('worker', { predicate: (w) => w.url().endsWith('/www/data/worker.js') });
  await loadSample(page);
  const worker = await fresh;
  assert.notEqual(worker, trapped, 'a new worker');
  const bytes = await dataWasmBytes(worker);
  assert.ok(bytes < 256 * MiB, `the new worker has a fresh wasm memory (${(bytes / MiB).toFixed(0)} MiB)`);
  assert.deepEqual(seen.errors.filter((e) => e.startsWith('pageerror')), [], 'the page itself threw nothing');
  await page.close();
});

test('a summary whose fit is over the budget is refused before allocating, without the explorer\'s advice', { timeout: 180_000 }, async () => {
  const { page } = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await loadSample(page);
  const [worker] = dataWorkers(page);
  const before = await dataWasmBytes(worker);
  await choose(page, file('wide.summary.json', bigSummary(15000, 15000)));
  const wide = await settled(page);
  assert.equal(wide.state, 'error');
  const mib = Math.floor((8 * 2 * 15000 * 15000) / MiB);
  assert.equal(wide.status, `Error: wide.summary.json: fitting claime to 15000 codes and 15000 CUIs would need about ${mib} MiB, over the memory budget of 2048 MiB; fit fewer methods (CLAIME alone needs no d x d matrix) or fewer features`);
  assert.equal(wide.info, '', 'nothing of the sample is still described');
  const grown = (await dataWasmBytes(worker)) - before;
  assert.ok(grown < 128 * MiB, `the worker's memory did not grow by the summary's matrices (${(grown / MiB).toFixed(0)} MiB)`);
  await choose(page, file('huge.summary.json', bigSummary(20000, 20000)));
  const huge = await settled(page);
  assert.match(huge.status, /^Error: huge\.summary\.json: reading a summary of 20000 codes and 20000 CUIs would need about \d+ MiB, over the memory budget of 2048 MiB$/);
  assert.doesNotMatch(huge.status, /reduce d1, d2 or n/);
  assert.deepEqual(dataWorkers(page), [worker], 'an ordinary error: the worker is kept');
  await loadSample(page);
  await page.close();
});

test('bad files: JSON array, broken JSON, empty pairs; files over the text limit refused by size', { timeout: 180_000 }, async () => {
  const { page } = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await loadSample(page);
  await choose(page, file('list.json', '[{"codes": ["a"]}]'));
  const list = await settled(page);
  assert.equal(list.state, 'error');
  assert.match(list.status, /^Error: list\.json: the top level: expected a JSON object \(a claime-summary\), got an array: this is not a claime-summary file$/);
  assert.equal(list.info, '', 'the sample is no longer described after the failed load');
  assert.ok(await page.locator('#data-results').isHidden());

  await choose(page, file('broken.summary.json', '{"format": "claime-summary",'));
  const broken = await settled(page);
  assert.match(broken.status, /^Error: broken\.summary\.json: the top level: not valid JSON at line 1/);
  assert.doesNotMatch(broken.status, /`/);

  await loadSample(page);
  await choose(page, file('empty.pairs.csv', 'feature_a,feature_b,relation\n', 'text/csv'));
  const empty = await settled(page);
  assert.equal(empty.state, 'error');
  assert.match(empty.status, /^Error: .*empty\.pairs\.csv.*no pairs/, empty.status);
  assert.ok(await page.locator('#data-eval').isHidden(), 'no table of the previous pairs file');

  const bigPairs = sparseFile('big.pairs.csv', 'feature_a,feature_b,relation\n', 600 * MiB);
  await choose(page, bigPairs);
  const pairs = await settled(page);
  assert.match(pairs.status, /^Error: big\.pairs\.csv: 600 MiB is more than this page can read as text \(at most 511 MiB\)/, pairs.status);

  const bigSummaryFile = sparseFile('big.summary.json', '{', 600 * MiB);
  await choose(page, bigSummaryFile);
  const summary = await settled(page);
  assert.match(summary.status, /^Error: big\.summary\.json: 600 MiB is more than this page can read as text/, summary.status);
  assert.equal(summary.info, '');
  await page.close();
});

test('inspector on your data: names with edge spaces, line breaks and returns are suggested escaped and found', { timeout: 120_000 }, async () => {
  const { page } = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  const summary = JSON.parse(readFileSync(join(SAMPLE, 'sample.summary.json'), 'utf8'));
  const odd = [' lead', 'trail ', 'a\nb', 'c\rd'];
  summary.codes.splice(0, odd.length, ...odd);
  await choose(page, file('odd.summary.json', JSON.stringify(summary)));
  await page.waitForSelector('#data-results:not([hidden])', { timeout: TIMEOUT });
  await page.focus('#data-feature');
  await page.waitForFunction(() => document.querySelectorAll('#data-features option').length > 0);
  const suggested = await page.$$eval('#data-features option', (os) => os.map((o) => o.value));
  const shown = ['\\x20lead', 'trail\\x20', 'a\\nb', 'c\\rd'];
  assert.deepEqual(suggested.slice(0, 4), shown);
  for (const [i, name] of shown.entries()) {
    await page.fill('#data-feature', name);
    await page.$eval('#data-inspector .inspector-tables', (el) => el.replaceChildren());
    await page.click('#data-inspector button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#data-inspector .inspector-tables table')
      || /No code or CUI|Could not/.test(document.querySelector('#data-inspector .inspector-note').textContent), null, { timeout: TIMEOUT });
    const note = await page.textContent('#data-inspector .inspector-note');
    assert.equal(note, `Top 10 neighbours of ${name} by cosine similarity, codes and CUIs together.`, `${JSON.stringify(odd[i])}: ${note}`);
  }
  await page.close();
});

test('a page URL over 16 KB is served and the page runs', { timeout: 120_000 }, async () => {
  const { page } = await openPage(env.browser.context, `${env.server.url}${SMALL}&note=${'x'.repeat(20_000)}`);
  await page.waitForSelector('#views[data-state="done"], #views[data-state="error"]', { timeout: TIMEOUT });
  assert.ok((await page.textContent('#status')).length > 0, 'the page is not blank');
  await page.close();
});
