// The page: starts the explorer's worker, builds the controls from the wasm's defaults (and the
// URL), and owns the one path from a control change to a new streamed run; the state it runs
// with goes to the store (state/store.js), which the other sections read. Messages:
// explorer/protocol.js.

import { faultDataWorker } from './data/section.js';
import { createControls } from './explorer/controls.js';
import { createFeedback } from './explorer/feedback.js';
import { createLesson } from './explorer/lesson.js';
import { installDebugHook } from './explorer/debug.js';
import { createProgress } from './explorer/progress.js';
import { Reply, Req, message } from './explorer/protocol.js';
import { createSnapshots } from './explorer/snapshots.js';
import { setDownload } from './explorer/table.js';
import { createTooltip } from './explorer/tooltip.js';
import { setRunState, setViewChoices } from './explorer/views.js';
import { $, statusLine } from './lib/dom.js';
import { fmtInt } from './lib/format.js';
import { createInspector } from './lib/inspector.js';
import { LABELS, fillMethodLabels } from './lib/methods.js';
import { registerOffline } from './lib/offline.js';
import { WorkerClient } from './lib/worker-client.js';
import { getState, subscribe, update } from './state/store.js';
import { checkPageQuery, pageDebug, pageHasParams, readPageAccess, writeUrl } from './state/url.js';
import { loadArticle } from './teaching/article.js';
import { holdStateLinks } from './teaching/class-links.js';
import { createTeaching } from './teaching/tools.js';
import { createTraining, faultTrainingWorker } from './training/section.js';

const MAX_RESTARTS = 3; // restarts in a row without a `ready` before giving up
// view: the alignment view wanted by the next run (the store has the shown run's)
const state = { client: null, runId: null, restarts: 0, started: false, view: 'claime' };
let [controls, progress, inspector, shown] = [null, null, null, null]; // the page's parts, built in main()
let teaching = null; // links, educator panel, exports (teaching/tools.js), built in main()
let lesson = null; // the pipeline strip, the landing label, the trainer's view (explorer/lesson.js)
let feedback = null; // the note beside the control that restarted the run (explorer/feedback.js)
let firstRunOver = null; // resolves when the page's first run has ended (done, stopped or error)
const firstRunEnded = new Promise((resolve) => { firstRunOver = resolve; });
/** Shows a message in the status line; `kind` is 'info' or 'error'. */
const setStatus = statusLine('status');

// Sends one request to the worker and returns its id.
function send(type, fields) {
  return state.client.send(type, fields);
}

// Sends one request and resolves to its reply (or rejects with the worker's error).
function ask(type, fields) {
  return state.client.ask(type, fields);
}

// Creates the module worker and wires its events.
function startWorker() {
  state.client ??= new WorkerClient(new URL('./explorer/worker.js', import.meta.url), {
    onReply, onError: onWorkerError, wrap: message,
    onUnreadable: () => setStatus('Worker sent an unreadable message.', 'error'),
  });
  state.client.start();
  send(Req.INIT);
}

// Replaces a broken worker with a fresh one (after a load failure or a wasm panic).
function restartWorker(reason) {
  state.client.terminate('the worker was restarted');
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
  restartWorker(event.message ? `${event.message}.` : 'the worker script could not start (is www/pkg built?).');
}

// Reads the controls and starts a run with them (or shows why it cannot).
function requestRun() {
  if (!getState().defaults) return; // the first run starts when the worker is ready
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
  if (!methods.includes(state.view)) state.view = methods[0];
  setViewChoices($('view-method'), methods, LABELS, state.view);
  update({ params, methods, view: state.view }); // saveUrl: the URL and the teaching tools
  state.runId = send(Req.RUN, { params, methods: methods.join(','), view: state.view });
  progress.start(params.n);
  inspector.reset();
  setRunState($('views'), 'running');
  setButtons(true);
  setStatus('Running: patients stream in and every method is refit after each step.');
  feedback?.noteRestart();
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
  if (state.client.settle(msg) && !(msg.type === Reply.ERROR && msg.fatal)) return;
  if (msg.type === Reply.READY) return onReady(msg);
  if (msg.type === Reply.ERROR) return onError(msg);
  if (msg.type === Reply.PRESET) return onPreset(msg.params);
  if (msg.type === Reply.CHARTS) return msg.run === shown.run && shown.showCharts(msg.charts);
  if (msg.id !== state.runId) return;
  if (msg.type === Reply.PROGRESS) shown.showSnapshot(msg);
  if (msg.type === Reply.DONE) onDone(msg);
}

