// The training worker's own time per `train-step` message at d1 = d2 = 2500, in headless
// Chromium: one step with its point (loss and distances), with and without the alignment view,
// medians over 30 messages each after 10 of warm-up (the `ms` of each `train-state` answer).
// What a frame of the "Training" section costs in the worker, apart from the page's drawing.
//
// Usage: node scripts/bench-step.mjs [--dir TREE] [--trainer claime-gd] [--d 2500]
//   (TREE: a source tree with a built www/pkg, default this one, for A/B runs)

import { parseArgs } from 'node:util';
import { launch } from '../tests/e2e/helpers.mjs';
import { startServer } from './serve.mjs';


// Runs in the page: builds the trainer in a fresh worker and times 40 pairs of messages.
async function timings({ trainer, d }) {
  const worker = new Worker('../../www/explorer/worker.js', { type: 'module' });
  let id = 1;
  const ask = (msg) => new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => (data.type === 'error' ? reject(new Error(data.message)) : resolve(data));
    worker.postMessage({ id: id++, ...msg });
  });
  await ask({ type: 'init' });
  const { session } = await ask({ type: 'train', params: { d1: d, d2: d }, trainer, settings: null, temperature: 1 });
  const out = { withAlignment: [], without: [] };
  for (let i = 0; i < 40; i += 1) {
    out.withAlignment.push((await ask({ type: 'train-step', session, steps: 1, budget: 1, alignment: { width: 560, height: 360 } })).ms);
    out.without.push((await ask({ type: 'train-step', session, steps: 1, budget: 1 })).ms);
  }
  worker.terminate();
  return out;
}

const median = (xs) => {
  const s = xs.slice(10).sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const { values: o } = parseArgs({
  options: { dir: { type: 'string', default: '.' }, trainer: { type: 'string', default: 'claime-gd' }, d: { type: 'string', default: '2500' } },
});
const { dir, trainer } = o;
const d = Number(o.d);
const server = await startServer({ dir, port: 0 });
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}tests/e2e/blank.html`);
  const r = await page.evaluate(timings, { trainer, d });
  console.log(JSON.stringify({ dir, trainer, d, stepPointAlignmentMs: median(r.withAlignment), stepPointMs: median(r.without) }));
} finally {
  await browser.close();
  await server.close();
}
