// The regime map of the Experiments section: CLAIME's mean error minus the best baseline's over
// a grid of (signal scale, noise level), with the boundary where CLAIME starts to win. Its tasks
// (cells x replicates) run on the section's pool; the helper worker assembles and draws the map
// once every task is in.

import { formDefaults, markTouched } from './form.js';
import { startWorkers } from './helper.js';
import { showCsv, showProgress, showSvg } from './view.js';
import { $, statusLine } from '../lib/dom.js';
/** Size of the map (pixels). */
const MAP = Object.freeze({ width: 600, height: 440 });
/** A sensible level range per noise: c of spike noise, rho of AR(1), tau2 of orthogonal noise. */
const LEVELS = Object.freeze({ spike: [0.05, 1], ar1: [0, 0.9], orthogonal: [1, 25] });

let current = null; // the map going or shown: {spec, total, done, errors, job, pool, helper, t0}

/** Shows a line in the map's status; `kind` is 'idle', 'running', 'done', 'cancelled' or 'error'. */
const setStatus = statusLine('regime-status', 'regime');

// The RegimeRunner spec of the form: {noise, signal, level, grid, reps, base: {d1, d2, n}}.
function readForm() {
  const num = (id) => Number($(id).value);
  const d = Math.floor(num('regime-d'));
  return {
    noise: $('regime-noise').value,
    signal: [num('regime-signal-from'), num('regime-signal-to')],
    level: [num('regime-level-from'), num('regime-level-to')],
    grid: Math.floor(num('regime-grid')), reps: Math.floor(num('regime-reps')),
    base: { d1: d, d2: d, n: Math.floor(num('regime-n')) },
  };
}

// Starts a map (stopping the one going, if any), once the form has its defaults.
async function runMap() {
  await formDefaults();
  if (current?.job) current.pool.cancel(current.job);
  const spec = readForm();
  const map = { spec, done: 0, job: null };
  current = map;
  showCsv($('regime-csv'), null);
  showSvg($('regime-figure'), '');
  $('regime-progress').value = 0;
  $('regime-progress-text').textContent = '';
  setStatus('Starting the workers…', 'running');
  try {
    Object.assign(map, await startWorkers());
    map.total = (await map.helper.ask('regime-spec', { spec })).tasks;
  } catch (e) {
    if (current === map) setStatus(`Could not start: ${e.message}`, 'error');
    return;
  }
  if (current !== map) return;
  Object.assign(map, { errors: new Array(map.total), t0: performance.now() });
  setStatus(`Mapping ${spec.grid} x ${spec.grid} cells, ${spec.reps} replicate(s) each, on ${map.pool.size} worker(s)…`, 'running');
  tick(map);
  map.job = map.pool.run({
    kind: 'regime', spec, tasks: map.total,
    onResult: (t, errors) => {
      map.errors[t] = errors;
      map.done += 1;
      tick(map);
    },
    onEnd: (end) => onEnd(map, end),
  });
}

// Updates the map's progress line.
function tick(map) {
  showProgress($('regime-progress'), $('regime-progress-text'), map.done, map.total, performance.now() - map.t0);
}

// The end of a map's job: assemble and draw it when every task is in.
async function onEnd(map, { state, message }) {
  if (current !== map) return;
  if (state === 'cancelled') return setStatus(`Cancelled after ${map.done} of ${map.total} tasks.`, 'cancelled');
  if (state === 'error') return setStatus(`Stopped: ${message}`, 'error');
  try {
    const drawn = await map.helper.ask('assemble', { spec: map.spec, errors: map.errors, ...MAP });
    if (current !== map) return;
    showSvg($('regime-figure'), drawn.svg);
    showCsv($('regime-csv'), drawn.csv, `claime-regime-${map.spec.noise}-grid${map.spec.grid}.csv`);
    const s = ((performance.now() - map.t0) / 1000).toFixed(1);
    const ahead = drawn.ahead > 0 ? `, ahead in ${drawn.ahead} more within the 95 % confidence interval` : '';
    setStatus(`Done in ${s} s: CLAIME wins in ${drawn.wins} of ${drawn.cells.length} cells${ahead}.`, 'done');
  } catch (e) {
    if (current === map) setStatus(`Stopped: drawing the map failed: ${e.message}`, 'error');
  }
}

// Cancels the map going, if any.
function cancelMap() {
  if (current?.job) current.pool.cancel(current.job);
  else if (current) {
    current = null;
    setStatus('Cancelled before any task started.', 'cancelled');
  }
}

// Sets the level range to the chosen noise's usual one.
function onNoise() {
  markTouched('regime-level-from', 'regime-level-to');
  const [from, to] = LEVELS[$('regime-noise').value] ?? LEVELS.spike;
  $('regime-level-from').value = String(from);
  $('regime-level-to').value = String(to);
}

// Wires the map's form.
export function createRegime() {
  $('regime-run').addEventListener('click', runMap);
  $('regime-cancel').addEventListener('click', cancelMap);
  $('regime-noise').addEventListener('change', onNoise);
  setStatus('Set the ranges and press Map.', 'idle');
}
