// Faults: a panic or an out-of-memory in the explorer's worker is shown to the user, the worker is
// restarted and the next change completes a run (forced through the hidden debug hook, which
// exists only with debug=1 in the page URL); a model whose memory estimate exceeds the budget is
// refused before anything is allocated, in the page and in the command line.
// The "oom" case grows the worker's wasm memory until the browser refuses more (wasm32 allows up
// to 4 GiB), which takes a few seconds and as much real memory.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { before, test } from 'node:test';
import { CLI, ensureCli } from './cli.mjs';
import { checkRows, openPage, waitForDone } from './helpers.mjs';
import { useBrowser } from './setup.mjs';
import { MiB, pageWorkers, wasmBytes, workersWasmBytes } from './memory.mjs';

const SMALL = '?d1=60&d2=60&n=2000&signal=3&methods=claime';
/** Memory budget of a session (src/params.rs DEFAULT_MEMORY_BUDGET), MiB. */
const BUDGET_MIB = 2048;

const env = useBrowser();

before(async () => {
  ensureCli();
});

// The estimate src/params.rs makes (Params::estimated_bytes), in whole MiB as messages print it.
function estimateMib(d1, d2, p = 4) {
  const d = d1 + d2;
  const bytes = 8 * (d1 * d2 + d1 * d1 + d2 * d2 + d1 * d2 + 2 * d * d) + 64 * d * p;
  return Math.floor(bytes / MiB);
}

// Runs in the page: a fresh explorer worker gets a debug-fault request without the debug flag,
// then a small `once`; resolves to both replies.
async function refuseWithoutFlag() {
  const worker = new Worker('../../www/explorer/worker.js', { type: 'module' });
  const replies = [];
  await new Promise((resolve) => {
    worker.onmessage = ({ data }) => {
      replies.push({ id: data.id, type: data.type, message: data.message, fatal: data.fatal, patients: data.report?.patients });
      if (data.id === 2) worker.postMessage({ id: 3, type: 'once', params: { d1: 20, d2: 20, n: 300 }, methods: 'claime' });
      if (data.id === 3) resolve();
    };
    worker.postMessage({ id: 1, type: 'init' });
    worker.postMessage({ id: 2, type: 'debug-fault', kind: 'panic' });
  });
  worker.terminate();
  return replies;
}

test('without debug=1 the page has no hook and the worker refuses a debug-fault request', { timeout: 90_000 }, async () => {
  const { page } = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await waitForDone(page);
  assert.equal(await page.evaluate(() => typeof window.claimeDebug), 'undefined');
  await page.goto(`${env.server.url}tests/e2e/blank.html`);
  const replies = await page.evaluate(refuseWithoutFlag);
  const refusal = replies.find((r) => r.id === 2);
  assert.equal(refusal.type, 'error');
  assert.equal(refusal.fatal, false, 'an ordinary error, not a trap');
  assert.match(refusal.message, /debug=1/);
  assert.deepEqual(replies.find((r) => r.id === 3), { id: 3, type: 'report', message: undefined, fatal: undefined, patients: 300 }, 'the worker still works');
  await page.close();
});

for (const kind of ['panic', 'oom']) {
  test(`debug=1: a forced ${kind} is shown, the worker is restarted, and the next change completes a run`, { timeout: 240_000 }, async () => {
    const { page, seen } = await openPage(env.browser.context, `${env.server.url}${SMALL}&debug=1`);
    await waitForDone(page);
    const before = pageWorkers(page); // the explorer's worker and the training section's
    const closed = Promise.race(before.map((w) => new Promise((resolve) => w.on('close', () => resolve(w)))));
    const restarted = page.waitForEvent('worker', { predicate: (w) => w.url().endsWith('/www/explorer/worker.js'), timeout: 180_000 });
    await page.evaluate((k) => window.claimeDebug.fault(k), kind);
    await page.waitForFunction(() => /worker was restarted/.test(document.getElementById('status').textContent), null, { timeout: 180_000 });
    const status = await page.textContent('#status');
    assert.match(status, /^Worker failed: the computation crashed \(.+\): a bug or memory exhausted\. The worker was restarted\.$/, status);
    assert.equal(await page.getAttribute('#status', 'data-kind'), 'error');
    await closed; // the trapped worker was terminated
    const fresh = await restarted;
    assert.ok(!before.includes(fresh), 'a new worker');
    await page.fill('#in-seed', '9');
    await page.waitForSelector('#views:not([data-state="error"])');
    checkRows(await waitForDone(page), ['claime']);
    assert.match(await page.textContent('#status'), /^Done: /);
    assert.match(page.url(), /seed=9/);
    const bytes = await wasmBytes(fresh);
    assert.ok(bytes < 256 * MiB, `the new worker has a fresh wasm memory (${(bytes / MiB).toFixed(0)} MiB)`);
    assert.deepEqual(seen.errors.filter((e) => e.startsWith('pageerror')), [], 'the page itself threw nothing');
    await page.close();
  });
}

