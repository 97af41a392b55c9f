// The page: starts the worker, asks for the defaults, runs one default replicate and shows
// its progress and metrics. Messages are described in protocol.js.

import { DEFAULT_CHUNK, METHODS, Reply, Req, message } from './protocol.js';

const $ = (id) => document.getElementById(id);
const LABELS = { claime: 'CLAIME', concate: 'Concatenation', cl: 'Contrastive (CL)' };
// Table columns after the method name: [metric key, decimals].
const COLUMNS = [
  ['projection_distance', 3],
  ['projection_distance_codes', 3],
  ['projection_distance_cuis', 3],
  ['literal_error', 3],
  ['similarity_correlation', 4],
  ['retrieval_at_10', 4],
  ['relatedness_auc', 4],
];

const MAX_RESTARTS = 3; // restarts in a row without a `ready` before giving up
const state = { worker: null, nextId: 1, runId: null, runStart: 0, defaults: null, restarts: 0, started: false };

// Shows a message in the status line; `kind` is 'info' or 'error'.
function setStatus(text, kind = 'info') {
  const el = $('status');
  el.textContent = text;
  el.dataset.kind = kind;
}

// Sends one request to the worker and returns its id.
function send(type, fields) {
  const id = state.nextId++;
  state.worker.postMessage(message(id, type, fields));
  return id;
}

// Creates the module worker and wires its events.
function startWorker() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (e) => onReply(e.data));
  worker.addEventListener('error', onWorkerError);
  worker.addEventListener('messageerror', () => setStatus('Worker sent an unreadable message.', 'error'));
  state.worker = worker;
  send(Req.INIT);
}

// Replaces a broken worker with a fresh one (after a load failure or a wasm panic).
function restartWorker(reason) {
  state.worker?.terminate();
  state.runId = null;
  $('views').dataset.state = 'error';
  if (state.restarts >= MAX_RESTARTS) {
    return setStatus(`Worker failed: ${reason} Gave up after ${MAX_RESTARTS} restarts; reload the page.`, 'error');
  }
  state.restarts += 1;
  setStatus(`Worker failed: ${reason} The worker was restarted.`, 'error');
  startWorker();
}

// Handles an uncaught error inside the worker (e.g. the wasm failed to load).
function onWorkerError(event) {
  event.preventDefault();
  restartWorker(event.message ? `${event.message}.` : 'the worker script could not start (is www/pkg built?).');
}

// Starts a streamed run; any previous run is superseded.
function startRun(params, methods = METHODS.join(','), chunk = DEFAULT_CHUNK) {
  state.started = true;
  state.runId = send(Req.RUN, { params, methods, chunk });
  state.runStart = performance.now();
  $('views').dataset.state = 'running';
  setStatus('Running…');
}

// Routes one reply from the worker; replies to superseded runs are ignored.
function onReply(msg) {
  if (msg.type === Reply.READY) return onReady(msg.defaults);
  if (msg.type === Reply.ERROR) return onError(msg);
  if (msg.id !== state.runId) return;
  if (msg.type === Reply.PROGRESS) showProgress(msg.patients, msg.total, msg.report);
  if (msg.type === Reply.DONE) onDone(msg.report, msg.ms);
}

// Stores the defaults, shows them and starts the default run.
function onReady(defaults) {
  state.defaults = defaults;
  state.restarts = 0;
  showParams(defaults);
  // Only the first `ready` starts a run: a restarted worker must not replay a run that trapped.
  if (!state.started) startRun(defaults);
}

// Shows a worker error; restarts the worker when the wasm trapped.
function onError(msg) {
  if (msg.fatal) return restartWorker(`${msg.message}.`);
  if (msg.id === state.runId) $('views').dataset.state = 'error';
  setStatus(`Error: ${msg.message}`, 'error');
}

// Updates the progress line and the table after a chunk.
function showProgress(patients, total, report) {
  const ms = performance.now() - state.runStart;
  $('progress').textContent =
    `${fmtInt(patients)} / ${fmtInt(total)} patients · ${fmtInt(Math.round(ms))} ms elapsed`;
  $('progress-bar').value = total ? patients / total : 0;
  showReport(report);
}

// Marks the run finished and shows its final numbers.
function onDone(report, ms) {
  showReport(report);
  $('progress').textContent =
    `${fmtInt(report.patients)} / ${fmtInt(report.params.n)} patients · done in ${fmtInt(Math.round(ms))} ms`;
  $('progress-bar').value = 1;
  $('views').dataset.state = 'done';
  setStatus('Done.');
}

// Fills the metrics table and the no-recovery note from a Report.
function showReport(report) {
  if (!report || typeof report.methods !== 'object') return setStatus('Malformed report.', 'error');
  const body = $('metrics').tBodies[0];
  body.replaceChildren(...METHODS.filter((m) => report.methods[m]).map((m) => metricRow(m, report)));
  $('no-recovery').textContent = fmt(report.no_recovery, 3);
  $('no-recovery-p').textContent = String(report.params.p);
}

// Builds one table row for a method.
function metricRow(name, report) {
  const tr = document.createElement('tr');
  tr.dataset.method = name;
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = LABELS[name] ?? name;
  tr.append(th);
  const metrics = report.methods[name];
  for (const [key, digits] of COLUMNS) tr.append(numberCell(metrics[key], digits));
  tr.append(numberCell(report.timings_ms?.[name], 1));
  return tr;
}

// A right-aligned numeric cell ("–" when the value is missing or not finite).
function numberCell(value, digits) {
  const td = document.createElement('td');
  td.className = 'num';
  td.textContent = fmt(value, digits);
  return td;
}

// Formats a number with fixed decimals, or "–".
function fmt(value, digits) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';
}

// Formats an integer with thousands separators.
function fmtInt(value) {
  return Number(value).toLocaleString('en-US');
}

// Shows the parameters of the run in the (read-only, for now) controls panel.
function showParams(params) {
  const list = $('params');
  list.replaceChildren();
  for (const [key, value] of Object.entries(params)) {
    const dt = document.createElement('dt');
    dt.textContent = key;
    const dd = document.createElement('dd');
    dd.textContent = String(value);
    list.append(dt, dd);
  }
}

startWorker();
