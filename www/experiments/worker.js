// The "Experiments" section's module worker (pool.js starts one per core, plus one helper):
// loads the wasm once and answers typed messages: tasks of the paper's experiments and of the
// regime map, and the helper's specs, aggregates and figures. Messages: experiments/protocol.js.

import init, {
  ExperimentRunner, RegimeRunner, debugFault, defaultExperimentSpec, defaultRegimeSpec, experimentSpec,
} from '../pkg/claime.js';
import { loadOnce, post, release, serve } from '../lib/worker-side.js';

const runners = { experiment: null, regime: null }; // {key, runner} kept between tasks
const runs = new Map(); // run id -> {runner, outcomes} gathered for the helper's renders

// Loads the wasm the first time (from a shared compiled module when given).
const loadWasm = loadOnce((module) => init(module ? { module_or_path: module } : undefined));

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

// Answers the default experiment and regime specs (the command line's, Rust's `Default`).
async function onDefaults(msg) {
  await loadWasm();
  post(msg.id, 'defaults', { experiment: defaultExperimentSpec(), regime: defaultRegimeSpec() });
}

// Builds and checks an experiment spec; empty signal, p or seed take the paper's defaults.
async function onSpec(msg) {
  await loadWasm();
  const d = defaultExperimentSpec().base;
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
  defaults: onDefaults,
  spec: onSpec,
  'regime-spec': onRegimeSpec,
  collect: onCollect,
  render: onRender,
  forget: onForget,
  assemble: onAssemble,
};

serve('experiments worker', handlers);
