// A simulation helper: a module worker of the pool (sim-pool.js) started by the explorer's
// worker (worker.js), so a run uses every core. It simulates stretches of a run's patients
// while worker.js refits and renders, and posts each stretch's summary statistics as one
// transferred Float64Array. The patient stream is cut in blocks, so a stretch simulated here
// holds the same patients as in one simulation from the start. Messages: sim-protocol.js.

import init, { Explorer } from '../pkg-explorer/claime.js';
import { Sim } from './sim-protocol.js';

/** Patients simulated between two looks at the message queue. */
const SUB_CHUNK = 4000;

let ready = null; // the one init() promise
let current = null; // the run allowed to go on

// Yields to the event loop without the clamping of nested timers (a message turns around at once).
function yieldToMessages() {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

// Simulates one run's stretches in order; returns when done or superseded.
async function simulate({ run, params, methods, stretches }) {
  current = run;
  let explorer = null;
  try {
    ready ??= init();
    await ready;
    explorer = new Explorer(params, methods, 0, 0);
    for (const { index, from, to } of stretches) {
      explorer.seek(from);
      while (explorer.patients() < to - from) {
        explorer.advance(Math.min(SUB_CHUNK, to - from - explorer.patients()));
        await yieldToMessages();
        if (current !== run) return;
      }
      const stats = explorer.exportStats();
      self.postMessage({ run, type: Sim.STATS, index, stats }, [stats.buffer]);
    }
  } catch (e) {
    // fatal: a trapped module; sim-pool.js then replaces this worker.
    self.postMessage({ run, type: Sim.ERROR, message: String(e?.message ?? e), fatal: e instanceof WebAssembly.RuntimeError });
  } finally {
    try {
      explorer?.free();
    } catch {
      // a trapped module may refuse; the error is already reported
    }
  }
}

self.addEventListener('message', ({ data }) => {
  if (data?.type === Sim.CANCEL) current = null;
  if (data?.type === Sim.SIMULATE) simulate(data);
});
