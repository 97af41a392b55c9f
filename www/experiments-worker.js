// The "Experiments" section's module worker (pool.js starts one per core, plus one helper):
// loads the wasm once and answers typed messages. Task workers run the independent tasks of the
// paper's experiments (ExperimentRunner) and of the regime map (RegimeRunner); the helper builds
// and checks specs, gathers a run's outcomes and aggregates and draws them, so none of that
// runs on the page's main thread. Task t gives the same numbers in any worker.
//
// Every message is a plain object `{id, type, ...}`; the answer carries the request's id.
//
// Page -> worker
//   {id, type: 'init', module?}
//       Loads the wasm (once per worker), from `module` (a compiled WebAssembly.Module shared by
//       the page, so a new worker only instantiates it) or else by fetching it; answers `ready`.
//   {id, type: 'task', kind: 'experiment' | 'regime' | 'fault', spec, t}
//       Runs task `t` of an ExperimentRunner (spec: {spec: `experimentSpec`'s object,
//       experiments: "" for that spec's experiment alone or "all", run as one job}) or a
//       RegimeRunner (spec: {noise, signal: [a, b], level: [a, b], grid, reps, base}); the runner
//       is kept while the spec stays the same. 'fault' (tests only) calls `debugFault(spec)`:
//       "panic" traps, as a bug would. Answers `result`.
//   {id, type: 'spec', experiment, noise, reps, methods, n_scale, signal?, p?, seed?}
//       Builds and checks an experiment spec (missing signal, p, seed: the paper's defaults);
//       experiment "all" runs n, d and noise as one job (the default point computed once, as
//       `claime experiment --exp all`). Answers `spec` with the task's spec as above.
//   {id, type: 'regime-spec', spec}
//       Checks a regime spec; answers `spec`.
//   {id, type: 'collect', run, spec, t, outcomes}
//       Adds task `t`'s outcomes to run `run` (kept here; the first message of a run names its
//       task spec). No answer.
//   {id, type: 'render', run, width, height}
//       Aggregates the outcomes of run `run` gathered so far and draws a figure per experiment;
//       answers `rendered`.
//   {id, type: 'forget', run}
//       Drops run `run`'s outcomes. No answer.
//   {id, type: 'assemble', spec, errors, width, height}
//       The regime map from every task's errors (indexed by task); answers `assembled`.
//
// Worker -> page
//   {id, type: 'ready'}
//   {id, type: 'result', kind, t, result, ms}     result: [{point, method, rep, error, literal}]
//                                                 (experiment) or [claime, concate, cl] (regime)
//   {id, type: 'spec', spec, tasks, experiments}  the checked task spec, its number of tasks
//                                                 and the experiments it runs (["n", ...])
//   {id, type: 'rendered', run, count, tables, ms}
//       count: outcomes aggregated; tables: one {experiment, rows, csv, svg} per experiment, rows:
//       [{experiment, noise, x_name, x, method, reps, mean, median, p10, p90, literal_mean,
//       literal_median}], csv: the command line's CSV text of that experiment
//   {id, type: 'assembled', cells, csv, svg, wins, ahead, ms}  cells: [{signal, level, claime, concate, cl,
//       diff, ci95}]; wins: cells where CLAIME wins (ahead beyond the 95 % interval); ahead: ahead by less
//   {id, type: 'error', message, fatal}           fatal: a wasm trap (e instanceof
//                                                 WebAssembly.RuntimeError): replace this worker

import init, { ExperimentRunner, RegimeRunner, debugFault, defaultParams, experimentSpec } from './pkg/claime.js';

let wasmReady = null; // the one init() promise
const runners = { experiment: null, regime: null }; // {key, runner} kept between tasks
const runs = new Map(); // run id -> {runner, outcomes} gathered for the helper's renders

// Loads the wasm the first time (from a shared compiled module when given).
function loadWasm(module) {
  wasmReady ??= init(module ? { module_or_path: module } : undefined).catch((e) => {
    wasmReady = null; // let a later request try again
    throw e;
  });
  return wasmReady;
}

// Posts one message to the page.
function post(id, type, fields = {}) {
  self.postMessage({ id, type, ...fields });
}

// Frees a wasm object; a trapped module may refuse, which changes nothing.
function release(object) {
  try {
    object?.free();
  } catch {
    // the original error is the one worth reporting
  }
}

// The runner of `kind` for `spec`, kept while the spec stays the same.
function runnerFor(kind, spec) {
  const key = JSON.stringify(spec);
  const kept = runners[kind];
  if (kept?.key === key) return kept.runner;
  release(kept?.runner);
  runners[kind] = null;
  const runner = kind === 'experiment' ? experimentRunner(spec) : new RegimeRunner(spec);
  runners[kind] = { key, runner };
  return runner;
}

