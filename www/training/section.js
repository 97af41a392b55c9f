// The "Training" section: Play, Pause, Step and Reset (the TensorFlow Playground's pattern) on a
// trainer held by its own worker (the `train-*` messages of explorer/protocol.js), with live
// charts of the loss, the recovery error and the distance to the SVD solution. It trains on the
// explorer's current parameters (read from the store when a trainer is built).

import { Reply, Req, message } from '../explorer/protocol.js';
import { $, statusLine } from '../lib/dom.js';
import { WorkerClient } from '../lib/worker-client.js';
import { currentParams, subscribe } from '../state/store.js';
import { createContrast } from './contrast.js';
import { settings, showTau, temperature } from './controls.js';
import { createLive } from './live.js';
import { CONVERGED_TOL, batch, converged, depth } from './pace.js';
import { referencesFor } from './references.js';
import { createSweep } from './sweep.js';

/** Size of the animated alignment view (pixels). */
const ALIGN_SIZE = Object.freeze({ width: 560, height: 360 });

const st = {
  client: null, defaults: null, session: null, building: false, playing: false,
  pending: null, inFlight: 0, params: null, // params: the JSON of the parameters the trainer was built with
  settling: null, // the timer of a τ slider move that has not restarted training yet
  crashed: false, // the worker was replaced after a crash (its message stays shown)
  stepsPerEpoch: 1, anchor: null, // the point an epoch's change in the loss is measured from
};
/** The charts and numbers, drawn once per animation frame (live.js). */
const live = createLive(() => onFrame());

// Sends one request to the section's worker; returns its id.
function send(type, fields) {
  return st.client.send(type, fields);
}

/** Shows a line in the section's status; `kind` is 'info' or 'error'. */
const setStatus = statusLine('train-status');

// Marks the section's state and enables Play or Pause.
function setState(s) {
  $('training').dataset.state = s;
  $('train-play').disabled = st.playing;
  $('train-pause').disabled = !st.playing;
}

// The relative change per epoch when `point` ends an epoch that converged (pace.js), else null;
// `point` becomes the next measurement's start once an epoch has passed.
function convergedAt(point) {
  const { change, anchor } = converged(st.anchor, point, st.stepsPerEpoch);
  st.anchor = anchor;
  return change;
}

// Builds a new trainer (iteration 0); `then` runs once it is ready ('play' or 'step').
function rebuild(then = null) {
  if (!st.defaults) return;
  st.inFlight = 0;
  st.pending = then;
  st.building = true;
  const params = currentParams(st.defaults);
  const json = JSON.stringify(params);
  const same = st.params === json; // the worker then retrains on the patients it holds
  st.params = json;
  live.reset(Math.sqrt(2 * params.p)); // the no-recovery level, kept in the error chart's range
  const tau = temperature();
  const references = referencesFor(json, same);
  st.session = send(Req.TRAIN, {
    params, trainer: $('train-trainer').value, settings: settings(), temperature: Number.isFinite(tau) ? tau : null,
    references,
  });
  $('train-iter').textContent = '0';
  const fit = references ? '' : ' and fitting the SVD solution';
  setStatus(same ? 'Building the trainer on the same patients…' : `Simulating the patients${fit}…`);
  setState('building');
}

function stepOnce(steps, budget) {
  st.inFlight += 1;
  send(Req.TRAIN_STEP, { session: st.session, steps, budget, alignment: ALIGN_SIZE });
}

// One batch of steps while playing (pace.js: a few per frame, or one large batch under
// reduced motion).
function stepPlaying() {
  const { steps, budget } = batch();
  stepOnce(steps, budget);
}

// While playing: fills the worker's queue (on Play, or in a hidden tab, where no frames are
// drawn and the worker simply keeps training).
function pump() {
  if (!st.playing || st.building) return;
  while (st.inFlight < depth()) stepPlaying();
}

// When a frame draws a new state: one more message (at most `depth`), sent before the frame is
// drawn so the worker computes the next state meanwhile; in the steady state the worker answers
// once per frame drawn. When the page draws faster than the worker answers, the queue stays
// full and the worker never waits; when the worker is faster, it waits rather than compute
// states that no frame would show.
function onFrame() {
  if (st.playing && !st.building && st.inFlight < depth()) stepPlaying();
}

// A τ slider move still settling restarts now, so that the Play, Step or Reset that follows
// acts on the trainer with the new τ (not on the old one, which the restart would then drop).
function settle() {
  if (st.settling === null) return;
  clearTimeout(st.settling);
  st.settling = null;
  restart();
}

function play() {
  settle();
  st.playing = true;
  st.anchor = null; // measured afresh from the next answer
  setState('playing');
  if (st.building) st.pending = 'play';
  else if (st.session === null) rebuild('play');
  else pump();
}

function pause() {
  st.playing = false;
  // 'pausing' until the step in flight has answered, so the counter is final at 'paused'; with
  // none in flight, the latest answer's numbers are shown now (while playing they wait for the
  // next animation frame, which would otherwise move the counter after 'paused')
  if (!st.inFlight && !st.building) live.showNumbers();
  setState(st.inFlight || st.building ? 'pausing' : 'paused');
}

