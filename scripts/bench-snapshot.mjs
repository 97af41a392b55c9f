// What the explorer's snapshots cost to move between the worker and the page, in headless
// Chromium: one run through the explorer worker ('run' at the given parameters); for each
// `progress`/`done` message, its size as JSON and the time of a structured clone of it (what
// postMessage does to a message that transfers nothing), on the page's thread.
//
// Usage: node scripts/bench-snapshot.mjs [--params JSON]   (default: the page's defaults)

import { launch } from '../tests/e2e/helpers.mjs';
import { startServer } from './serve.mjs';

const i = process.argv.indexOf('--params');
const params = i < 0 ? null : JSON.parse(process.argv[i + 1]);

// Runs in the page: one run, measuring each snapshot message.
async function measure({ params }) {
  const worker = new Worker('../../www/explorer/worker.js', { type: 'module' });
  const out = [];
  await new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'error') reject(new Error(data.message));
      if (data.type !== 'progress' && data.type !== 'done') return;
      const t0 = performance.now();
      for (let k = 0; k < 20; k += 1) structuredClone(data);
      const cloneMs = (performance.now() - t0) / 20;
      out.push({ type: data.type, chars: JSON.stringify(data).length, cloneMs });
      if (data.type === 'done') resolve();
    };
    worker.postMessage({ id: 1, type: 'init' });
    worker.postMessage({ id: 2, type: 'run', params, methods: 'claime,concate,cl' });
  });
  worker.terminate();
  return out;
}

const server = await startServer({ port: 0 });
const browser = await launch();
try {
  const page = await browser.context.newPage();
  await page.goto(`${server.url}tests/e2e/blank.html`);
  console.log(JSON.stringify({ params, messages: await page.evaluate(measure, { params }) }));
} finally {
  await browser.close();
  await server.close();
}
