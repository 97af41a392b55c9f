// Shared pieces of the browser tests: the system Chromium, a page that records console errors
// and requests, and readers for the explorer's state (run state, table, error chart, tooltip).

import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { LABELS } from '../../www/lib/methods.js';

export const METHODS = ['claime', 'concate', 'cl'];
/** The legends' names of the methods (the paper's: CLAIME, Concate, CL). */
export { LABELS };
export const RUN_TIMEOUT = 90_000;
export const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Finds the system Chromium, or fails with a hint.
export function chromiumPath() {
  try {
    return execSync('command -v chromium', { encoding: 'utf8', shell: '/bin/sh' }).trim();
  } catch {
    throw new Error('chromium not found on PATH: run `node scripts/setup.mjs` (as root it installs it)');
  }
}

// Launches Chromium with a throwaway profile; resolves to {context, close}.
export async function launch(options = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'claime-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(), headless: true, args: ARGS, ...options,
  });
  const close = async () => {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, close };
}

// Opens a page that records console errors, page errors and every request URL.
export async function openPage(context, url) {
  const page = await context.newPage();
  const seen = { errors: [], requests: [] };
  page.on('console', (m) => m.type() === 'error' && seen.errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => seen.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('requestfailed', (r) => seen.errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(url);
  return { page, seen };
}

// Waits until the run is done (failing on an error state); returns the table rows.
export async function waitForDone(page, timeout = RUN_TIMEOUT) {
  await page.waitForSelector('#views[data-state="done"], #views[data-state="error"]', { timeout });
  const status = await page.textContent('#status');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'done', `page status: ${status}`);
  return tableRows(page);
}

// The metrics table: [{method, cells (text), values (full precision)}].
export function tableRows(page) {
  return page.$$eval('#metrics tbody tr', (rows) => rows.map((tr) => ({
    method: tr.dataset.method,
    cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
    values: [...tr.querySelectorAll('td')].map((td) => Number(td.dataset.value)),
  })));
}

// The series of the error chart as plotters draws them: the distinct colours of its 2-px
// non-grey polylines (one per method: its line and its legend swatch) and its legend labels.
export function errorChartSeries(page) {
  return page.$eval('#chart-error svg', (svg) => {
    const lines = [...svg.querySelectorAll('polyline[stroke-width="2"]')]
      .map((l) => l.getAttribute('stroke'))
      .filter((c) => c && c.toUpperCase() !== '#969696');
    const texts = [...svg.querySelectorAll('text')].map((t) => t.textContent.trim());
    const dataLines = [...svg.querySelectorAll('polyline[stroke-width="2"]')]
      .filter((l) => l.getAttribute('stroke').toUpperCase() !== '#969696').length;
    return { colours: [...new Set(lines)], texts, polylines: dataLines };
  });
}

// Asserts no errors were seen and every request stayed under `prefix`.
export function checkClean(seen, prefix) {
  assert.deepEqual(seen.errors, [], 'no console errors, page errors or failed requests');
  const network = seen.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
  const off = network.filter((u) => !u.startsWith(prefix));
  assert.deepEqual(off, [], `every request is under ${prefix}`);
  assert.ok(network.some((u) => u.endsWith('.wasm')), 'the wasm was fetched');
}

// Checks the table has a row of finite numbers per listed method and plausible ranges.
export function checkRows(rows, methods = METHODS) {
  assert.deepEqual(rows.map((r) => r.method), methods);
  for (const { method, cells } of rows) {
    assert.equal(cells.length, 8, `${method}: 8 numeric columns`);
    for (const text of cells) assert.match(text, /^-?\d+\.\d+$/, `${method}: "${text}" is a number`);
    const [pd, , , , , retrieval, auc] = cells.map(Number);
    assert.ok(pd >= 0, `${method}: projection distance ${pd} >= 0`);
    assert.ok(retrieval >= 0 && retrieval <= 1, `${method}: retrieval@10 ${retrieval} in [0, 1]`);
    assert.ok(auc >= 0 && auc <= 1, `${method}: AUC ${auc} in [0, 1]`);
  }
}

// Asserts the error chart draws one line (and one legend entry) per method.
export async function checkErrorChart(page, methods = METHODS) {
  const { colours, texts, polylines } = await errorChartSeries(page);
  assert.equal(colours.length, methods.length, `one line colour per method (${colours})`);
  for (const m of methods) assert.ok(texts.includes(LABELS[m]), `legend names ${LABELS[m]} (${texts})`);
  assert.equal(polylines, 2 * methods.length, 'each method: one data line and one legend swatch');
}

// Hovers the alignment chart: keyboard first (to find a point's screen position from the
// ring), then the mouse at that position; returns both tooltips' first lines.
export async function hoverPoint(page) {
  await page.focus('#chart-alignment-wrap');
  await page.keyboard.press('ArrowRight');
  await page.waitForSelector('#tooltip:not([hidden])');
  const byKey = await page.textContent('#tooltip strong');
  await page.keyboard.press('Escape');
  await page.waitForSelector('#tooltip', { state: 'hidden' });
  await page.focus('#chart-alignment-wrap');
  await page.keyboard.press('ArrowRight');
  const box = await page.locator('#ring').boundingBox();
  await page.keyboard.press('Escape');
  await page.mouse.move(box.x + box.width / 2 + 2, box.y + box.height / 2 - 1);
  await page.waitForSelector('#tooltip:not([hidden])');
  const byMouse = await page.textContent('#tooltip');
  return { byKey, byMouse };
}

// Clicks `selector` and returns the downloaded file: {name, bytes}. Without a download, fails
// with the page's status line too (an export that failed says why there).
export async function download(page, selector) {
  try {
    const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
    return { name: file.suggestedFilename(), bytes: readFileSync(await file.path()) };
  } catch (e) {
    const status = await page.textContent('#status').catch(() => '(unreadable)');
    throw new Error(`${e.message}\n  after clicking ${selector}; the page's status line: "${status?.trim()}"`);
  }
}

// The metrics table's text (first seven cells per row), to tell one run's numbers from another's.
export async function tableText(page) {
  return (await tableRows(page)).map((r) => r.cells.slice(0, 7).join(' ')).join('\n');
}

// Waits until a new run has finished with numbers different from `before`; returns the new text.
export async function waitForNewNumbers(page, before) {
  await page.waitForFunction((prev) => {
    const done = document.getElementById('views').dataset.state === 'done';
    const rows = [...document.querySelectorAll('#metrics tbody tr')]
      .map((tr) => [...tr.querySelectorAll('td')].slice(0, 7).map((td) => td.textContent).join(' '));
    return done && rows.join('\n') !== prev;
  }, before, { timeout: 60_000 });
  return tableText(page);
}

