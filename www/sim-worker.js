// The simulation helper: a module worker started by the explorer's worker (worker.js), so a run
// uses the second core. It simulates a run's patients ahead while worker.js refits and renders,
// and posts the summary statistics at each snapshot point as one transferred Float64Array
// ({run, type: 'stats', patients, stats}). Patients are the same whatever the chunks, so the
// snapshots equal those of a worker that simulates and fits in turn.
// Messages in: {type: 'simulate', run, params, methods, points} and {type: 'cancel'}; a newer
// message stops the current run at its next sub-chunk.
// Out also: {run, type: 'error', message, fatal}.

import init, { Explorer } from './pkg-explorer/claime.js';

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

// Simulates one run along its snapshot points; returns when done or superseded.
async function simulate({ run, params, methods, points }) {
  current = run;
  let explorer = null;
  try {
    ready ??= init();
    await ready;
    explorer = new Explorer(params, methods, 0, 0);
    for (const point of points) {
      while (explorer.patients() < point) {
        explorer.advance(Math.min(SUB_CHUNK, point - explorer.patients()));
        await yieldToMessages();
        if (current !== run) return;
      }
      const stats = explorer.exportStats();
      self.postMessage({ run, type: 'stats', patients: explorer.patients(), stats }, [stats.buffer]);
    }
  } catch (e) {
    // fatal: a trapped module; worker.js then replaces this worker.
    self.postMessage({ run, type: 'error', message: String(e?.message ?? e), fatal: e instanceof WebAssembly.RuntimeError });
  } finally {
    try {
      explorer?.free();
    } catch {
      // a trapped module may refuse; the error is already reported
    }
  }
}

self.addEventListener('message', ({ data }) => {
  if (data?.type === 'cancel') current = null;
  if (data?.type === 'simulate') simulate(data);
});
