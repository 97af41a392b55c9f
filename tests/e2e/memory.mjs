// Memory readings for the browser tests: the page's JavaScript heap (Chrome DevTools Protocol,
// Performance.getMetrics, after a forced garbage collection) and the wasm memory of the page's
// workers (read inside each worker from its module's instance).

import assert from 'node:assert/strict';

// The page's instances of www/explorer/worker.js: the explorer's and the training section's
// (both load the explorer's wasm module).
export function pageWorkers(page) {
  return page.workers().filter((w) => w.url().endsWith('/www/explorer/worker.js'));
}

// Bytes of one worker's wasm memory. The worker's module record is shared with this import
// (same URL, same realm), so `default()` returns the instance the worker already made.
export function wasmBytes(worker) {
  return worker.evaluate(async () => {
    const m = await import(new URL('../pkg-explorer/claime.js', self.location.href).href);
    return (await m.default()).memory.buffer.byteLength;
  });
}

// Bytes of wasm memory of all the page's www/explorer/worker.js instances together.
export async function workersWasmBytes(page) {
  const workers = pageWorkers(page);
  assert.ok(workers.length > 0, 'the explorer worker is running');
  const sizes = await Promise.all(workers.map(wasmBytes));
  return sizes.reduce((a, b) => a + b, 0);
}

// Opens a DevTools session on the page with the Performance domain on.
export async function devtools(page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  return cdp;
}

// The page's used JavaScript heap in bytes after a forced garbage collection.
export async function pageHeapBytes(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize');
  assert.ok(used, 'Performance.getMetrics reports JSHeapUsedSize');
  return used.value;
}

export const MiB = 2 ** 20;