function step() {
  settle();
  if (st.playing) pause();
  if (st.building) st.pending = 'step';
  else if (st.session === null) rebuild('step');
  else stepOnce(1);
}

function reset() {
  if (st.settling !== null) return settle(); // the restart is the reset
  const wasPlaying = st.playing;
  rebuild(wasPlaying ? 'play' : null);
}

// A setting that changes the loss restarts training (keeping Play on if it was).
function restart() {
  showTau();
  if (st.session === null && !st.building) return;
  rebuild(st.playing ? 'play' : null);
}

// Routes one answer of the worker: ready, an error, or a trainer's state.
function onReply(msg) {
  if (msg.type === Reply.READY) {
    st.defaults = msg.defaults;
    if (!st.crashed) setStatus('Press Play or Step to train on the current parameters.');
    st.crashed = false;
    return setState('idle');
  }
  if (msg.type === Reply.ERROR) {
    st.playing = false;
    st.building = false;
    if (msg.fatal) return restartWorker(msg.message);
    setState('error');
    return setStatus(`Error: ${msg.message}`, 'error');
  }
  if (msg.type !== Reply.TRAIN_STATE || msg.session !== st.session || msg.stale) return;
  if (st.building) {
    st.building = false;
    const then = st.pending;
    st.pending = null;
    st.stepsPerEpoch = Math.max(1, msg.stepsPerEpoch);
    st.anchor = msg.point;
    $('training').dataset.reference = msg.reference ?? '';
    const from = msg.reference === 'adopted' ? ' The SVD solution is the explorer’s fit of the same patients.' : '';
    setStatus(`Ready: ${msg.stepsPerEpoch} ${msg.stepsPerEpoch === 1 ? 'step' : 'steps'} per epoch.${from}`);
    live.add(msg.point, msg.alignment);
    live.showNumbers();
    setState(st.playing ? 'playing' : then === 'step' ? 'pausing' : 'paused');
    if (then === 'play' && st.playing) pump();
    else if (then === 'step') stepOnce(1);
    return;
  }
  st.inFlight = Math.max(0, st.inFlight - 1);
  live.add(msg.point, msg.alignment);
  if (!st.anchor) st.anchor = msg.point;
  const change = st.playing ? convergedAt(msg.point) : null;
  if (change !== null) {
    pause();
    setStatus(`Converged at iteration ${msg.point.iteration}: the loss changed by ${change.toExponential(1)} of its size per epoch, under the tolerance ${CONVERGED_TOL.toExponential(0)}. Press Play to go on.`, 'converged');
    if (!st.inFlight) setState('paused');
    return;
  }
  if (st.playing) {
    if (document.hidden) pump(); // no animation frame will ask for the next message
    return;
  }
  live.showNumbers();
  if (!st.inFlight) setState('paused');
}

// Replaces the worker after a crash (a fatal error: a wasm trap, from a bug or exhausted
// memory, may leave its module broken). The trainer it held is gone: the next Play or Step
// builds one again, simulating the patients anew.
function restartWorker(message) {
  Object.assign(st, { session: null, params: null, building: false, playing: false, pending: null, inFlight: 0, crashed: true });
  setStatus(`The training worker crashed (${message}) and was restarted: press Play or Step to train again.`, 'error');
  setState('loading');
  st.client.start();
  send(Req.INIT);
}

// The fault tests' hook (explorer/debug.js, only with debug=1): asks the worker to fail inside
// the module that holds the trainers ("panic" or "oom").
export function faultTrainingWorker(kind) {
  send(Req.TRAIN_DEBUG_FAULT, { kind: String(kind), debug: true });
}

// Wires the section and starts its worker.
export function createTraining() {
  const contrastReply = createContrast({ send, session: () => st.session, temperature });
  st.client = new WorkerClient(new URL('../explorer/worker.js', import.meta.url), {
    onReply: (msg) => {
      onReply(msg);
      contrastReply(msg);
    },
    wrap: message,
    onError: (e) => setStatus(`Training worker failed: ${e.message ?? 'could not start'}`, 'error'),
  }).start();
  $('train-play').addEventListener('click', play);
  $('train-pause').addEventListener('click', pause);
  $('train-step').addEventListener('click', step);
  $('train-reset').addEventListener('click', reset);
  document.addEventListener('visibilitychange', pump);
  for (const id of ['train-trainer', 'train-tau-inf', 'train-lr', 'train-lambda']) $(id).addEventListener('change', restart);
  $('train-logtau').addEventListener('input', () => { // a slider drag restarts once it settles
    showTau();
    clearTimeout(st.settling);
    st.settling = setTimeout(() => {
      st.settling = null;
      restart();
    }, 150);
  });
  showTau();
  // A trainer learns from the parameters it was built with: when the explorer runs new ones, the
  // trainer is rebuilt on them (still playing if it was), so Play never goes on with old data.
  subscribe((state, patch) => {
    if (!('params' in patch) || !state.params || (st.session === null && !st.building)) return;
    if (JSON.stringify(state.params) !== st.params) restart();
  });
  setState('loading');
  send(Req.INIT);
  createSweep();
}
