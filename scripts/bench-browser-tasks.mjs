// Browser measurements for the summary table of `npm run bench` (scripts/bench.mjs): the same
// tasks as the native and numpy columns, through the wasm in headless Chromium. Each `*InPage`
// function runs inside the page (tests/e2e/blank.html on the explorer's origin).

import { launch } from '../tests/e2e/helpers.mjs';
import { median } from './bench-native.mjs';
import { startServer } from './serve.mjs';

// Runs in the page: `runs` `once` requests (runOnce) one after another in one fresh explorer
// worker, after its init; resolves to [{ms (the worker's time for the replicate), timings (the
// report's timings_ms)}]. The first run is cold (the wasm memory grows, pages are touched);
// later ones reuse the memory, as criterion's iterations do natively.
async function onceInPage({ params, methods, runs }) {
  const worker = new Worker('../../www/explorer/worker.js', { type: 'module' });
  const out = [];
  try {
    for (let id = 1; id <= runs + 1; id += 1) {
      const reply = await new Promise((resolve, reject) => {
        worker.onmessage = ({ data }) => {
          if (data.type === 'error') reject(new Error(data.message));
          if (data.id === id) resolve(data);
        };
        worker.postMessage(id === 1 ? { id, type: 'init' } : { id, type: 'once', params, methods });
      });
      if (id > 1) out.push({ ms: reply.ms, timings: reply.report.timings_ms });
    }
  } finally {
    worker.terminate();
  }
  return out;
}

// Runs in the page: streams a records file (fetched from the server) through RecordsReader into
// OwnData and writes the summary JSON, as the "Your data" section does; resolves to {ms, chars}.
async function summarizeInPage(path) {
  const m = await import('/www/pkg/claime.js');
  await m.default();
  const t0 = performance.now();
  const reader = new m.RecordsReader('records.csv', true);
  const stream = (await fetch(path)).body.getReader();
  for (;;) {
    const { done, value } = await stream.read();
    if (done) break;
    reader.feed(value);
  }
  const own = new m.OwnData();
  own.addRecords(reader);
  own.finish();
  const chars = own.summaryJson().length;
  const ms = performance.now() - t0;
  own.free();
  reader.free();
  return { ms, chars };
}

// Runs in the page: every task of each reduced experiment of `parts` (ExperimentRunner, one
// after another on one thread); resolves to {runs: [{exp, noise, tasks, ms}], tasksFull}, where
// tasksFull counts the replicate-tasks of every pair of `all` at 500 replicates.
async function gridInPage({ parts, all, reps }) {
  const m = await import('/www/pkg/claime.js');
  await m.default();
  const runner = (exp, noise, r) => new m.ExperimentRunner(m.experimentSpec(exp, noise, r, 'claime,concate,cl', 1, 1, 4, 1n));
  let tasksFull = 0;
  for (const { exp, noise } of all) {
    const full = runner(exp, noise, 500);
    tasksFull += full.tasks();
    full.free();
  }
  const runs = [];
  for (const { exp, noise } of parts) {
    const r = runner(exp, noise, reps);
    const tasks = r.tasks();
    const t0 = performance.now();
    for (let t = 0; t < tasks; t += 1) r.runTask(t);
    runs.push({ exp, noise, tasks, ms: performance.now() - t0 });
    r.free();
  }
  return { runs, tasksFull };
}

// One cold and `reps` warm runs of `once` at `params` with `methods` in one worker:
// {ms (median of the warm runs), cold, runs, timingsRuns (warm)}.
async function onceMs(page, params, methods, reps) {
  const [cold, ...warm] = await page.evaluate(onceInPage, { params, methods, runs: reps + 1 });
  return { ms: median(warm.map((x) => x.ms)), cold: cold.ms, runs: warm.map((x) => x.ms), timingsRuns: warm.map((x) => x.timings) };
}

/**
 * Measures in Chromium: the paper-scale replicate per noise case (CLAIME only and all three
 * methods), the CLAIME fit at the real-data size (its `timings_ms.claime`), summarising the
 * records file at `recordsPath` (a path on the server), and the reduced experiments `parts`
 * (with the replicate-tasks of all experiments `all` at 500 replicates).
 */
export async function measureTasks({ paper, real, recordsPath, parts, all, gridReps, reps, log }) {
  const server = await startServer({ port: 0 });
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}tests/e2e/blank.html`);
    const out = { replicateClaime: {}, replicateAll: {} };
    for (const noise of ['spike', 'ar1']) {
      out.replicateClaime[noise] = await onceMs(page, { ...paper, noise }, 'claime', reps);
      out.replicateAll[noise] = await onceMs(page, { ...paper, noise }, 'claime,concate,cl', reps);
      const f = (x) => `${Math.round(x.ms)} ms (cold ${Math.round(x.cold)} ms)`;
      log(`browser replicate ${noise}: CLAIME only ${f(out.replicateClaime[noise])}, all ${f(out.replicateAll[noise])}`);
    }
    const fit = await onceMs(page, real, 'claime', reps);
    out.fit = { ms: median(fit.timingsRuns.map((t) => t.claime)), runs: fit.timingsRuns.map((t) => t.claime) };
    log(`browser CLAIME fit at ${real.d1} x ${real.d2}: ${Math.round(out.fit.ms)} ms`);
    const summarize = [];
    for (let r = 0; r < Math.min(reps, 2); r += 1) summarize.push(await page.evaluate(summarizeInPage, recordsPath));
    out.summarize = { ms: median(summarize.map((x) => x.ms)), runs: summarize.map((x) => x.ms) };
    log(`browser summarise records: ${Math.round(out.summarize.ms)} ms`);
    out.grid = await page.evaluate(gridInPage, { parts, all, reps: gridReps });
    log(`browser reduced experiments: ${JSON.stringify(out.grid)}`);
    await page.close();
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}
