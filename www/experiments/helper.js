// The Experiments section's helper: one more experiments/worker.js, outside the pool, that
// builds and checks specs, gathers a run's outcomes and aggregates and draws them, so the page's
// main thread only sets the figure's SVG and the table. Requests answered by one reply are
// promises; a broken helper (a wasm trap, an uncaught error) is replaced and its pending
// requests are rejected with the reason.

import { WorkerClient } from '../lib/worker-client.js';
import { WorkerPool, compileWasm } from './pool.js';

const WORKER_URL = new URL('./worker.js', import.meta.url);
const WASM_URL = new URL('../pkg/claime_bg.wasm', import.meta.url);
let helperStart = null; // the one promise of {module, helper}
let workers = null; // the one promise of {pool, helper}

// The section's helper, started on first use (the page opens without it): the wasm is
// compiled once, for the helper and later the pool. Resolves to {module, helper}.
export function startHelper() {
  helperStart ??= compileWasm(WASM_URL).then(async (module) => {
    const helper = new Helper(WORKER_URL, module);
    await helper.ready.catch((e) => {
      helper.worker.terminate();
      throw e;
    });
    return { module, helper };
  }).catch((e) => {
    helperStart = null; // a later run tries again
    throw e;
  });
  return helperStart;
}

// The section's workers, started on first use: the helper and the pool (one worker per core),
// sharing the compiled wasm.
export function startWorkers() {
  workers ??= startHelper().then(({ module, helper }) => ({ pool: new WorkerPool({ url: WORKER_URL, module }), helper }))
    .catch((e) => {
      workers = null; // a later run tries again
      throw e;
    });
  return workers;
}

/** A helper worker running `url`, given the compiled `module` at start. */
export class Helper {
  constructor(url, module) {
    this.module = module;
    this.client = new WorkerClient(url, {
      onReply: (msg) => this.onMessage(msg),
      onError: (e) => this.restart(`the helper worker failed: ${e.message || 'it could not start (is www/pkg built?)'}`),
    });
    this.start();
  }

  // The helper's Worker.
  get worker() {
    return this.client.worker;
  }

  // Starts the worker; `ready` settles once it has loaded the wasm (or failed to).
  start() {
    this.client.start();
    this.started = false;
    this.ready = this.ask('init', { module: this.module }).then(() => {
      this.started = true;
    });
    this.ready.catch(() => {}); // the caller of startWorkers sees the failure
  }

  // Rejects every pending request with `reason`; replaces the worker if it had started (one
  // that cannot start would fail again).
  restart(reason) {
    this.client.terminate(reason);
    if (this.started) this.start();
  }

  // Sends a message that gets no answer.
  post(type, fields = {}) {
    this.client.send(type, fields);
  }

  // Sends a request; resolves to its answer or rejects with the worker's error message.
  ask(type, fields = {}) {
    return this.client.ask(type, fields);
  }

  // Settles the request an answer belongs to; a fatal error replaces the worker.
  onMessage(msg) {
    const asked = this.client.settle(msg);
    if (msg.type === 'error' && msg.fatal) return this.restart(`the helper worker failed: ${msg.message}`);
    if (!asked && msg.type === 'error') this.onStray?.(msg.message); // a failed `collect` or `forget`
  }
}
