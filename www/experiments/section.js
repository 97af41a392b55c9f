// The "Experiments" section: the paper's Figure 1 (model.md §7) rerun in the browser, one panel
// or all three of a noise case as one job (the command line's `--exp all`). A run's
// independent tasks are shared by a pool of workers, one per core (pool.js); the helper worker
// (helper.js) gathers their outcomes, aggregates them and draws the figure, at most
// a few times a second, so the main thread only sets the SVG, the table and the progress line.
// The regime map, on the same pool, is in regime.js.

import { createForms, formDefaults, markTouched } from './form.js';
import { startWorkers } from './helper.js';
import { joinCsv, showCsv, showFigures, showProgress, showRows, showVerdicts } from './view.js';
import { poolSize } from './pool.js';
import { createRegime } from './regime.js';
import { $, statusLine } from '../lib/dom.js';
import { LABELS } from '../lib/methods.js';
/** Shortest time (ms) between two redraws of the figure while results arrive. */
const RENDER_MS = 300;
/** Size of the figure (pixels). */
const FIGURE = Object.freeze({ width: 720, height: 440 });

const st = { nextRun: 1, run: null }; // run: the run shown (going or finished)

/** Shows a line in the section's status; `kind` is 'info', 'running', 'done', 'cancelled' or 'error'. */
const setStatus = statusLine('exp-status', 'experiments');

// The form's values: the settings of `experimentSpec` (empty signal or seed: the paper's).
function readForm() {
  const methods = [...document.querySelectorAll('#exp-methods input:checked')].map((i) => i.value);
  return {
    experiment: $('exp-experiment').value, noise: $('exp-noise').value,
    reps: Math.floor(Number($('exp-reps').value)), n_scale: Number($('exp-nscale').value),
    methods: methods.join(','), signal: $('exp-signal').value.trim(), seed: $('exp-seed').value.trim(),
  };
}

// Clears the figure, table, progress and CSV link of the previous run.
function clearResults() {
  showFigures($('exp-figure'), []);
  showVerdicts($('exp-figure'), [], '');
  showRows($('exp-table'), []);
  showCsv($('exp-csv'), null);
  $('exp-progress').value = 0;
  $('exp-progress-text').textContent = '';
}

// Starts a run of the form's experiment (stopping the one going, if any), once the form has
// its defaults.
async function runExperiment() {
  await formDefaults();
  stopRun('superseded');
  const form = readForm();
  if (!form.methods) return setStatus('Tick at least one method.', 'error');
  const run = { id: st.nextRun++, job: null, done: 0, rendering: false, again: false, timer: null, last: 0 };
  st.run = run;
  clearResults();
  setStatus('Starting the workers…', 'running');
  let checked;
  try {
    const { pool, helper } = await startWorkers();
    Object.assign(run, { pool, helper });
    checked = await helper.ask('spec', form);
  } catch (e) {
    if (st.run === run) setStatus(`Could not start: ${e.message}`, 'error');
    return;
  }
  if (st.run !== run) return; // cancelled or superseded meanwhile
  // task: what the workers run ({spec, experiments}); spec: its settings, shown.
  Object.assign(run, {
    task: checked.spec, spec: checked.spec.spec, experiments: checked.experiments, total: checked.tasks, t0: performance.now(),
  });
  if (!$('exp-signal').value.trim()) $('exp-signal').value = String(run.spec.base.signal);
  if (!$('exp-seed').value.trim()) $('exp-seed').value = String(run.spec.base.seed);
  const names = run.spec.methods.concat(run.spec.trainers).map((m) => LABELS[m] ?? m).join(', ');
  const what = run.experiments.length > 1 ? `experiments ${run.experiments.join(', ')}` : `experiment ${run.experiments[0]}`;
  setStatus(`Running ${what} (${run.spec.noise} noise, ${names}) on ${run.pool.size} worker(s)…`, 'running');
  tick(run);
  run.job = run.pool.run({
    kind: 'experiment', spec: run.task, tasks: run.total,
    onResult: (t, outcomes) => onOutcomes(run, t, outcomes),
    onEnd: (end) => onEnd(run, end),
  });
}

// Updates the progress line of a run.
function tick(run) {
  showProgress($('exp-progress'), $('exp-progress-text'), run.done, run.total, performance.now() - run.t0);
}

// Task t's outcomes: handed to the helper (the first batch names the task spec), then a redraw.
function onOutcomes(run, t, outcomes) {
  run.helper.post('collect', { run: run.id, spec: run.done === 0 ? run.task : undefined, t, outcomes });
  run.done += 1;
  tick(run);
  scheduleRender(run);
}

