// Browser tests of the explorer's interaction: every control restarts the run and changes the
// numbers, Stop stops, a bad value is reported and the page keeps working, the alignment method
// switches without a restart, and the worker's numbers equal the command line's.
// Small parameters throughout (d1 = d2 = 100, n = 4000) keep the suite quick.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';
import { METHODS, checkClean, checkErrorChart, launch, openPage, tableRows, waitForDone } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SMALL = '?d1=100&d2=100&n=4000&signal=3';
/** Largest relative difference allowed between the browser's and the command line's numbers. */
const REL_TOL = 1e-9;

let browser = null;
let server = null;

// Newest modification time (ms) of the files under `dir`.
function newest(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
}

// Whether `bin` exists and is newer than src/ and Cargo.toml.
function isFresh(bin) {
  if (!existsSync(bin)) return false;
  const built = statSync(bin).mtimeMs;
  return built > newest(join(ROOT, 'src')) && built > statSync(join(ROOT, 'Cargo.toml')).mtimeMs;
}

before(async () => {
  // The native command line from the same sources as the wasm: the debug-directory binary that
  // `cargo test` builds for the CLI tests, rebuilt only when a source file is newer. Rust never
  // reassociates or fuses floating-point operations at any optimisation level, so it computes
  // the release numbers.
  if (!isFresh(join(ROOT, 'target', 'debug', 'claime'))) {
    const r = spawnSync('cargo', ['build', '--bin', 'claime'], { cwd: ROOT, stdio: 'inherit' });
    assert.equal(r.status, 0, 'cargo build --bin claime');
  }
  server = await startServer({ port: 0 });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

// The table's text, to tell one run's numbers from another's.
async function tableText(page) {
  return (await tableRows(page)).map((r) => r.cells.slice(0, 7).join(' ')).join('\n');
}

// Waits until a new run has finished with numbers different from `before`.
async function waitForNewNumbers(page, before) {
  await page.waitForFunction((prev) => {
    const done = document.getElementById('views').dataset.state === 'done';
    const rows = [...document.querySelectorAll('#metrics tbody tr')]
      .map((tr) => [...tr.querySelectorAll('td')].slice(0, 7).map((td) => td.textContent).join(' '));
    return done && rows.join('\n') !== prev;
  }, before, { timeout: 60_000 });
  return tableText(page);
}

// Sets a slider's value as a user drag would (an input event per step).
async function setSlider(page, selector, value) {
  await page.$eval(selector, (input, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

test('noise, p and signal each restart the run and change the numbers', { timeout: 150_000 }, async () => {
  const { page, seen } = await openPage(browser.context, `${server.url}${SMALL}`);
  await waitForDone(page);
  let numbers = await tableText(page);
  await page.selectOption('#in-noise', 'orthogonal');
  assert.ok(await page.isVisible('#in-tau2'), 'tau2 shows for orthogonal noise');
  assert.ok(!(await page.isVisible('#in-c')), 'c hides for orthogonal noise');
  numbers = await waitForNewNumbers(page, numbers);
  assert.match(page.url(), /noise=orthogonal/, 'the URL holds the new noise');
  await setSlider(page, '#in-p', 3);
  numbers = await waitForNewNumbers(page, numbers);
  assert.equal(await page.textContent('#no-recovery-p'), '3');
  await page.fill('#in-signal', '2');
  numbers = await waitForNewNumbers(page, numbers);
  assert.match(page.url(), /signal=2\b/);
  await checkErrorChart(page);
  checkClean(seen, server.url);
  await page.close();
});

test('the alignment method switches without restarting; a bad value is reported', { timeout: 90_000 }, async () => {
  const { page, seen } = await openPage(browser.context, `${server.url}${SMALL}`);
  await waitForDone(page);
  const progress = await page.textContent('#progress');
  const before = await page.$eval('#chart-alignment svg', (s) => s.outerHTML);
  await page.selectOption('#view-method', 'cl');
  await page.waitForFunction((b) => document.querySelector('#chart-alignment svg').outerHTML !== b, before);
  assert.equal(await page.textContent('#progress'), progress, 'no new run');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'done');
  await page.fill('#in-d1', '5');
  await page.waitForSelector('#views[data-state="error"]');
  assert.match(await page.textContent('#status'), /\bp\b.*min\(d1, d2\)/, 'the message names the rule');
  await page.fill('#in-d1', '100');
  await page.waitForSelector('#views:not([data-state="error"])');
  await waitForDone(page);
  checkClean(seen, server.url);
  await page.close();
});

test('Stop stops: the progress no longer advances', { timeout: 90_000 }, async () => {
  const { page, seen } = await openPage(browser.context, `${server.url}?d1=100&d2=100&n=400000&methods=claime`);
  await page.waitForFunction(() => document.getElementById('progress-bar').value > 0, null, { timeout: 60_000 });
  await page.click('#stop');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'stopped');
  const stoppedAt = await page.textContent('#progress');
  await page.waitForTimeout(2500);
  assert.equal(await page.textContent('#progress'), stoppedAt, 'progress frozen after Stop');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'stopped');
  assert.ok(await page.isEnabled('#rerun'), '"Run again" is offered');
  assert.ok(await page.isDisabled('#stop'));
  checkClean(seen, server.url);
  await page.close();
});

// Runs in the page: one streamed run in a fresh worker; resolves to its final report.
async function workerReport(params) {
  const worker = new Worker('../../www/worker.js', { type: 'module' });
  const report = await new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'error') reject(new Error(data.message));
      if (data.id === 2 && data.type === 'done') resolve(data.report);
    };
    worker.postMessage({ id: 1, type: 'init' });
    worker.postMessage({ id: 2, type: 'run', params, methods: 'claime,concate,cl' });
  });
  worker.terminate();
  return report;
}

