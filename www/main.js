// The page: starts the worker, builds the controls from the wasm's defaults (and the URL), and
// owns the one path from a control change to a new streamed run. Messages: protocol.js.

import { createControls } from './controls.js';
import { LABELS, Reply, Req, message } from './protocol.js';
import { createProgress } from './progress.js';
import { checkReport, fmt, fmtInt, renderTable, setDownload } from './table.js';
import { updateSummaries } from './summaries.js';
import { createTooltip } from './tooltip.js';
import { checkQuery, readAccess, writeUrl } from './url.js';
import { createTeaching } from './teaching.js';
import { registerOffline } from './offline.js';
import { renderCharts, setRunState, setViewChoices } from './views.js';
import { createTraining } from './training.js';
import { createInspector } from './neighbours.js';
import { installDebugHook } from './debug.js';

const $ = (id) => document.getElementById(id);
const MAX_RESTARTS = 3; // restarts in a row without a `ready` before giving up
const state = {
  worker: null, nextId: 1, runId: null, defaults: null, restarts: 0, started: false,
  view: 'claime', methods: [], params: null, shownRun: null,
  access: { hide: [], lock: [] }, // educator mode: controls hidden or locked by the URL
};
let [controls, tooltip, progress, inspector] = [null, null, null, null]; // the page's parts, built in main()
const pending = new Map(); // id -> {resolve, reject} of requests answered by one reply
let teaching = null; // links, educator panel, exports (teaching.js), built in main()
let firstRunOver = null; // resolves when the page's first run has ended (done, stopped or error)
const firstRunEnded = new Promise((resolve) => { firstRunOver = resolve; });

// Shows a message in the status line; `kind` is 'info' or 'error'.
function setStatus(text, kind = 'info') {
  Object.assign($('status'), { textContent: text }).dataset.kind = kind;
}

// Sends one request to the worker and returns its id.
function send(type, fields) {
  const id = state.nextId++;
  state.worker.postMessage(message(id, type, fields));
  return id;
}

