// Determinism across platforms: the same parameters and seed give the same bits in the
// command line (native, target/debug/claime) and in the page's worker (wasm in Chromium).
//
// Checked exactly (numbers compared with Object.is, files as text with shortest round-trip
// formatting, which is equality of the bits):
// - the simulation: the true embeddings, written by `claime simulate` and by the worker's
//   projector export, and the patient counts of every report;
// - the fitted embeddings of CLAIME, Concate and CL (the worker's projector export against
//   `claime simulate` then `claime fit`) and every metric of the report. They go through the
//   hand-written fixed-order products and factorizations of src/linalg (kernels.rs, dense.rs,
//   lanczos.rs), not faer's kernels, which pick FMA natively and simd128 in wasm;
// - the CLAIME-GD trainer's loss after each pass and its projection distance.
// The cases cover the dense factorizations (small d), Lanczos on the SVD and eigen paths, and the
// low-rank guard of tiny cohorts.
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
async function askWorker({ requests, finals, url = '../../www/explorer/worker.js' }) {
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

// The worker's final report of a streamed run, its projector export of the truth and of each of
// `methods` (vectors.tsv). `url`: the worker script (the explorer's by default).
async function workerRun(params, url = undefined, methods = []) {
  const spaces = ['truth', ...methods].map((space) => ({ type: 'projector', space }));
  const requests = [{ type: 'init' }, { type: 'run', params, methods: 'claime,concate,cl' }, ...spaces];
  const finals = ['ready', 'done', 'projector-tsv'];
  const [, done, truth, ...fitted] = await page.evaluate(askWorker, { requests, finals, url });
  return { report: done.report, truthTsv: truth.vectors, vectors: Object.fromEntries(methods.map((m, i) => [m, fitted[i].vectors])) };
}

// The worker's CLAIME-GD state after `passes` full passes (one train-step request per pass).
async function workerTraining(params, passes) {
  const step = { type: 'train-step', session: 2, steps: 1, budget: 60_000 };
  const requests = [{ type: 'init' }, { type: 'train', params, trainer: 'claime-gd', settings: null, temperature: null }, ...Array(passes).fill(step)];
  const replies = await page.evaluate(askWorker, { requests, finals: ['ready', 'train-state'] });
  return replies.slice(1).map((r) => r.point);
}

// Asserts that the numeric leaves of two reports' methods are equal bit for bit; returns how
// many were compared.
function compareMethods(web, cli) {
  let count = 0;
  const walk = (a, b, path) => {
    if (typeof b === 'number') {
      assert.ok(Object.is(a, b), `${path}: browser ${a} vs command line ${b}`);
      count += 1;
      return;
    }
    assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort(), `${path}: same fields`);
    for (const key of Object.keys(b)) walk(a[key], b[key], `${path}.${key}`);
  };
  walk(web.methods, cli.methods, 'methods');
  return count;
}

// The true embeddings `claime simulate` writes for `params` (truth.tsv), and, for each of
// `methods`, the embeddings `claime fit` writes from the simulated summary (vectors.tsv).
function cliFiles(params, methods = []) {
  const dir = mkdtempSync(join(tmpdir(), 'claime-det-'));
  try {
    const sim = join(dir, 'sim');
    execFileSync(CLI, ['simulate', ...flags(params), '--out', sim], { stdio: 'ignore' });
    const vectors = {};
    for (const m of methods) {
      const fit = ['fit', '--summary', `${sim}.summary.json`, '--p', String(params.p ?? 4), '--method', m, '--seed', String(params.seed), '--out', join(dir, m)];
      execFileSync(CLI, fit, { stdio: 'ignore' });
      vectors[m] = readFileSync(join(dir, `${m}.vectors.tsv`), 'utf8');
    }
    return { truth: readFileSync(`${sim}.truth.tsv`, 'utf8'), vectors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The true embeddings `claime simulate` writes for `params`.
const cliTruth = (params) => cliFiles(params).truth;

// Only the listed keys: both sides take the paper's defaults for the rest. Every noise case.
const CASES = [
  { d1: 100, d2: 100, n: 4000, signal: 3, seed: 7 },
  { d1: 80, d2: 120, p: 3, n: 3000, noise: 'ar1', rho: 0.5, signal: 2, seed: 11 },
  { d1: 100, d2: 100, n: 4000, noise: 'orthogonal', tau2: 25, signal: 2, seed: 3 },
  { d1: 60, d2: 40, p: 2, n: 2500, noise: 'none', mean_t: 12, signal: 4, seed: 2 ** 40 + 5 },
  // Lanczos for every method (CLAIME's 300 x 250 PMI through its Gram matrix).
  { d1: 300, d2: 250, n: 5000, signal: 2, seed: 13 },
  // Five patients: the low-rank guard (CLAIME) and twin features (Concate, CL).
  { d1: 200, d2: 180, n: 5, seed: 17 },
];
const FITTED = ['claime', 'concate', 'cl'];

test('the same seed gives the same truth, embeddings and metrics, bit for bit', { timeout: 240_000 }, async () => {
  let metrics = 0;
  for (const params of CASES) {
    const web = await workerRun(params, undefined, FITTED);
    const cli = cliReport(params);
    const files = cliFiles(params, FITTED);
    const what = JSON.stringify(params);
    const rows = web.truthTsv.trimEnd().split('\n');
    assert.equal(rows.length, params.d1 + params.d2, 'one truth row per feature');
    assert.equal(web.truthTsv, files.truth, `truth for ${what}`);
    for (const m of FITTED) {
      assert.equal(web.vectors[m].trimEnd().split('\n').length, params.d1 + params.d2, `${m}: one row per feature`);
      assert.equal(web.vectors[m], files.vectors[m], `${m} embeddings for ${what}`);
    }
    assert.equal(web.report.patients, cli.patients);
    assert.deepEqual(Object.keys(web.report.methods).sort(), [...METHODS].sort());
    metrics += compareMethods(web.report, cli);
  }
  console.log(`# ${metrics} metrics and ${CASES.length * FITTED.length} embedding files equal bit for bit`);
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

test('another seed changes the truth and the embeddings (the comparison can fail)', { timeout: 60_000 }, async () => {
  const params = CASES[0];
  const { truthTsv, vectors } = await workerRun({ ...params, seed: params.seed + 1 }, undefined, ['claime']);
  const files = cliFiles(params, ['claime']);
  assert.notEqual(truthTsv, files.truth);
  assert.notEqual(vectors.claime, files.vectors.claime);
});

test('CLAIME-GD: the loss and the projection distance after each pass are bit-identical', { timeout: 180_000 }, async () => {
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
    assert.ok(Object.is(points[k].error, cli.projection_distance), `pass ${k}: projection distance ${points[k].error} vs ${cli.projection_distance}`);
  }
}
