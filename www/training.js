// The "Training" section: Play, Pause, Step and Reset (the TensorFlow Playground's pattern) on a
// trainer held by its own worker (worker.js's `train-*` messages, see protocol.js), with live
// charts of the loss, the recovery error and the distance to the SVD solution. It trains on the
// explorer's current parameters (read from the page URL when a trainer is built).

import { Reply, Req, message } from './protocol.js';
import { drawLine } from './training-chart.js';
import { createSweep } from './training-sweep.js';
import { readUrl } from './url.js';

const $ = (id) => document.getElementById(id);
/** Steps asked for per animation frame while playing (the worker stops early after its time
 * budget), so small problems train at a watchable pace. */
const STEPS_PER_MESSAGE = 4;
/** Worker time budget (ms) per message while playing: with the loss, the errors and the
 * alignment view computed after the steps, one answer takes the worker well under the 33 ms
 * of a frame at 30 frames per second. */
const PLAY_BUDGET_MS = 12;
/** Messages kept in the worker's hands while playing: while the page draws one answer the
 * worker is already computing the next, so neither waits for the other. */
const PIPELINE = 2;
/** Size of the animated alignment view (pixels). */
const ALIGN_SIZE = Object.freeze({ width: 560, height: 360 });
/** With `prefers-reduced-motion: reduce`, playing asks for large batches under a longer time
 * budget (ms) instead, so the charts jump a few times a second rather than animate each frame. */
const CALM = Object.freeze({ steps: 100000, budget: 400 });
const reducedMotion = matchMedia('(prefers-reduced-motion: reduce)');
/** Most points kept per chart (older ones are thinned). */
const MAX_POINTS = 1500;

const st = {
  worker: null, nextId: 1, defaults: null, session: null, building: false, playing: false,
  pending: null, points: [], drawQueued: false, inFlight: 0, alignment: null, frames: 0,
  fresh: false, // a state (point and alignment view) has arrived that is not drawn yet
};

function send(type, fields) {
  const id = st.nextId++;
  st.worker.postMessage(message(id, type, fields));
  return id;
}

function setStatus(text, kind = 'info') {
  Object.assign($('train-status'), { textContent: text }).dataset.kind = kind;
}

function setState(s) {
  $('training').dataset.state = s;
  $('train-play').disabled = st.playing;
  $('train-pause').disabled = !st.playing;
}

// The temperature the controls give: 10^slider, or Infinity when "infinity" is ticked.
export function temperature() {
  return $('train-tau-inf').checked ? Infinity : 10 ** Number($('train-logtau').value);
}

function showTau() {
  const tau = temperature();
  $('train-tau-out').textContent = Number.isFinite(tau) ? `τ = ${Number(tau.toPrecision(3))}` : 'τ = ∞ (linear loss)';
  $('train-logtau').disabled = !Number.isFinite(tau);
}

// The training settings from the inputs (an empty learning rate = each trainer's default).
function settings() {
  const out = { lambda: Number($('train-lambda').value) };
  const lr = $('train-lr').value.trim();
  if (lr !== '') out.lr = Number(lr);
  return out;
}

// Builds a new trainer (iteration 0); `then` runs once it is ready ('play' or 'step').
function rebuild(then = null) {
  if (!st.defaults) return;
  st.points = [];
  st.alignment = null;
  st.inFlight = 0;
  st.fresh = false;
  st.pending = then;
  st.building = true;
  const { params } = readUrl(location.search, st.defaults);
  const tau = temperature();
  st.session = send(Req.TRAIN, {
    params, trainer: $('train-trainer').value, settings: settings(), temperature: Number.isFinite(tau) ? tau : null,
  });
  $('train-iter').textContent = '0';
  setStatus('Simulating the patients and fitting the SVD solution…');
  setState('building');
  queueDraw();
}

function stepOnce(steps, budget) {
  st.inFlight += 1;
  send(Req.TRAIN_STEP, { session: st.session, steps, budget, alignment: ALIGN_SIZE });
}

// One batch of steps while playing: a few per frame, or one large batch under reduced motion.
function stepPlaying() {
  if (reducedMotion.matches) stepOnce(CALM.steps, CALM.budget);
  else stepOnce(STEPS_PER_MESSAGE, PLAY_BUDGET_MS);
}

// While playing, how many messages the worker may hold: PIPELINE, or one under reduced motion
// (whose batches are long).
const depth = () => (reducedMotion.matches ? 1 : PIPELINE);

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

function play() {
  st.playing = true;
  setState('playing');
  if (st.building) st.pending = 'play';
  else if (st.session === null) rebuild('play');
  else pump();
}

function pause() {
  st.playing = false;
  // 'pausing' until the step in flight has answered, so the counter is final at 'paused'
  setState(st.inFlight || st.building ? 'pausing' : 'paused');
}

