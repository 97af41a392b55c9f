// Browser smoke tests: the page loads the wasm in its worker, streams a default run and shows
// numbers for every method, with no console errors and no request off the page's origin; the
// built dist/ works from a sub-path; the worker protocol survives errors and supersedes runs.
// Uses the system Chromium (`command -v chromium`); never downloads a browser.

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildDist } from '../../scripts/build-dist.mjs';
import { startServer } from '../../scripts/serve.mjs';
import { checkClean, checkErrorChart, checkRows, hoverPoint, launch, openPage as open, waitForDone } from './helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

let context = null;
let browser = null;

// Opens a page of the shared context that records errors and requests.
const openPage = (url) => open(context, url);
// Waits for the default run and returns the table rows.
const waitForMetrics = (page) => waitForDone(page);

// Runs `fn(server)` with a static server started with `options`, closed afterwards.
async function withServer(options, fn) {
  const server = await startServer(options);
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

before(async () => {
  // Refresh dist/ from www/ (a copy, milliseconds); build the wasm only when www/pkg is empty.
  buildDist({ skipWasm: ['pkg', 'pkg-explorer'].every((d) => existsSync(join(ROOT, 'www', d, 'claime_bg.wasm'))) });
  browser = await launch();
  context = browser.context;
});

after(async () => {
  await browser?.close();
});

test('the page streams a default run: metrics, one error line per method, hover tooltip', { timeout: 120_000 }, async () => withServer({ port: 0 }, async (server) => {
  const { page, seen } = await openPage(server.url);
  const origin = new URL(page.url()).origin;
  checkRows(await waitForMetrics(page));
  await checkErrorChart(page);
  const { byKey, byMouse } = await hoverPoint(page);
  assert.match(byKey, /^(code|cui)_\d+$/, `keyboard tooltip names a feature: ${byKey}`);
  assert.match(byMouse, /(code|cui)_\d+.*true.*estimate/s, `mouse tooltip: ${byMouse}`);
  assert.match(await page.textContent('#no-recovery'), /^\d+\.\d{3}$/);
  assert.match(await page.textContent('#progress'), /done in/);
  const head = await page.request.get(server.url);
  assert.match(head.headers()['content-security-policy'], /'wasm-unsafe-eval'/);
  checkClean(seen, `${origin}/`);
  await page.close();
}));

test('dist/ works from a sub-path', { timeout: 120_000 }, async () => withServer({ dir: 'dist', base: '/some/sub/path/', port: 0 }, async (server) => {
  // Small parameters through the URL (the permalink) keep this test quick.
  const { page, seen } = await openPage(`${server.url}?d1=100&d2=100&n=4000`);
  assert.equal(new URL(page.url()).pathname, '/some/sub/path/');
  checkRows(await waitForMetrics(page));
  checkClean(seen, server.url);
  await page.close();
}));

test('the worker reports bad parameters, keeps working and lets a newer run supersede', { timeout: 120_000 }, async () => withServer({ port: 0 }, async (server) => {
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
}));

test('a worker that cannot start is reported and restarted, then given up on', { timeout: 60_000 }, async () => withServer({ port: 0 }, async (server) => {
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.route('**/www/pkg-explorer/claime.js', (route) => route.fulfill({ status: 404, body: 'gone' }));
  await page.goto(server.url);
  await page.waitForFunction(() => /Gave up/.test(document.getElementById('status').textContent), null, { timeout: 30_000 });
  assert.equal(await page.getAttribute('#status', 'data-kind'), 'error');
  assert.equal(await page.getAttribute('#status', 'role'), 'status');
  assert.deepEqual(pageErrors, [], 'the page itself threw nothing');
  await page.close();
}));

// Runs in the page: drives a fresh worker through an error and a superseded run.
async function driveWorker() {
  const worker = new Worker('../../www/explorer/worker.js', { type: 'module' });
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
