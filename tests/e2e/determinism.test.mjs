// Determinism across platforms: the same parameters and seed give the same numbers in the
// command line (native, target/debug/claime) and in the page's worker (wasm in Chromium).
//
// What is bit-identical, and checked exactly: the simulation (the true embeddings, written by
// `claime simulate` and by the worker's projector export, compared as text with shortest
// round-trip formatting, which is equality of the bits) and everything computed with plain Rust
// arithmetic from the simulated patients: the CLAIME-GD trainer's loss after k passes depends on
// every patient's counts, the weights gamma of the summary statistics, the power iteration for
// sigma_1 and the Init stream, so one flipped bit anywhere would show. The patient counts of
// every report are equal too.
//
// What is not: embeddings and metrics go through faer's factorizations, which dispatch to FMA
// kernels natively and to plain simd128 in wasm (docs/decisions.md), so they agree to rounding:
// every metric within REL_TOL relative (the largest difference seen is printed).
//
// Within the browser, a run whose patients the helper workers simulate in stretches and a run
// that one worker simulates alone (the fallback where workers cannot start workers) give the
// same report bit for bit.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { CLI, cliReport, ensureCli, flags } from './cli.mjs';
import { METHODS } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

/**
 * Largest relative difference allowed between the browser's and the command line's metrics:
 * about 50 times the largest seen (1.9e-14 on 2026-11-27), far below any real difference.
 */
const REL_TOL = 1e-12;
/** CLAIME-GD passes compared (a few: each pass compounds any difference). */
const GD_PASSES = 5;

let page = null;

const env = useBrowser({}, async ({ server, browser }) => {
  page = await browser.context.newPage();
  await page.goto(`${server.url}tests/e2e/blank.html`);
});

before(() => ensureCli());

// Runs in the page: sends `requests` to a fresh explorer worker one after another (each after
// the previous one's final reply, whose type is listed in `finals`); resolves to those replies.
async function askWorker({ requests, finals, url = '../../www/worker.js' }) {
  const worker = new Worker(url, { type: 'module' });
  const replies = [];
  try {
    for (const [i, req] of requests.entries()) {
      const reply = await new Promise((resolve, reject) => {
        worker.onmessage = ({ data }) => {
          if (data.id !== i + 1) return;
          if (data.type === 'error') reject(new Error(data.message));
          if (finals.includes(data.type)) resolve(data);
        };
        worker.postMessage({ id: i + 1, ...req });
      });
      replies.push(reply);
    }
  } finally {
    worker.terminate();
  }
  return replies;
}

// The worker's final report of a streamed run and its projector export of the truth. `url`: the
// worker script (the explorer's by default).
async function workerRun(params, url = undefined) {
  const requests = [{ type: 'init' }, { type: 'run', params, methods: 'claime,concate,cl' }, { type: 'projector', space: 'truth' }];
  const [, done, truth] = await page.evaluate(askWorker, { requests, finals: ['ready', 'done', 'projector-tsv'], url });
  return { report: done.report, truthTsv: truth.vectors };
}

// The worker's CLAIME-GD state after `passes` full passes (one train-step request per pass).
async function workerTraining(params, passes) {
  const step = { type: 'train-step', session: 2, steps: 1, budget: 60_000 };
  const requests = [{ type: 'init' }, { type: 'train', params, trainer: 'claime-gd', settings: null, temperature: null }, ...Array(passes).fill(step)];
  const replies = await page.evaluate(askWorker, { requests, finals: ['ready', 'train-state'] });
  return replies.slice(1).map((r) => r.point);
}

