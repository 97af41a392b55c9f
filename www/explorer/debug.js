// The hidden debug hook of the fault tests (issue 8). With `debug=1` in the page's URL, the page
// exposes `window.claimeDebug.fault(kind)`, which asks the explorer's worker to fail on purpose,
// `window.claimeDebug.dataFault(kind)`, the same for the "Your data" worker (issue 26), and
// `window.claimeDebug.trainFault(kind)` for the training section's worker
// (explorer/protocol.js, `debug-fault`: "panic" is a Rust panic, i.e. a wasm trap; "oom" allocates until
// the memory runs out). Without the flag nothing is exposed, and the worker refuses the request.

import { Req } from './protocol.js';

// Installs window.claimeDebug when `enabled` (the page's URL has debug=1: state/url.js
// pageDebug); `send(type, fields)` posts a request to the current worker, `dataFault(kind)` and
// `trainFault(kind)` ask the "Your data" and training workers to fail (data/section.js
// faultDataWorker, training/section.js faultTrainingWorker). Returns whether the hook was
// installed.
export function installDebugHook(enabled, send, dataFault = () => {}, trainFault = () => {}) {
  if (!enabled) return false;
  window.claimeDebug = Object.freeze({
    fault: (kind) => send(Req.DEBUG_FAULT, { kind: String(kind), debug: true }),
    dataFault: (kind) => dataFault(String(kind)),
    trainFault: (kind) => trainFault(String(kind)),
  });
  return true;
}
