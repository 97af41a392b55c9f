// "Your data" in the browser: the sample (button and file picker), records streamed into a
// summary, a bad file named in the status line, and, throughout, no request off the page's
// origin and no console error. Uses the system Chromium (see helpers.mjs).

import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkClean, openPage } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SAMPLE = join(ROOT, 'www', 'sample');
const TIMEOUT = 90_000;

const env = useBrowser();

// Empties the evaluation table, so the next wait sees fresh rows.
const clearTable = (page) => page.$eval('#data-eval-table tbody', (tb) => tb.replaceChildren());

// Waits for the evaluation table and returns its rows: {relation, found, auc: {method: value}}.
async function evaluationRows(page) {
  await page.waitForSelector('#data[data-state="done"], #data[data-state="error"]', { timeout: TIMEOUT });
  await page.waitForSelector('#data-eval:not([hidden]) #data-eval-table tbody tr[data-relation="all"], #data[data-state="error"]', { timeout: TIMEOUT });
  const status = await page.textContent('#data-status');
  assert.notEqual(await page.getAttribute('#data', 'data-state'), 'error', `status: ${status}`);
  return page.$$eval('#data-eval-table tbody tr', (rows) => rows.map((tr) => ({
    relation: tr.dataset.relation,
    found: tr.querySelectorAll('td')[1].textContent,
    auc: Object.fromEntries([...tr.querySelectorAll('td.auc')].map((td) => [td.dataset.method, td.textContent])),
  })));
}

// Checks the table has the sample's four relations plus `all`, with AUC numbers per method.
function checkSampleTable(rows, methods = ['claime', 'concate', 'cl']) {
  assert.deepEqual(rows.map((r) => r.relation).sort(), ['all', 'hierarchy', 'mapping', 'may treat', 'sibling']);
  for (const r of rows) {
    assert.deepEqual(Object.keys(r.auc), methods, `${r.relation}: one AUC per method`);
    for (const [m, text] of Object.entries(r.auc)) {
      assert.match(text, /^\d\.\d{4}$/, `${r.relation} ${m}: "${text}" is an AUC`);
      const auc = Number(text);
      assert.ok(auc >= 0 && auc <= 1, `${r.relation} ${m}: AUC ${auc} in [0, 1]`);
    }
  }
  return rows.find((r) => r.relation === 'all');
}

test('your data: sample by button and picker, records, bad files; nothing leaves the origin', { timeout: 240_000 }, async () => {
  // Small explorer parameters keep the page's own default run quick.
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}?d1=60&d2=40&n=2000`);
  const origin = new URL(page.url()).origin;
  assert.match(await page.textContent('#data-drop'), /Your files are read in this page only: nothing is uploaded; the page makes no network request/);

  // 1. "Try the sample": the summary and pairs from the page's own files.
  await page.click('#data-sample');
  const all = checkSampleTable(await evaluationRows(page));
  assert.equal(all.found, '197/197');
  assert.ok(Number(all.auc.claime) > 0.8, `the sample's CLAIME AUC is high: ${all.auc.claime}`);
  assert.match(await page.textContent('#data-info'), /3000 patients, 60 codes, 40 CUIs/);
  assert.equal(await page.locator('#data-scatter svg .code').count(), 60);
  assert.equal(await page.locator('#data-scatter svg .cui').count(), 40);
  // The legend draws the marks the points use (codes circles, CUIs triangles, as in the explorer).
  const marks = await page.$$eval('#data-scatter svg', ([svg]) => ['code', 'cui', 'legend-mark'].map(
    (c) => [...new Set([...svg.querySelectorAll(`.${c}`)].map((e) => `${e.localName}:${e.getAttribute('fill')}`))]));
  assert.deepEqual(marks[2], [...marks[0], ...marks[1]], 'each legend mark is drawn as its points are');
  assert.match(await page.textContent('#data-scatter svg'), /codes \(circles\).*CUIs \(triangles\)/);
  assert.equal(await page.textContent('#data-methods'), 'CLAIME, Concate, CL', 'methods named as everywhere else');
  assert.match(await page.textContent('#data-info'), /simulated.*fictional labels/, 'the sample says its names are fictional');
  assert.match(await page.textContent('#data-inspector'), /Ready: type a code or CUI name/, 'the inspector is ready after the fit');
  assert.doesNotMatch(await page.textContent('#data-inspector'), /Fit first/);
  assert.ok(await page.locator('#data-spectrum svg').count(), 'the spectrum chart is drawn');
  for (const id of ['#data-vectors', '#data-metadata', '#data-csv']) {
    assert.match(await page.getAttribute(id, 'href'), /^blob:/, `${id} is a Blob download`);
  }

  // 2. The same files through the file picker.
  await clearTable(page);
  await page.setInputFiles('#data-files', [join(SAMPLE, 'sample.summary.json'), join(SAMPLE, 'sample.pairs.csv')]);
  const again = checkSampleTable(await evaluationRows(page));
  assert.deepEqual(again, all, 'the picker gives the same table as the button');

  // 3. Records, streamed into a summary (with the pairs kept from before).
  await clearTable(page);
  await page.setInputFiles('#data-files', [join(SAMPLE, 'sample.records.csv')]);
  const fromRecords = await evaluationRows(page);
  assert.ok(fromRecords.some((r) => r.relation === 'all'), 'records give an evaluation table');
  assert.match(await page.textContent('#data-info'), /sample\.records\.csv.*40 patients/);
  assert.doesNotMatch(await page.textContent('#data-info'), /fictional/, 'the note is the sample button\'s only');

  // 4. Two summaries: merged across sites (the same cohort twice doubles the patients).
  await clearTable(page);
  await page.setInputFiles('#data-files', [join(SAMPLE, 'sample.summary.json'), join(SAMPLE, 'sample.summary.json')]);
  await evaluationRows(page);
  assert.match(await page.textContent('#data-info'), /2 files.*6000 patients, 60 codes, 40 CUIs/);

  // 5. Malformed files: a clear error naming the file (and the line), and the page keeps working.
  const bad = 'patient_id,modality,feature\nP1,code,A\nP1,banana,B\n';
  await page.setInputFiles('#data-files', { name: 'bad.records.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
  await page.waitForSelector('#data[data-state="error"]', { timeout: TIMEOUT });
  const recordsError = await page.textContent('#data-status');
  assert.match(recordsError, /bad\.records\.csv:3/, `the error names the file and line: ${recordsError}`);

  await page.setInputFiles('#data-files', { name: 'broken.summary.json', mimeType: 'application/json', buffer: Buffer.from('{"format": "claime-summary", "version": 1,') });
  // The status names the file while reading it too ("busy"): wait for the error state itself.
  await page.waitForFunction(
    () => document.querySelector('#data').dataset.state !== 'busy' && document.querySelector('#data-status').textContent.includes('broken.summary.json'),
    null,
    { timeout: TIMEOUT },
  );
  assert.equal(await page.getAttribute('#data', 'data-state'), 'error');

  await clearTable(page);
  await page.click('#data-sample');
  checkSampleTable(await evaluationRows(page));

  checkClean(seen, `${origin}/`);
  await page.close();
});
