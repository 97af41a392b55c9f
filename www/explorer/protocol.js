// The messages between the page (main.js, training/section.js, training/sweep.js) and the
// explorer's worker (explorer/worker.js), documented once.
//
// Every message is a plain object `{id, type, ...}`. The page picks `id` (a growing integer);
// the worker answers with the id of the request it is answering.
//
// Page -> worker
//   {id, type: 'init'}
//       Loads the wasm (once per worker) and answers `ready`.
//   {id, type: 'run', params, methods, view?, chunk?}
//       params: parameter object (as `defaultParams()` returns; missing keys take defaults),
//       methods: comma-separated list such as "claime,concate,cl",
//       view: the method shown in the alignment view and estimate heatmap (default: the first),
//       chunk: patients between two snapshots; absent = the geometric schedule of
//       `schedule(n)` (n/16, n/8, ..., n, the first at least 500).
//       Streams `progress` after each snapshot, then `done`. A newer `run` supersedes an older
//       one: the older one stops at its next chunk boundary and answers `cancelled`.
//   {id, type: 'cancel', run}
//       Stops run `run` (or whichever run is going, when `run` is absent) at its next chunk
//       boundary; that run answers `cancelled`.
//   {id, type: 'view', view}
//       Shows another method in the alignment view: later snapshots use it, and the charts of
//       the latest fits are re-rendered at once (no refit) and answered as `charts`.
//   {id, type: 'once', params, methods}
//       One whole replicate in one call (`runOnce`, as `claime run --json`); answers `report`.
//   {id, type: 'preset', name}
//       The parameters of a named preset (the Rust table); answers `preset`.
//   {id, type: 'train', params, trainer, settings, temperature, references?}
//       A new trainer (training/section.js; replaces any held one): trainer "claime-gd", "cl-gd",
//       "claime-temp" or "claime-sgd"; settings: TrainParams (lambda, lr, batch, ...);
//       temperature: tau, null = infinity (the linear loss). Simulates all n patients, fits the
//       matching SVD solution and answers `train-state` with the point at iteration 0.
//       references: the explorer's fits at these same parameters (the `references` of `done`),
//       kept as the trainers' SVD solutions instead of fitting them again. When
//       `params` equal those of the held trainer (compared as JSON: only the trainer, tau, lr or
//       lambda changed), the held session retrains on its patients instead (`retrain`): no new
//       simulation, the SVD solution kept when the reference method is the same, and the same
//       states as a trainer built from scratch.
//   {id, type: 'train-step', session, steps, budget?, alignment?}
//       Up to `steps` steps of trainer `session` (the id of its `train`), stopping early before
//       a step that would end past `budget` ms (default 40; at least one step); answers
//       `train-state`, with the alignment view of the current embeddings when `alignment` =
//       {width, height} asks for it. Play = the page keeping up to two of these queued, asking
//       again after each answer it draws; pause = it stops asking.
//   {id, type: 'train-stop'}
//       Frees the held trainer.
//   {id, type: 'train-contrast', session, tau}
//       The contrastive picture (training/contrast.js) of trainer `session`'s latest minibatch
//       at temperature `tau` (null = infinity), without stepping; answers `contrast` with
//       {session, contrast} (null for a trainer without in-batch negatives). Every
//       `train-state` also carries `contrast`, at the trainer's own temperature until a
//       `train-contrast` names another.
//   {id, type: 'train-debug-fault', kind, debug}
//       As `debug-fault`, inside the full module that holds the trainers (training/section.js
//       restarts its worker on the fatal `error`); only with debug: true.
//   {id, type: 'names'}
//       The feature names of the latest run (the neighbour inspector's suggestions); answers
//       `feature-names`.
//   {id, type: 'neighbours', name, k}
//       The top-k neighbours by cosine of feature `name` in the truth and each method's latest
//       fit; answers `neighbour-lists`.
//   {id, type: 'projector', space}
//       The Embedding Projector export of the inspected run: vectors of `space` ("truth" or a
//       method) and the metadata; answers `projector-tsv`.
//   {id, type: 'debug-fault', kind, debug}
//       Hidden test hook (issue 8): fails on purpose through the wasm's `debugFault(kind)`:
//       kind "panic" panics (a wasm trap) and "oom" allocates until the memory runs out (also a
//       trap); both are answered by a fatal `error`, and the page restarts the worker. Any
//       other kind is a plain `error`. Refused (a plain `error`) unless `debug` is true, which
//       the page sends only when its URL has debug=1 (explorer/debug.js: window.claimeDebug.fault(kind)).
//
// Worker -> page
//   {id, type: 'ready', defaults}                      defaults: the default parameters
//                                                      (`defaultParams()`)
//   {id, type: 'progress', patients, total, report, history, charts}
//       report: Report JSON (below); history: error against patients so far; charts: the views
//       as SVG strings plus hover data (Charts in src/explorer.rs)
//   {id, type: 'done', report, history, charts, ms, references}
//       ms: wall time of the whole run; references: each method's fit at all n patients,
//       [{method, v1, v2}] with the (d1, p) and (d2, p) embeddings as column-major
//       Float64Arrays (`Explorer.references`), for the training section's `train`
//   {id, type: 'cancelled', patients}                  patients simulated before it stopped
//   {id, type: 'charts', run, charts}                  answer to `view`; run: the run they show
//   {id, type: 'report', report, ms}                   answer to `once`
//   {id, type: 'preset', name, params}                 answer to `preset`
//   {id, type: 'train-state', session, point, stepsPerEpoch?, reference?, steps?, ms?, alignment?, stale?}
//       point: {iteration, loss, error (projection distance to the truth), distance_to_svd,
//       svd_error} (LivePoint in src/train/live.rs); alignment: SVG of the embeddings
//       (Procrustes-aligned to the truth, as the explorer's view); stale: the trainer was replaced;
//       reference (answers to `train`): "adopted" when the SVD solution came from `references`,
//       "fitted" when the worker fitted it
//   {id, type: 'feature-names', codes, cuis}            answer to `names`
//   {id, type: 'neighbour-lists', lists}                answer to `neighbours`:
//       [{space: 'truth' | method, neighbours: [{name, modality, cosine}]}]
//   {id, type: 'projector-tsv', space, vectors, metadata}  answer to `projector`: vectors.tsv
//       (one row per feature, codes then CUIs, tab-separated coordinates) and metadata.tsv
//       (header `name\tmodality`, then one row per feature)
//   {id, type: 'error', message, fatal}                the worker keeps working afterwards;
//                                                      fatal: a wasm trap (Rust panic or memory
//                                                      exhausted), so the page should restart
//                                                      the worker
//
// Report JSON (Report in src/session.rs):
//   {params, patients, methods: {NAME: {projection_distance, ..., spectrum}},
//    timings_ms: {NAME: ms}, no_recovery}