// Sends one request and resolves to its reply (or rejects with the worker's error).
function ask(type, fields) {
  return new Promise((resolve, reject) => pending.set(send(type, fields), { resolve, reject }));
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
  for (const asked of pending.values()) asked.reject(new Error('the worker was restarted'));
  pending.clear();
  finishRun('error');
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

// Reads the controls and starts a run with them (or shows why it cannot).
function requestRun() {
  if (!state.defaults) return; // the first run starts when the worker is ready
  const read = controls.read();
  if (read.error) {
    if (state.runId !== null) send(Req.CANCEL, { run: state.runId });
    finishRun('error');
    return setStatus(read.error, 'error');
  }
  startRun(read.params, read.methods);
}

// Starts a streamed run; the worker drops any older one at its next chunk boundary.
function startRun(params, methods) {
  state.started = true;
  state.params = params;
  state.methods = methods;
  if (!methods.includes(state.view)) state.view = methods[0];
  setViewChoices($('view-method'), methods, LABELS, state.view);
  saveUrl();
  state.runId = send(Req.RUN, { params, methods: methods.join(','), view: state.view });
  progress.start(params.n);
  inspector.reset();
  setRunState($('views'), 'running');
  setButtons(true);
  setStatus('Running: patients stream in and every method is refit after each step.');
}

// Marks the current run as over (done, stopped or error).
function finishRun(runState, ms) {
  firstRunOver();
  progress.stop(ms);
  state.runId = null;
  setRunState($('views'), runState);
  setButtons(false);
}

// Enables Stop while a run is going, "Run again" otherwise.
function setButtons(running) {
  [$('stop').disabled, $('rerun').disabled] = [!running, running];
}

// Stops the current run: later snapshots of it are ignored (its id is forgotten), and the
// worker drops it at its next chunk boundary.
function stopRun() {
  if (state.runId === null) return;
  send(Req.CANCEL, { run: state.runId });
  finishRun('stopped');
  setStatus('Stopped. Change a control or press “Run again” to start a new run.');
}

// Routes one reply from the worker; replies to superseded or stopped runs are ignored.
function onReply(msg) {
  const asked = pending.get(msg.id);
  if (asked) {
    pending.delete(msg.id);
    if (msg.type === Reply.ERROR && !msg.fatal) return asked.reject(new Error(msg.message));
    if (msg.type !== Reply.ERROR) return asked.resolve(msg);
    asked.reject(new Error(msg.message));
  }
  if (msg.type === Reply.READY) return onReady(msg.defaults);
  if (msg.type === Reply.ERROR) return onError(msg);
  if (msg.type === Reply.PRESET) return onPreset(msg.params);
  if (msg.type === Reply.CHARTS) return msg.run === state.shownRun && showCharts(msg.charts);
  if (msg.id !== state.runId) return;
  if (msg.type === Reply.PROGRESS) showSnapshot(msg);
  if (msg.type === Reply.DONE) onDone(msg);
}

// Builds the controls from the defaults (and the URL) and starts the first run.
function onReady(defaults) {
  state.defaults = defaults;
  state.restarts = 0;
  // Only the first `ready` starts a run: a restarted worker must not replay a run that trapped.
  if (state.started) return;
  const fromUrl = checkQuery(location.search, defaults);
  teaching.showUrlProblems(fromUrl.problems);
  state.view = fromUrl.view;
  controls.set(fromUrl.params, fromUrl.methods);
  requestRun();
}

// Applies a preset's parameters to the controls and runs them (locked and hidden values stay).
function onPreset(params) {
  controls.set(params, undefined, { keepFixed: true });
  requestRun();
}

// Sets the controls and the view to a loaded configuration and runs it (locked and hidden
// values stay).
function applyState({ params, methods, view }) {
  state.view = view;
  controls.set(params, methods, { keepFixed: true });
  requestRun();
}

// Writes the current state to the address bar (the permalink) and hands it to the teaching tools.
function saveUrl() {
  const current = { params: state.params, methods: state.methods, view: state.view, ...state.access };
  writeUrl(current, state.defaults);
  teaching.update(current, state.defaults);
}

// Shows a worker error; restarts the worker when the wasm trapped.
function onError(msg) {
  if (msg.fatal) return restartWorker(`${msg.message}.`);
  if (msg.id === state.runId) finishRun('error');
  setStatus(`Error: ${msg.message}`, 'error');
}

// Renders the charts (one per task), hands the hover points to the tooltip, then calls `onDrawn`;
// `summarise` = false when the caller rewrites the summaries itself.
function showCharts(charts, onDrawn, summarise = true) {
  try {
    const onError = (e) => setStatus(`Could not show a chart: ${e.message}`, 'error');
    renderCharts(charts, { onAlignment: (c) => tooltip.setPoints(c.hover), onError, onDrawn });
    if (summarise) updateSummaries({ charts });
  } catch (e) {
    setStatus(`Could not show the charts: ${e.message}`, 'error');
    onDrawn?.();
  }
}

// Shows one snapshot: charts, table, progress.
function showSnapshot(msg, onDrawn) {
  if (checkReport(msg.report)) return setStatus(`Malformed snapshot: ${checkReport(msg.report)}`, 'error');
  state.shownRun = msg.id;
  showCharts(msg.charts, onDrawn, false);
  renderTable($('metrics'), msg.report);
  updateSummaries({ charts: msg.charts, report: msg.report, history: msg.history }); // once per snapshot
  $('no-recovery').textContent = fmt(msg.report.no_recovery, 3);
  $('no-recovery-p').textContent = String(msg.report.params.p);
  progress.update(msg.patients, msg.total);
}

// Shows the final snapshot and, once its charts are drawn, marks the run finished.
function onDone(msg) {
  showSnapshot(msg, () => {
    if (state.runId !== msg.id) return; // a newer run started while the charts were drawn
    finishRun('done', msg.ms);
    inspector.refresh();
    setDownload($('download'), msg.report);
    teaching.setReport(msg.report);
    setStatus(`Done: ${fmtInt(msg.report.patients)} patients, ${state.methods.map((m) => LABELS[m]).join(', ')}.`);
  });
}

// Shows another method in the alignment view, without refitting.
function onViewChange(e) {
  state.view = e.target.value;
  if (state.params) saveUrl();
  send(Req.VIEW, { view: state.view });
}

// Wires the page and starts the worker.
function main() {
  state.access = readAccess(location.search);
  controls = createControls($('controls-form'), {
    onChange: requestRun,
    onPreset: (name) => send(Req.PRESET, { name }),
    ...state.access,
  });
  teaching = createTeaching({
    access: state.access,
    setStatus,
    fetchTsv: (space) => ask(Req.PROJECTOR, { space }),
    apply: applyState,
  });
  progress = createProgress($('progress-bar'), $('progress'));
  tooltip = createTooltip($('chart-alignment-wrap'), $('tooltip'), $('ring'));
  inspector = createInspector($('inspector'), {
    idPrefix: 'explorer',
    fetchNames: () => ask(Req.NAMES),
    fetchNeighbours: (name, k) => ask(Req.NEIGHBOURS, { name, k }).then((r) => r.lists),
  });
  $('stop').addEventListener('click', stopRun);
  $('rerun').addEventListener('click', requestRun);
  $('view-method').addEventListener('change', onViewChange);
  setButtons(false);
  installDebugHook(location.search, send); // only with ?debug=1 (the fault tests)
  startWorker();
  createTraining();
  registerOffline(firstRunEnded); // after the first run: its install downloads the whole site
}

main();
