// The messages between the page (main.js) and the worker (worker.js), documented once.
//
// Every message is a plain object `{id, type, ...}`. The page picks `id` (a growing integer);
// the worker answers with the id of the request it is answering.
//
// Page -> worker
//   {id, type: 'init'}
//       Loads the wasm (once per worker) and answers `ready`.
//   {id, type: 'run', params, methods, chunk}
//       params: parameter object (as `defaultParams()` returns; missing keys take defaults),
//       methods: comma-separated list such as "claime,concate,cl",
//       chunk: patients to simulate between two reports.
//       Streams `progress` after each chunk, then `done`. A newer `run` supersedes an older one:
//       the older one stops at its next chunk boundary and answers `cancelled`.
//   {id, type: 'cancel', run}
//       Stops run `run` (or whichever run is going, when `run` is absent) at its next chunk
//       boundary; that run answers `cancelled`.
//
// Worker -> page
//   {id, type: 'ready', defaults}                      defaults: the default parameters
//   {id, type: 'progress', patients, total, report, history?, charts?}
//       report: Report JSON (below); history and charts: present when the wasm Explorer has
//       snapshot(view) (error against patients so far; the rendered views)
//   {id, type: 'done', report, history?, charts?, ms}  ms: wall time of the whole run
//   {id, type: 'cancelled', patients}                  patients simulated before it stopped
//   {id, type: 'error', message, fatal}                the worker keeps working afterwards;
//                                                      fatal: a wasm trap (Rust panic), so the
//                                                      page should restart the worker
//
// Report JSON (Report in src/session.rs):
//   {params, patients, methods: {NAME: {projection_distance, ..., spectrum}},
//    timings_ms: {NAME: ms}, no_recovery}

/** Request types (page -> worker). */
export const Req = Object.freeze({ INIT: 'init', RUN: 'run', CANCEL: 'cancel' });

/** Reply types (worker -> page). */
export const Reply = Object.freeze({
  READY: 'ready',
  PROGRESS: 'progress',
  DONE: 'done',
  CANCELLED: 'cancelled',
  ERROR: 'error',
});

/** The methods the first page runs, in table order. */
export const METHODS = Object.freeze(['claime', 'concate', 'cl']);

/** Patients per chunk between two reports. */
export const DEFAULT_CHUNK = 5000;

// Builds a message, checking that its type is one of the known ones.
export function message(id, type, fields = {}) {
  const known = Object.values(Req).includes(type) || Object.values(Reply).includes(type);
  if (!known) throw new Error(`protocol: unknown message type "${type}"`);
  return { id, type, ...fields };
}

// Turns anything thrown (Error, JsError, string) into a readable message.
export function errorText(e) {
  if (e instanceof Error) return e.message || String(e);
  if (e && typeof e === 'object' && 'message' in e) return String(e.message);
  return String(e);
}
