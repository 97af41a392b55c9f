// Browser smoke tests: the page loads the wasm in its worker, streams a default run and shows
// numbers for every method, with no console errors and no request off the page's origin; the
// built dist/ works from a sub-path; the worker protocol survives errors and supersedes runs.
// Uses the system Chromium (`command -v chromium`); never downloads a browser.

import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildDist } from '../../scripts/build-dist.mjs';
import { startServer } from '../../scripts/serve.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const METHODS = ['claime', 'concate', 'cl'];
const RUN_TIMEOUT = 90_000;
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

let context = null;
let profile = null;

// Finds the system Chromium, or fails with a hint.
function chromiumPath() {
  try {
    return execSync('command -v chromium', { encoding: 'utf8', shell: '/bin/sh' }).trim();
  } catch {
    throw new Error('chromium not found on PATH: run `node scripts/setup.mjs` (as root it installs it)');
  }
}

// Opens a page that records console errors, page errors and every request URL.
async function openPage(url) {
  const page = await context.newPage();
  const seen = { errors: [], requests: [] };
  page.on('console', (m) => m.type() === 'error' && seen.errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => seen.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('requestfailed', (r) => seen.errors.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
  await page.goto(url);
  return { page, seen };
}

// Waits until the run is done and every method's row holds finite numbers; returns the rows.
async function waitForMetrics(page) {
  await page.waitForSelector('#views[data-state="done"], #views[data-state="error"]', { timeout: RUN_TIMEOUT });
  const status = await page.textContent('#status');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'done', `page status: ${status}`);
  return page.$$eval('#metrics tbody tr', (rows) => rows.map((tr) => ({
    method: tr.dataset.method,
    cells: [...tr.querySelectorAll('td')].map((td) => td.textContent),
  })));
}

// Checks the table has a row of finite numbers per method and plausible ranges.
function checkRows(rows) {
  assert.deepEqual(rows.map((r) => r.method), METHODS);
  for (const { method, cells } of rows) {
    assert.equal(cells.length, 8, `${method}: 8 numeric columns`);
    // Fit time may legitimately be tiny; every metric must be a finite number.
    for (const text of cells) assert.match(text, /^-?\d+\.\d+$/, `${method}: "${text}" is a number`);
    const [pd, , , , , retrieval, auc] = cells.map(Number);
    assert.ok(pd >= 0, `${method}: projection distance ${pd} >= 0`);
    assert.ok(retrieval >= 0 && retrieval <= 1, `${method}: retrieval@10 ${retrieval} in [0, 1]`);
    assert.ok(auc >= 0 && auc <= 1, `${method}: AUC ${auc} in [0, 1]`);
  }
}

// Asserts no errors were seen and every request stayed under `prefix`.
function checkClean(seen, prefix) {
  assert.deepEqual(seen.errors, [], 'no console errors, page errors or failed requests');
  const network = seen.requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:'));
  const off = network.filter((u) => !u.startsWith(prefix));
  assert.deepEqual(off, [], `every request is under ${prefix}`);
  assert.ok(network.some((u) => u.endsWith('.wasm')), 'the wasm was fetched');
}

before(async () => {
  // Refresh dist/ from www/ (a copy, milliseconds); build the wasm only when www/pkg is empty.
  buildDist({ skipWasm: existsSync(join(ROOT, 'www', 'pkg', 'claime_bg.wasm')) });
  profile = mkdtempSync(join(tmpdir(), 'claime-e2e-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: ARGS,
  });
});

after(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('the page streams a default run and shows metrics for all methods', { timeout: 120_000 }, async () => {
  const server = await startServer({ port: 0 });
  try {
    const { page, seen } = await openPage(server.url);
    const origin = new URL(page.url()).origin;
    checkRows(await waitForMetrics(page));
    assert.match(await page.textContent('#no-recovery'), /^\d+\.\d{3}$/);
    assert.match(await page.textContent('#progress'), /done in/);
    const head = await page.request.get(server.url);
    assert.match(head.headers()['content-security-policy'], /'wasm-unsafe-eval'/);
    checkClean(seen, `${origin}/`);
    await page.close();
  } finally {
    await server.close();
  }
});

test('dist/ works from a sub-path', { timeout: 120_000 }, async () => {
  const server = await startServer({ dir: 'dist', base: '/some/sub/path/', port: 0 });
  try {
    const { page, seen } = await openPage(server.url);
    assert.ok(page.url().endsWith('/some/sub/path/'));
    checkRows(await waitForMetrics(page));
    checkClean(seen, server.url);
    await page.close();
  } finally {
    await server.close();
  }
});

test('the worker reports bad parameters, keeps working and lets a newer run supersede', { timeout: 120_000 }, async () => {
  const server = await startServer({ port: 0 });
  try {
    const { page, seen } = await openPage(`${server.url}tests/e2e/blank.html`);
    const replies = await page.evaluate(driveWorker);
    const bad = replies.find((r) => r.id === 2);
    assert.equal(bad.type, 'error');
    assert.match(bad.message, /\bn\b.*got 1/, 'the message names the bad parameter');
    assert.equal(replies.find((r) => r.id === 3)?.type, 'ready', 'the worker still answers');
    const superseded = replies.filter((r) => r.id === 4).map((r) => r.type);
    assert.equal(superseded.at(-1), 'cancelled', `run 4 was superseded (${superseded})`);
    const last = replies.filter((r) => r.id === 5).map((r) => r.type);
    assert.equal(last.at(-1), 'done');
    assert.ok(last.filter((t) => t === 'progress').length >= 2, 'run 5 streamed progress');
    checkClean(seen, server.url);
    await page.close();
  } finally {
    await server.close();
  }
});

test('a worker that cannot start is reported and restarted, then given up on', { timeout: 60_000 }, async () => {
  const server = await startServer({ port: 0 });
  try {
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.route('**/www/pkg/claime.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
    await page.goto(server.url);
    await page.waitForFunction(() => /Gave up/.test(document.getElementById('status').textContent), null, { timeout: 30_000 });
    assert.equal(await page.getAttribute('#status', 'data-kind'), 'error');
    assert.equal(await page.getAttribute('#status', 'role'), 'status');
    assert.deepEqual(pageErrors, [], 'the page itself threw nothing');
    await page.close();
  } finally {
    await server.close();
  }
});

// Runs in the page: drives a fresh worker through an error and a superseded run.
async function driveWorker() {
  const worker = new Worker('../../www/worker.js', { type: 'module' });
  const replies = [];
  const finished = new Promise((resolve, reject) => {
    worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
    worker.onmessage = ({ data }) => {
      replies.push({ id: data.id, type: data.type, message: data.message });
      if (data.id === 1 && data.type === 'ready') {
        const small = { ...data.defaults, d1: 60, d2: 60, n: 4000 };
        worker.postMessage({ id: 2, type: 'run', params: { ...small, n: 1 }, methods: 'claime', chunk: 1000 });
        worker.postMessage({ id: 3, type: 'init' });
        worker.postMessage({ id: 4, type: 'run', params: small, methods: 'claime', chunk: 1000 });
        worker.postMessage({ id: 5, type: 'run', params: small, methods: 'claime', chunk: 1000 });
      }
      if (data.id === 5 && (data.type === 'done' || data.type === 'error')) resolve();
    };
  });
  worker.postMessage({ id: 1, type: 'init' });
  await finished;
  worker.terminate();
  return replies;
}