// Builds the controls from the defaults (and the URL) and starts the first run.
function onReady({ defaults, landing }) {
  update({ defaults, landing });
  state.restarts = 0;
  // Only the first `ready` starts a run: a restarted worker must not replay a run that trapped.
  if (state.started) return;
  const fromUrl = checkPageQuery(defaults);
  teaching.showUrlProblems(fromUrl.problems);
  state.view = fromUrl.view;
  // An address without any model parameter opens the landing preset (the paper's setting is
  // the defaults, one preset button away); with parameters, the defaults fill the gaps.
  const params = pageHasParams(defaults) || !landing ? fromUrl.params : landing;
  controls.set(params, fromUrl.methods);
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

// Writes the state of the latest run to the address bar (the permalink) and hands it to the
// teaching tools; called by the store after each change of the parameters, methods or view.
function saveUrl(current, patch) {
  if (!('params' in patch || 'view' in patch)) return;
  const { params, methods, view, access } = current;
  writeUrl({ params, methods, view, ...access }, current.defaults);
  teaching.update({ params, methods, view, ...access }, current.defaults);
}

// Shows a worker error; restarts the worker when the wasm trapped.
function onError(msg) {
  if (msg.fatal) return restartWorker(`${msg.message}.`);
  if (msg.id === state.runId) finishRun('error');
  setStatus(`Error: ${msg.message}`, 'error');
}

// Shows the final snapshot and, once its charts are drawn, marks the run finished.
function onDone(msg) {
  shown.showSnapshot(msg, () => {
    if (state.runId !== msg.id) return; // a newer run started while the charts were drawn
    finishRun('done', msg.ms);
    update({ finished: { params: getState().params, references: msg.references ?? [] } });
    inspector.refresh();
    setDownload($('download'), msg.report);
    teaching.setReport(msg.report);
    setStatus(`Done: ${fmtInt(msg.report.patients)} patients, ${getState().methods.map((m) => LABELS[m]).join(', ')}.`);
  });
}

// Shows another method in the alignment view, without refitting.
function onViewChange(e) {
  state.view = e.target.value;
  if (getState().params) update({ view: state.view });
  send(Req.VIEW, { view: state.view });
}

// Wires the page and starts the worker.
function main() {
  fillMethodLabels();
  const access = readPageAccess();
  update({ access });
  controls = createControls($('controls-form'), {
    onChange: requestRun,
    onPreset: (name) => send(Req.PRESET, { name }),
    ...access,
  });
  feedback = createFeedback($('controls-form'));
  teaching = createTeaching({
    access,
    setStatus,
    fetchTsv: (space) => ask(Req.PROJECTOR, { space }),
    apply: applyState,
  });
  progress = createProgress($('progress-bar'), $('progress'));
  const tooltip = createTooltip($('chart-alignment-wrap'), $('tooltip'), $('ring'));
  shown = createSnapshots({ tooltip, progress, setStatus });
  inspector = createInspector($('inspector'), {
    idPrefix: 'explorer',
    fetchNames: () => ask(Req.NAMES),
    fetchNeighbours: (name, k) => ask(Req.NEIGHBOURS, { name, k }).then((r) => r.lists),
  });
  holdStateLinks(document, {
    getAccess: () => getState().access, getParams: () => getState().params,
    getDefaults: () => getState().defaults, apply: applyState,
    showProblems: (problems) => teaching.showUrlProblems(problems),
  });
  $('stop').addEventListener('click', stopRun);
  $('rerun').addEventListener('click', requestRun);
  $('view-method').addEventListener('change', onViewChange);
  setButtons(false);
  subscribe(saveUrl);
  lesson = createLesson({
    preset: (name) => send(Req.PRESET, { name }),
    apply: (params) => applyState({ params, methods: getState().methods, view: state.view }),
  });
  subscribe((current, patch) => 'params' in patch && lesson.update(current));
  installDebugHook(pageDebug(), send, faultDataWorker, faultTrainingWorker); // only with ?debug=1 (the fault tests)
  startWorker();
  createTraining();
  registerOffline(firstRunEnded); // after the first run: its install downloads the whole site
  // The article (its own static file) once the first run has ended, or after 4 s, so that its
  // download does not compete with the first result's.
  Promise.race([firstRunEnded, new Promise((r) => setTimeout(r, 4000))]).then(loadArticle);
}

main();
