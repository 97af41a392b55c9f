// The module worker: loads the wasm once, runs Explorer sessions in chunks, answers typed
// messages (explorer/protocol.js). An error is posted back and never ends the worker. After a run's
// first snapshot, its patients are simulated by a pool of helper workers (sim-pool.js), one per
// core, while this worker refits; the snapshots are the same as simulating here.
// The explorer uses the small wasm module (www/pkg-explorer); the training handlers load the
// full one (www/pkg) the first time a trainer is built.

import { LANDING_PRESET } from '../state/fields.js';
import init, { debugFault, defaultParams, Explorer, patientBlock, presetParams, runOnce } from '../pkg-explorer/claime.js';
import { errorText, loadOnce, release, serve } from '../lib/worker-side.js';
import { Reply, Req, message, schedule } from './protocol.js';
import { closeFeed, endFeed, openFeed } from './sim-pool.js';
import { trainingHandlers } from '../training/handlers.js';

let currentRun = null; // id of the run allowed to go on; null when none
let view = 'claime'; // method shown in the alignment view
let active = null; // {id, explorer} of the run in progress
let kept = null; // {id, explorer} of the last finished run, for `view` re-renders

// Loads the wasm module the first time it is needed; later calls reuse the same promise.
const loadWasm = loadOnce(() => init());

// Posts one message to the page.
function post(id, type, fields) {
  self.postMessage(message(id, type, fields));
}