// The ExperimentRunner of a task spec {spec, experiments}.
function experimentRunner(task) {
  return new ExperimentRunner(task.spec, task.experiments || undefined);
}

// Answers `init` once the wasm is loaded.
async function onInit(msg) {
  await loadWasm(msg.module);
  post(msg.id, 'ready');
}

// Runs one task and answers its result with the time it took.
async function onTask(msg) {
  await loadWasm();
  const t0 = performance.now();
  let result;
  if (msg.kind === 'fault') result = debugFault(String(msg.spec));
  else if (msg.kind === 'experiment' || msg.kind === 'regime') {
    result = runnerFor(msg.kind, msg.spec).runTask(msg.t);
    if (result instanceof Float64Array) result = Array.from(result);
  } else throw new Error(`experiments worker: unknown task kind "${msg.kind}"`);
  post(msg.id, 'result', { kind: msg.kind, t: msg.t, result, ms: performance.now() - t0 });
}

// Builds and checks an experiment spec; empty signal, p or seed take the paper's defaults.
async function onSpec(msg) {
  await loadWasm();
  const d = defaultParams();
  const pick = (v, fallback) => (v === null || v === undefined || v === '' ? fallback : Number(v));
  const all = String(msg.experiment) === 'all';
  const spec = experimentSpec(
    all ? 'n' : String(msg.experiment), String(msg.noise), Number(msg.reps), String(msg.methods), Number(msg.n_scale),
    pick(msg.signal, d.signal), pick(msg.p, d.p), BigInt(pick(msg.seed, d.seed)),
  );
  const task = { spec, experiments: all ? 'all' : '' };
  const runner = runnerFor('experiment', task);
  post(msg.id, 'spec', { spec: task, tasks: runner.tasks(), experiments: runner.experiments() });
}

// Checks a regime spec and counts its tasks.
async function onRegimeSpec(msg) {
  await loadWasm();
  post(msg.id, 'spec', { spec: msg.spec, tasks: runnerFor('regime', msg.spec).tasks() });
}

// Adds outcomes to a run kept for rendering.
async function onCollect(msg) {
  await loadWasm();
  let run = runs.get(msg.run);
  if (!run) {
    run = { runner: experimentRunner(msg.spec), results: [] };
    runs.set(msg.run, run);
  }
  run.results[msg.t] = msg.outcomes;
}

// Aggregates a run's outcomes so far and draws its figures.
async function onRender(msg) {
  await loadWasm();
  const run = runs.get(msg.run);
  if (!run) throw new Error(`experiments worker: no outcomes for run ${msg.run}`);
  const t0 = performance.now();
  // (Holes for the tasks still running: Array.from makes them undefined, read as "not yet".)
  const tables = run.runner.aggregate(Array.from(run.results));
  for (const [i, table] of tables.entries()) {
    table.svg = table.rows.length ? run.runner.figure(i, table.rows, msg.width, msg.height) : '';
  }
  const count = run.results.reduce((sum, outcomes) => sum + outcomes.length, 0); // (reduce skips the holes)
  post(msg.id, 'rendered', { run: msg.run, count, tables, ms: performance.now() - t0 });
}

// Drops a run's outcomes.
function onForget(msg) {
  release(runs.get(msg.run)?.runner);
  runs.delete(msg.run);
}

// Assembles the regime map from every task's errors and draws it.
async function onAssemble(msg) {
  await loadWasm();
  const t0 = performance.now();
  const runner = runnerFor('regime', msg.spec);
  const { cells, csv, wins, ahead } = runner.assemble(msg.errors);
  const svg = runner.figure(cells, msg.width, msg.height);
  post(msg.id, 'assembled', { cells, csv, svg, wins, ahead, ms: performance.now() - t0 });
}

const handlers = {
  init: onInit,
  task: onTask,
  spec: onSpec,
  'regime-spec': onRegimeSpec,
  collect: onCollect,
  render: onRender,
  forget: onForget,
  assemble: onAssemble,
};

// Turns anything thrown (Error, JsError, string) into a readable message.
function errorText(e) {
  if (e && typeof e === 'object' && 'message' in e) return String(e.message) || String(e);
  return String(e);
}

// Dispatches one message; every failure becomes an `error` answer.
async function onMessage(event) {
  const msg = event.data ?? {};
  try {
    const handler = handlers[msg.type];
    if (!handler) throw new Error(`experiments worker: unknown request type "${msg.type}"`);
    await handler(msg);
  } catch (e) {
    post(msg.id, 'error', { message: errorText(e), fatal: e instanceof WebAssembly.RuntimeError });
  }
}

self.addEventListener('message', onMessage);