// The command line's report for the same parameters.
function cliReport(params) {
  const flags = Object.entries(params).flatMap(([k, v]) => [`--${k.replace('_', '-')}`, String(v)]);
  const bin = join(ROOT, 'target', 'debug', 'claime');
  return JSON.parse(execFileSync(bin, ['run', '--json', '--methods', 'claime,concate,cl', ...flags], { encoding: 'utf8' }));
}


// Compares the numeric leaves of two reports' methods whose field name passes `keep`; returns
// the largest relative difference seen.
function compareMethods(web, cli, keep = () => true) {
  let worst = 0;
  const walk = (a, b, path, field) => {
    if (typeof b === 'number') {
      if (!keep(field)) return;
      assert.equal(typeof a, 'number', `${path}: a number in the browser`);
      const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
      worst = Math.max(worst, rel);
      assert.ok(rel <= REL_TOL, `${path}: browser ${a} vs command line ${b} (relative ${rel.toExponential(2)})`);
      return;
    }
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: same fields`);
    for (const key of Object.keys(b)) walk(a[key], b[key], `${path}.${key}`, Array.isArray(b) ? field : key);
  };
  walk(web.methods, cli.methods, 'methods', '');
  return worst;
}

// Only the listed keys: both sides take the paper's defaults for the rest.
const CASES = [
  { d1: 100, d2: 100, n: 4000, signal: 3, seed: 7 },
  { d1: 80, d2: 120, p: 3, n: 3000, noise: 'ar1', rho: 0.5, signal: 2, seed: 11 },
  { d1: 100, d2: 100, n: 4000, noise: 'orthogonal', tau2: 25, signal: 2, seed: 3 },
];
const reports = []; // [{params, web, cli}], filled by the first comparison test

// The browser's and the command line's reports of every case (computed once).
async function caseReports() {
  if (reports.length) return reports;
  const page = await browser.context.newPage();
  await page.goto(`${server.url}tests/e2e/blank.html`);
  for (const params of CASES) reports.push({ params, web: await page.evaluate(workerReport, params), cli: cliReport(params) });
  await page.close();
  return reports;
}

test('the worker\'s numbers equal the command line\'s for the same parameters and seed', { timeout: 120_000 }, async () => {
  let worst = 0;
  for (const { web, cli } of await caseReports()) {
    assert.equal(web.patients, cli.patients);
    assert.deepEqual(Object.keys(web.methods).sort(), [...METHODS].sort());
    worst = Math.max(worst, compareMethods(web, cli));
  }
  console.log(`# largest relative difference browser vs command line: ${worst.toExponential(2)}`);
});

