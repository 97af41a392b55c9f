// The module worker: loads the wasm once, runs Explorer sessions in chunks, answers typed
// messages (see protocol.js). An error is posted back and never ends the worker.

import init, { defaultParams, Explorer } from './pkg/claime.js';
import { Reply, Req, errorText, message } from './protocol.js';

let wasmReady = null; // the one init() promise
let currentRun = null; // id of the run allowed to go on; null when none

// Loads the wasm module the first time it is needed; later calls reuse the same promise.
function loadWasm() {
  wasmReady ??= init().catch((e) => {
    wasmReady = null; // let a later request try again
    throw e;
  });
  return wasmReady;
}

// Posts one message to the page.
function post(id, type, fields) {
  self.postMessage(message(id, type, fields));
}

// Yields to the event loop so a newer `run` or a `cancel` can arrive between chunks.
function yieldToMessages() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// Frees an Explorer's wasm memory; a trapped module may refuse, which changes nothing.
function release(explorer) {
  try {
    explorer?.free();
  } catch {
    // the original error is the one worth reporting
  }
}

// Answers `init` with the default parameters.
async function onInit(msg) {
  await loadWasm();
  post(msg.id, Reply.READY, { defaults: defaultParams() });
}

// Reads the metrics from an Explorer: {report} and, where the wasm has snapshot(view), also
// {history, charts}. `view` is the method the charts show (the first one asked for).
function readSnapshot(explorer, view) {
  if (typeof explorer.snapshot === 'function') {
    const { report, history, charts } = explorer.snapshot(view);
    return { report, history, charts };
  }
  return { report: explorer.report() };
}

// Runs one replicate in chunks, posting progress after each and `done` at the end.
async function onRun(msg) {
  currentRun = msg.id;
  await loadWasm();
  const t0 = performance.now();
  const chunk = Math.max(1, Math.floor(msg.chunk ?? 5000));
  const view = String(msg.methods ?? '').split(',')[0].trim();
  let explorer = null;
  try {
    // width, height = 0: the default chart size.
    explorer = new Explorer(msg.params ?? null, msg.methods, 0, 0);
    let snap = null;
    while (!explorer.done()) {
      if (currentRun !== msg.id) return post(msg.id, Reply.CANCELLED, { patients: explorer.patients() });
      const patients = explorer.advance(chunk);
      snap = readSnapshot(explorer, view);
      post(msg.id, Reply.PROGRESS, { patients, total: explorer.total(), ...snap });
      await yieldToMessages();
    }
    if (currentRun !== msg.id) return post(msg.id, Reply.CANCELLED, { patients: explorer.patients() });
    snap ??= readSnapshot(explorer, view);
    post(msg.id, Reply.DONE, { ...snap, ms: performance.now() - t0 });
  } finally {
    release(explorer);
    if (currentRun === msg.id) currentRun = null;
  }
}

// Stops the named run (or the current one) at its next chunk boundary.
function onCancel(msg) {
  if (msg.run === undefined || msg.run === currentRun) currentRun = null;
}

const handlers = { [Req.INIT]: onInit, [Req.RUN]: onRun, [Req.CANCEL]: onCancel };

// Dispatches one message; every failure becomes an `error` reply.
async function onMessage(event) {
  const msg = event.data ?? {};
  try {
    const handler = handlers[msg.type];
    if (!handler) throw new Error(`worker: unknown request type "${msg.type}"`);
    await handler(msg);
  } catch (e) {
    // A wasm trap (a Rust panic) may leave the module broken: the page should restart us.
    const fatal = e instanceof WebAssembly.RuntimeError;
    post(msg.id, Reply.ERROR, { message: errorText(e), fatal });
  }
}

self.addEventListener('message', onMessage);