function step() {
  if (st.playing) pause();
  if (st.building) st.pending = 'step';
  else if (st.session === null) rebuild('step');
  else stepOnce(1);
}

function reset() {
  const wasPlaying = st.playing;
  rebuild(wasPlaying ? 'play' : null);
}

// A setting that changes the loss restarts training (keeping Play on if it was).
function restart() {
  showTau();
  if (st.session === null && !st.building) return;
  rebuild(st.playing ? 'play' : null);
}

// Keeps an answer's point and alignment view for the next frame (only the latest answer is
// drawn when several arrive within one frame).
function addPoint(p, alignment) {
  if (alignment) st.alignment = alignment;
  if (!p) return;
  st.points.push(p);
  if (st.points.length > MAX_POINTS) st.points = st.points.filter((_, i) => i % 2 === 0 || i === st.points.length - 1);
  st.fresh = true;
  queueDraw();
}

// The latest point's numbers as text. While playing they change with the charts, in the
// animation frame; otherwise at once (so the counter is final when the state says 'paused').
function showNumbers() {
  const p = st.points[st.points.length - 1];
  if (!p) return;
  $('train-iter').textContent = String(p.iteration);
  $('train-loss').textContent = p.loss.toPrecision(5);
  $('train-error').textContent = p.error.toFixed(4);
  $('train-dist').textContent = p.distance_to_svd.toFixed(4);
}

// Draws the latest state at the next animation frame: the numbers, the three line charts and
// the alignment view, all changed within that frame's callback (so the page lays out once per
// frame). `data-frames` counts the frames that showed a new state.
function queueDraw() {
  if (st.drawQueued) return;
  st.drawQueued = true;
  requestAnimationFrame(() => {
    st.drawQueued = false;
    const fresh = st.fresh;
    st.fresh = false;
    if (fresh) onFrame();
    showNumbers();
    $('train-chart-align').innerHTML = st.alignment ?? ''; // SVG text from our Rust code
    const floor = st.points.length ? st.points[st.points.length - 1].svd_error : undefined;
    drawLine($('train-chart-loss'), st.points, 'loss', { title: 'Loss against iterations' });
    drawLine($('train-chart-error'), st.points, 'error', { title: 'Recovery error against iterations', colour: '#c2410c', floor });
    drawLine($('train-chart-dist'), st.points, 'distance_to_svd', { title: 'Distance to the SVD solution against iterations', colour: '#15803d', log: true });
    if (fresh) {
      st.frames += 1;
      $('training').dataset.frames = String(st.frames);
    }
  });
}

function onReply(msg) {
  if (msg.type === Reply.READY) {
    st.defaults = msg.defaults;
    setStatus('Press Play or Step to train on the current parameters.');
    return setState('idle');
  }
  if (msg.type === Reply.ERROR) {
    st.playing = false;
    st.building = false;
    setState('error');
    return setStatus(`Error: ${msg.message}`, 'error');
  }
  if (msg.type !== Reply.TRAIN_STATE || msg.session !== st.session || msg.stale) return;
  if (st.building) {
    st.building = false;
    const then = st.pending;
    st.pending = null;
    setStatus(`Ready: ${msg.stepsPerEpoch} step(s) per epoch.`);
    addPoint(msg.point, msg.alignment);
    showNumbers();
    setState(st.playing ? 'playing' : then === 'step' ? 'pausing' : 'paused');
    if (then === 'play' && st.playing) pump();
    else if (then === 'step') stepOnce(1);
    return;
  }
  st.inFlight = Math.max(0, st.inFlight - 1);
  addPoint(msg.point, msg.alignment);
  if (st.playing) {
    if (document.hidden) pump(); // no animation frame will ask for the next message
    return;
  }
  showNumbers();
  if (!st.inFlight) setState('paused');
}

// Wires the section and starts its worker.
export function createTraining() {
  const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.addEventListener('message', (e) => onReply(e.data));
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    setStatus(`Training worker failed: ${e.message ?? 'could not start'}`, 'error');
  });
  st.worker = worker;
  $('train-play').addEventListener('click', play);
  $('train-pause').addEventListener('click', pause);
  $('train-step').addEventListener('click', step);
  $('train-reset').addEventListener('click', reset);
  document.addEventListener('visibilitychange', pump);
  for (const id of ['train-trainer', 'train-tau-inf', 'train-lr', 'train-lambda']) $(id).addEventListener('change', restart);
  let timer = null; // a slider drag restarts once it settles
  $('train-logtau').addEventListener('input', () => {
    showTau();
    clearTimeout(timer);
    timer = setTimeout(restart, 150);
  });
  showTau();
  setState('loading');
  send(Req.INIT);
  createSweep();
}