// Asks for a redraw unless one is in flight or was drawn less than RENDER_MS ago.
function scheduleRender(run) {
  if (run.rendering) {
    run.again = true;
    return;
  }
  if (run.timer !== null) return;
  const wait = Math.max(0, run.last + RENDER_MS - performance.now());
  run.timer = setTimeout(() => render(run), wait);
}

// Aggregates the outcomes gathered so far (in the helper) and shows the figure and table.
async function render(run) {
  run.timer = null;
  run.rendering = true;
  const upto = run.done;
  try {
    const drawn = await run.helper.ask('render', { run: run.id, ...FIGURE });
    if (st.run !== run) return;
    showFigures($('exp-figure'), drawn.tables);
    showVerdicts($('exp-figure'), drawn.tables, run.spec.noise, Math.sqrt(2 * run.spec.base.p));
    showRows($('exp-table'), drawn.tables.flatMap((table) => table.rows));
    if (upto === run.total && run.ended === 'done') finish(run, drawn);
  } catch (e) {
    if (st.run === run) fail(run, `drawing the results failed: ${e.message}`);
  } finally {
    run.rendering = false;
    run.last = performance.now();
    if (run.again && st.run === run) {
      run.again = false;
      scheduleRender(run);
    }
  }
}

// The end of a run's job: all in (draw once more, at once), cancelled or failed.
function onEnd(run, { state, message }) {
  run.ended = state;
  if (st.run !== run) return;
  if (state === 'done') {
    clearTimeout(run.timer);
    run.timer = null;
    if (run.rendering) run.again = true;
    else render(run);
  } else if (state === 'cancelled') {
    const shown = run.done ? '; the figure and table show those' : '';
    setStatus(`Cancelled after ${run.done} of ${run.total} tasks${shown}.`, 'cancelled');
  } else fail(run, message);
}

// A finished run: the status with its timings and the CSV link.
function finish(run, drawn) {
  const s = ((performance.now() - run.t0) / 1000).toFixed(1);
  const { noise, reps } = run.spec;
  const experiment = run.experiments.length > 1 ? 'all' : run.experiments[0];
  showCsv($('exp-csv'), joinCsv(drawn.tables.map((t) => t.csv)), `claime-experiment-${experiment}-${noise}-reps${reps}.csv`);
  const rows = drawn.tables.reduce((sum, t) => sum + t.rows.length, 0);
  setStatus(`Done: ${run.total} tasks on ${run.pool.size} worker(s) in ${s} s; `
    + `${rows} rows (aggregated and drawn in a worker in ${drawn.ms.toFixed(0)} ms).`, 'done');
}

// Stops a run on an error; the pool has replaced a broken worker.
function fail(run, message) {
  run.pool?.cancel(run.job);
  setStatus(`Stopped: ${message}`, 'error');
}

// Stops the run shown (Cancel, or a new run): no more tasks go out, late results are ignored.
function stopRun(why) {
  const run = st.run;
  if (!run) return;
  clearTimeout(run.timer);
  if (why === 'superseded') {
    st.run = null;
    run.helper?.post('forget', { run: run.id });
  }
  if (run.job) run.pool.cancel(run.job); // its onEnd reports the cancel
  else if (why === 'cancel') {
    st.run = null; // still starting: nothing went out yet
    setStatus('Cancelled before any task started.', 'cancelled');
  }
}

// A preset button: one panel of Figure 1 (experiment x noise), or all three of a noise case, run at once.
function runPreset(button) {
  markTouched('exp-experiment', 'exp-noise');
  $('exp-experiment').value = button.dataset.exp;
  $('exp-noise').value = button.dataset.noise;
  runExperiment();
}

// Runs one task of kind 'fault' (`debugFault`: "panic" traps) through the section's pool and
// status line, as a broken worker would; for the end-to-end tests only.
export async function faultForTests(kind = 'panic') {
  stopRun('superseded');
  const { pool } = await startWorkers();
  await new Promise((resolve) => pool.run({
    kind: 'fault', spec: kind, tasks: 1,
    onEnd: ({ state, message }) => resolve(state === 'error' ? setStatus(`Stopped: ${message}`, 'error') : null),
  }));
}

// Wires the section; its workers start with the first run.
function createExperiments() {
  createForms($('experiments'));
  $('exp-workers').textContent = String(poolSize());
  // The presets' hint names the replicates a button will run (the form's).
  const showReps = () => ($('exp-reps-shown').textContent = String(Math.floor(Number($('exp-reps').value)) || 'the form’s'));
  $('exp-reps').addEventListener('input', showReps);
  showReps();
  $('exp-run').addEventListener('click', runExperiment);
  $('exp-cancel').addEventListener('click', () => stopRun('cancel'));
  for (const b of document.querySelectorAll('#exp-presets button')) b.addEventListener('click', () => runPreset(b));
  createRegime();
  setStatus('Choose a panel, or set the form, and press Run.', 'idle');
}

createExperiments();