// Compares the numeric leaves of two reports' methods; returns the largest relative difference.
function compareMethods(web, cli) {
  let worst = 0;
  const walk = (a, b, path) => {
    if (typeof b === 'number') {
      assert.equal(typeof a, 'number', `${path}: a number in the browser`);
      const rel = Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
      worst = Math.max(worst, rel);
      assert.ok(rel <= REL_TOL, `${path}: browser ${a} vs command line ${b} (relative ${rel.toExponential(2)})`);
      return;
    }
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: same fields`);
    for (const key of Object.keys(b)) walk(a[key], b[key], `${path}.${key}`);
  };
  walk(web.methods, cli.methods, 'methods');
  return worst;
}

// The true embeddings `claime simulate` writes for `params` (truth.tsv).
function cliTruth(params) {
  const dir = mkdtempSync(join(tmpdir(), 'claime-det-'));
  try {
    execFileSync(CLI, ['simulate', ...flags(params), '--out', join(dir, 'sim')], { stdio: 'ignore' });
    return readFileSync(join(dir, 'sim.truth.tsv'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Only the listed keys: both sides take the paper's defaults for the rest. Every noise case.
const CASES = [
  { d1: 100, d2: 100, n: 4000, signal: 3, seed: 7 },
  { d1: 80, d2: 120, p: 3, n: 3000, noise: 'ar1', rho: 0.5, signal: 2, seed: 11 },
  { d1: 100, d2: 100, n: 4000, noise: 'orthogonal', tau2: 25, signal: 2, seed: 3 },
  { d1: 60, d2: 40, p: 2, n: 2500, noise: 'none', mean_t: 12, signal: 4, seed: 2 ** 40 + 5 },
];

test('the same seed gives the same truth bit for bit, and the same metrics to rounding', { timeout: 180_000 }, async () => {
  let worst = 0;
  for (const params of CASES) {
    const { report, truthTsv } = await workerRun(params);
    const cli = cliReport(params);
    const rows = truthTsv.trimEnd().split('\n');
    assert.equal(rows.length, params.d1 + params.d2, 'one truth row per feature');
    assert.equal(truthTsv, cliTruth(params), `truth for ${JSON.stringify(params)}: bit-identical`);
    assert.equal(report.patients, cli.patients);
    assert.deepEqual(Object.keys(report.methods).sort(), [...METHODS].sort());
    worst = Math.max(worst, compareMethods(report, cli));
  }
  console.log(`# largest relative difference of a metric, browser vs command line: ${worst.toExponential(2)} (allowed ${REL_TOL})`);
});

test('a worker that cannot start helpers simulates by itself: the same report, bit for bit', { timeout: 120_000 }, async () => {
  // The helpers' path (stretches simulated apart and added) against the fallback (one worker
  // simulating everything), both in wasm: every number of the report must be equal.
  for (const params of [CASES[1], { ...CASES[0], n: 6000 }]) {
    const pooled = await workerRun(params);
    const alone = await workerRun(params, '../../tests/e2e/worker-alone.js');
    assert.equal(alone.report.patients, params.n);
    assert.deepEqual(alone.report.methods, pooled.report.methods, `report for ${JSON.stringify(params)}`);
    assert.equal(alone.truthTsv, pooled.truthTsv);
  }
});

test('another seed changes the truth (the comparison can fail)', { timeout: 60_000 }, async () => {
  const params = CASES[0];
  const { truthTsv } = await workerRun({ ...params, seed: params.seed + 1 });
  assert.notEqual(truthTsv, cliTruth(params));
});

test('CLAIME-GD: the loss after each pass is bit-identical; its metrics agree to rounding', { timeout: 180_000 }, async () => {
  for (const params of [{ d1: 60, d2: 50, p: 3, n: 3000, signal: 3, seed: 5 }, { d1: 40, d2: 70, p: 2, n: 2000, noise: 'ar1', rho: 0.9, signal: 3, seed: 9 }]) {
    await compareTraining(params);
  }
});

// Compares the worker's CLAIME-GD with the command line's after 1..GD_PASSES passes.
async function compareTraining(params) {
  const points = await workerTraining(params, GD_PASSES);
  assert.deepEqual(points.map((p) => p.iteration), Array.from({ length: GD_PASSES + 1 }, (_, i) => i));
  for (let k = 1; k <= GD_PASSES; k += 1) {
    const cli = cliReport(params, 'claime-gd', ['--epochs', String(k)]).trainers['claime-gd'];
    assert.equal(cli.iterations, k);
    // Object.is: equal bits (also tells 0 from -0); the losses move, so equality is not by chance.
    assert.ok(Object.is(points[k].loss, cli.final_loss), `pass ${k}: browser loss ${points[k].loss} vs command line ${cli.final_loss}`);
    assert.notEqual(points[k].loss, points[k - 1].loss, `pass ${k} changes the loss`);
    const rel = Math.abs(points[k].error - cli.projection_distance) / cli.projection_distance;
    assert.ok(rel <= REL_TOL, `pass ${k}: projection distance ${points[k].error} vs ${cli.projection_distance}`);
  }
}