// Yields to the event loop so a newer `run` or a `cancel` can arrive between chunks.
function yieldToMessages() {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

// Answers `init` with the default parameters and those of the landing preset.
async function onInit(msg) {
  await loadWasm();
  post(msg.id, Reply.READY, { defaults: defaultParams(), landing: presetParams(LANDING_PRESET) });
}

// The patient counts after which a run snapshots: fixed chunks, or the geometric schedule.
function snapshotPoints(total, chunk) {
  if (!chunk) return schedule(total);
  const step = Math.max(1, Math.floor(chunk));
  const points = [];
  for (let k = step; k < total; k += step) points.push(k);
  points.push(total);
  return points;
}

// Refits and reads one snapshot: {report, history, charts}.
function readSnapshot(explorer) {
  const { report, history, charts } = explorer.snapshot(view);
  return { report, history, charts };
}

// Runs one replicate along its snapshot points, posting progress after each and `done` at the end.
async function onRun(msg) {
  currentRun = msg.id;
  await loadWasm();
  const t0 = performance.now();
  view = String(msg.view ?? msg.methods ?? '').split(',')[0].trim() || 'claime';
  const run = { id: msg.id, explorer: null };
  let finished = false;
  let own = null; // this run's feed, once the helpers simulate for it
  try {
    // width, height = 0: the default chart size.
    run.explorer = new Explorer(msg.params ?? null, msg.methods, 0, 0);
    active = run;
    const { explorer } = run;
    const points = snapshotPoints(explorer.total(), msg.chunk);
    closeFeed();
    let snap = null;
    for (const [i, point] of points.entries()) {
      if (currentRun !== msg.id) return post(msg.id, Reply.CANCELLED, { patients: explorer.patients() });
      let patients;
      if (i === 1) {
        // From the second snapshot on, the helpers simulate the stretches between the points
        // (every core) while this worker refits and renders. They start after the first
        // snapshot is out, so that their start does not delay the first result.
        own = openFeed(msg.id, msg.params ?? null, msg.methods, points, patientBlock());
      }
      if (own) {
        const parts = await own.next();
        if (parts === null || currentRun !== msg.id) return post(msg.id, Reply.CANCELLED, { patients: explorer.patients() });
        for (const stats of parts) patients = explorer.addStats(stats);
      } else {
        patients = explorer.advance(point - explorer.patients());
      }
      snap = readSnapshot(explorer);
      post(msg.id, Reply.PROGRESS, { patients, total: explorer.total(), ...snap });
      await yieldToMessages();
    }
    if (currentRun !== msg.id) return post(msg.id, Reply.CANCELLED, { patients: explorer.patients() });
    // the fits at all n patients, which the training section passes to its trainers
    const references = explorer.references(msg.params ?? null);
    post(msg.id, Reply.DONE, { ...snap, ms: performance.now() - t0, references });
    finished = true;
  } finally {
    endFeed(own);
    if (active === run) active = null;
    if (finished) keep(run);
    else release(run.explorer);
    if (currentRun === msg.id) currentRun = null;
  }
}

// Keeps a finished run's Explorer for re-rendering, freeing the one kept before.
function keep(run) {
  if (kept) release(kept.explorer);
  kept = run;
}

// Stops the named run (or the current one) at its next chunk boundary.
function onCancel(msg) {
  if (msg.run === undefined || msg.run === currentRun) {
    currentRun = null;
    closeFeed();
  }
}

// Switches the alignment method; re-renders the latest fits at once when there are any.
function onView(msg) {
  view = String(msg.view ?? 'claime');
  const run = active ?? kept;
  if (!run) return;
  let charts;
  try {
    charts = run.explorer.charts(view);
  } catch (e) {
    if (run === active) return; // no snapshot yet: the next one uses the new view
    throw e;
  }
  post(msg.id, Reply.CHARTS, { run: run.id, charts });
}

// Runs one whole replicate in a single call (as `claime run --json`).
async function onOnce(msg) {
  await loadWasm();
  const t0 = performance.now();
  const report = runOnce(msg.params ?? null, msg.methods ?? 'claime,concate,cl');
  post(msg.id, Reply.REPORT, { report, ms: performance.now() - t0 });
}

// Answers the parameters of a named preset.
async function onPreset(msg) {
  await loadWasm();
  post(msg.id, Reply.PRESET, { name: msg.name, params: presetParams(String(msg.name)) });
}

// The run whose fits the inspector reads: the one going, else the last finished one.
function inspected() {
  const run = active ?? kept;
  if (!run) throw new Error('neighbours: no run yet; wait for the first snapshot');
  return run.explorer;
}

// Answers the feature names of the inspected run.
function onNames(msg) {
  post(msg.id, Reply.FEATURE_NAMES, inspected().featureNames());
}

// Answers the neighbour lists of one feature.
function onNeighbours(msg) {
  const k = Math.max(1, Math.min(200, Math.floor(Number(msg.k) || 10)));
  post(msg.id, Reply.NEIGHBOUR_LISTS, { lists: inspected().neighbours(String(msg.name ?? ''), k) });
}

// Answers the Embedding Projector files of the inspected run: vectors of `space`, metadata.
function onProjector(msg) {
  const explorer = inspected();
  const space = String(msg.space ?? 'truth');
  post(msg.id, Reply.PROJECTOR_TSV, { space, vectors: explorer.vectorsTsv(space), metadata: explorer.metadataTsv() });
}

// Fails on purpose (the fault tests' hidden hook): only when the page passed `debug: true`,
// which it does only with `debug=1` in its URL (debug.js). A trap never returns.
async function onDebugFault(msg) {
  if (msg.debug !== true) throw new Error('worker: debug-fault is available only with debug=1 in the page URL');
  await loadWasm();
  debugFault(String(msg.kind ?? ''));
}

const handlers = {
  [Req.INIT]: onInit,
  [Req.RUN]: onRun,
  [Req.CANCEL]: onCancel,
  [Req.VIEW]: onView,
  [Req.ONCE]: onOnce,
  [Req.PRESET]: onPreset,
  [Req.NAMES]: onNames,
  [Req.NEIGHBOURS]: onNeighbours,
  [Req.PROJECTOR]: onProjector,
  [Req.DEBUG_FAULT]: onDebugFault,
  ...trainingHandlers({ loadWasm, post }), // train, train-step, train-stop
};

// Every failure becomes an `error` reply. A wasm trap (a Rust panic, or memory exhausted) may
// leave the module broken: the page should restart us, and the message says what happened
// rather than only "unreachable".
serve('worker', handlers, {
  send: post,
  describe: (e, fatal) => (fatal ? `the computation crashed (${errorText(e)}): a bug or memory exhausted` : errorText(e)),
});