test('debug=1: a panic in the training worker is shown, the worker restarted, and the next Step trains the same', { timeout: 240_000 }, async () => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}${SMALL}&debug=1`);
  await page.waitForSelector('#training[data-state="idle"]', { timeout: 60_000 });
  const iterationIs = (k) => page.waitForFunction((n) => document.getElementById('train-iter').textContent === n, String(k), { timeout: 60_000 });
  const exact = () => page.evaluate(() => ['train-loss', 'train-error', 'train-dist'].map((id) => document.getElementById(id).dataset.value));
  await page.click('#train-step');
  await iterationIs(1);
  const stepped = await exact();
  const before = pageWorkers(page);
  const closed = Promise.race(before.map((w) => new Promise((resolve) => w.on('close', () => resolve(w)))));
  await page.evaluate(() => window.claimeDebug.trainFault('panic'));
  await page.waitForFunction(() => /training worker crashed/.test(document.getElementById('train-status').textContent), null, { timeout: 60_000 });
  await page.waitForSelector('#training[data-state="idle"]', { timeout: 60_000 }); // the new worker is ready
  const status = await page.textContent('#train-status');
  assert.match(status, /^The training worker crashed \(the computation crashed \(.+\): a bug or memory exhausted\) and was restarted: press Play or Step to train again\.$/, status);
  assert.equal(await page.getAttribute('#train-status', 'data-kind'), 'error');
  await closed; // the trapped worker was terminated
  await page.click('#train-step'); // a new trainer on the same parameters, in the new worker
  await iterationIs(1);
  await page.waitForSelector('#training[data-state="paused"]', { timeout: 60_000 });
  assert.deepEqual(await exact(), stepped, 'the same numbers as before the crash');
  assert.match(await page.textContent('#train-status'), /^Ready: /);
  assert.deepEqual(seen.errors.filter((e) => e.startsWith('pageerror')), [], 'the page itself threw nothing');
  await page.close();
});

test('over the memory budget: the page refuses before allocating and keeps working', { timeout: 120_000 }, async () => {
  const { page } = await openPage(env.browser.context, `${env.server.url}${SMALL.replace('methods=claime', 'methods=concate,cl')}`);
  await waitForDone(page);
  const before = await workersWasmBytes(page);
  await page.fill('#in-d1', '20000');
  await page.fill('#in-d2', '20000');
  const mib = estimateMib(20000, 20000);
  await page.waitForFunction((m) => document.getElementById('status').textContent.includes(`${m} MiB`), mib, { timeout: 30_000 });
  const status = await page.textContent('#status');
  assert.equal(status, `Error: a model with d1 = 20000, d2 = 20000 would need about ${mib} MiB, over the memory budget of ${BUDGET_MIB} MiB; reduce d1, d2 or n`);
  assert.equal(await page.getAttribute('#views', 'data-state'), 'error');
  const after = await workersWasmBytes(page);
  assert.ok(after - before <= MiB, `the worker's memory did not grow (${before} -> ${after} bytes)`);
  await page.fill('#in-d1', '60');
  await page.fill('#in-d2', '60');
  await page.waitForSelector('#views:not([data-state="error"])');
  checkRows(await waitForDone(page), ['concate', 'cl']);
  await page.close();
});

// Runs the command line under a 1 GiB address-space limit: a program that tried to allocate
// the model would be killed by the allocator, so exit 2 with the message means it refused first.
function limited(args) {
  const r = spawnSync('sh', ['-c', 'ulimit -v 1048576 && exec "$0" "$@"', CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, signal: r.signal, stderr: r.stderr };
}

test('over the memory budget: the command line exits 2 naming the estimate, before allocating', { timeout: 60_000 }, () => {
  const ok = limited(['run', '--d1', '40', '--d2', '40', '--n', '500', '--methods', 'concate,cl']);
  assert.equal(ok.status, 0, `a small run works under the limit: ${ok.stderr}`);
  for (const [sub, d1, d2] of [['run', 20000, 20000], ['simulate', 20000, 20000], ['run', 20000, 100]]) {
    const args = [sub, '--d1', String(d1), '--d2', String(d2), ...(sub === 'simulate' ? ['--out', '/tmp/claime-never'] : ['--methods', 'concate,cl'])];
    const r = limited(args);
    assert.equal(r.signal, null, `${sub} ${d1}x${d2}: not killed`);
    assert.equal(r.status, 2, `${sub} ${d1}x${d2}: exit 2 (${r.stderr})`);
    assert.equal(r.stderr, `error: a model with d1 = ${d1}, d2 = ${d2} would need about ${estimateMib(d1, d2)} MiB, over the memory budget of ${BUDGET_MIB} MiB; reduce d1, d2 or n\n`);
  }
});
