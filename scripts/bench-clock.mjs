// The resolution of the stage timings the explorer's worker reports (report.timings_ms, from
// the wasm's clock, src/bindings/mod.rs `now`), in headless Chromium: `reps` small replicates
// through the worker's 'once' message; prints each method's timings and how many are whole
// milliseconds (all of them with Date.now(); few with performance.now()).
//
// Usage: node scripts/bench-clock.mjs [--dir TREE] [--reps 10] [--params JSON]   (TREE: a
// source tree with a built www/pkg-explorer and www/pkg, default this one; JSON: the run's
// parameters, default {"d1":100,"d2":100,"n":5000,"seed":1}). Also prints the median of the
// worker's whole time per replicate, so the same script compares two builds' speed.

import { parseArgs } from 'node:util';
import { launch } from '../tests/e2e/helpers.mjs';
import { startServer } from './serve.mjs';

const { values: o } = parseArgs({
  options: {
    dir: { type: 'string', default: '.' }, reps: { type: 'string', default: '10' },
    params: { type: 'string', default: '{"d1":100,"d2":100,"n":5000,"seed":1}' },
  },
});

// Runs in the page: `reps` replicates in one explorer worker; resolves to the timings.
async function timings({ params, reps }) {
  const worker = new Worker('../../www/explorer/worker.js', { type: 'module' });
  const out = [];
  await new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'error') reject(new Error(data.message));
      if (data.id >= 2) out.push({ ...data.report.timings_ms, worker: data.ms });
      if (out.length === reps) resolve();
    };
    worker.postMessage({ id: 1, type: 'init' });
    for (let i = 0; i < reps; i += 1) worker.postMessage({ id: 2 + i, type: 'once', params, methods: 'claime,concate,cl' });
  });
  worker.terminate();
  return out;
}

const server = await startServer({ dir: o.dir, port: 0 });
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}tests/e2e/blank.html`);
  const params = JSON.parse(o.params);
  const all = await page.evaluate(timings, { params, reps: Number(o.reps) });
  const values = all.flatMap(({ worker, ...t }) => Object.values(t));
  const whole = values.filter((x) => Number.isInteger(x)).length;
  const ms = all.map((t) => t.worker).sort((a, b) => a - b);
  console.log(JSON.stringify({
    params, timings: all, whole: `${whole} of ${values.length} whole ms`,
    medianWorkerMs: ms[Math.floor(ms.length / 2)], minWorkerMs: ms[0],
  }));
} finally {
  await browser.close();
  await server.close();
}
