// The messages between the Experiments section (experiments/section.js, regime.js, helper.js,
// pool.js) and its module workers (experiments/worker.js: the pool's task workers, one per
// core, and the helper), documented once. Task workers run the independent tasks of the
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
//   {id, type: 'defaults'}
//       Answers `defaults` with the default experiment and regime specs (Rust's `Default`, what
//       `claime experiment` and `claime regime` run without flags), which fill the forms.
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
//   {id, type: 'defaults', experiment, regime}    `defaultExperimentSpec()` ({experiment, noise,
//                                                 reps, methods, trainers, train, base, n_scale})
//                                                 and `defaultRegimeSpec()` ({noise, signal,
//                                                 level, grid, reps, base})
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