/** Request types (page -> worker). */
export const Req = Object.freeze({
  INIT: 'init',
  RUN: 'run',
  CANCEL: 'cancel',
  VIEW: 'view',
  ONCE: 'once',
  PRESET: 'preset',
  TRAIN: 'train',
  TRAIN_STEP: 'train-step',
  TRAIN_STOP: 'train-stop',
  TRAIN_CONTRAST: 'train-contrast',
  TRAIN_DEBUG_FAULT: 'train-debug-fault',
  NAMES: 'names',
  NEIGHBOURS: 'neighbours',
  PROJECTOR: 'projector',
  DEBUG_FAULT: 'debug-fault',
});

/** Reply types (worker -> page). */
export const Reply = Object.freeze({
  READY: 'ready',
  PROGRESS: 'progress',
  DONE: 'done',
  CANCELLED: 'cancelled',
  CHARTS: 'charts',
  REPORT: 'report',
  PRESET: 'preset',
  TRAIN_STATE: 'train-state',
  CONTRAST: 'contrast',
  FEATURE_NAMES: 'feature-names',
  NEIGHBOUR_LISTS: 'neighbour-lists',
  PROJECTOR_TSV: 'projector-tsv',
  ERROR: 'error',
});

/** Smallest first snapshot of the geometric schedule (patients). */
export const FIRST_SNAPSHOT = 500;

// The snapshot points of a run of n patients: n/16, n/8, n/4, n/2, n (the first >= 500).
export function schedule(n) {
  const total = Math.max(0, Math.floor(n));
  const first = Math.min(total, Math.max(FIRST_SNAPSHOT, Math.ceil(total / 16)));
  const points = [];
  for (let k = first; k < total; k *= 2) points.push(k);
  points.push(total);
  return points;
}

// Builds a message, checking that its type is one of the known ones.
export function message(id, type, fields = {}) {
  const known = Object.values(Req).includes(type) || Object.values(Reply).includes(type);
  if (!known) throw new Error(`protocol: unknown message type "${type}"`);
  return { id, type, ...fields };
}
