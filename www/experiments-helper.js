// The Experiments section's helper: one more experiments-worker.js, outside the pool, that
// builds and checks specs, gathers a run's outcomes and aggregates and draws them, so the page's
// main thread only sets the figure's SVG and the table. Requests answered by one reply are
// promises; a broken helper (a wasm trap, an uncaught error) is replaced and its pending
// requests are rejected with the reason.

import { WorkerPool, compileWasm } from './pool.js';

const WORKER_URL = new URL('./experiments-worker.js', import.meta.url);
const WASM_URL = new URL('./pkg/claime_bg.wasm', import.meta.url);
let workers = null; // the one promise of {pool, helper}

// The section's workers, started on first use (the page opens without them): the wasm is
// compiled once and shared by the helper and the pool (one worker per core).
export function startWorkers() {
  workers ??= compileWasm(WASM_URL).then(async (module) => {
    const helper = new Helper(WORKER_URL, module);
    await helper.ready.catch((e) => {
      helper.worker.terminate();
      throw e;
    });
    return { pool: new WorkerPool({ url: WORKER_URL, module }), helper };
  }).catch((e) => {
    workers = null; // a later run tries again
    throw e;
  });
  return workers;
}

/** A helper worker running `url`, given the compiled `module` at start. */
export class Helper {
  constructor(url, module) {
    Object.assign(this, { url, module, nextId: 1, pending: new Map() });
    this.start();
  }

  // Starts the worker; `ready` settles once it has loaded the wasm (or failed to).
  start() {
    this.worker = new Worker(this.url, { type: 'module' });
    this.worker.addEventListener('message', (e) => this.onMessage(e.data ?? {}));
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.restart(`the helper worker failed: ${e.message || 'it could not start (is www/pkg built?)'}`);
    });
    this.started = false;
    this.ready = this.ask('init', { module: this.module }).then(() => {
      this.started = true;
    });
    this.ready.catch(() => {}); // the caller of startWorkers sees the failure
  }

  // Rejects every pending request with `reason`; replaces the worker if it had started (one
  // that cannot start would fail again).
  restart(reason) {
    this.worker.terminate();
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(new Error(reason));
    if (this.started) this.start();
  }

  // Sends a message that gets no answer.
  post(type, fields = {}) {
    this.worker.postMessage({ id: this.nextId++, type, ...fields });
  }

  // Sends a request; resolves to its answer or rejects with the worker's error message.
  ask(type, fields = {}) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...fields });
    });
  }

  // Settles the request an answer belongs to; a fatal error replaces the worker.
  onMessage(msg) {
    const asked = this.pending.get(msg.id);
    this.pending.delete(msg.id);
    if (msg.type === 'error' && msg.fatal) {
      asked?.reject(new Error(msg.message));
      return this.restart(`the helper worker failed: ${msg.message}`);
    }
    if (!asked) {
      if (msg.type === 'error') this.onStray?.(msg.message); // a failed `collect` or `forget`
      return;
    }
    if (msg.type === 'error') asked.reject(new Error(msg.message));
    else asked.resolve(msg);
  }
}
