// The worker's side of the "Training" section (messages in explorer/protocol.js): holds one
// TrainerSession between messages and steps it within a time budget per message, so a `pause`
// (the page simply stops asking) or a restart is seen at once even at d1 = d2 = 500, n = 20000.

import initFull, { debugFault as fullFault, TrainerSession } from '../pkg/claime.js';
import { Reply } from '../explorer/protocol.js';
import { loadOnce, release } from '../lib/worker-side.js';

/** Longest time one `train-step` message keeps the worker busy (ms). */
export const STEP_BUDGET_MS = 40;

/** Size of the alignment view sent with a new trainer's first state (pixels). */
const ALIGNMENT = Object.freeze({ width: 560, height: 360 });

// The alignment view of the trainer's current embeddings as SVG, when `size` asks for one.
function alignmentOf(session, size) {
  if (!size) return undefined;
  return session.alignment(Math.floor(Number(size.width) || 0), Math.floor(Number(size.height) || 0));
}

// The contrastive picture of the held trainer at `tau` (training/contrast.js), null for a
// trainer without in-batch negatives.
function contrastOf(session, tau) {
  return session.contrast(tau);
}

// Builds the `train-*` handlers around the worker's wasm loader and poster. Trainers live in
// the full wasm module, loaded here on first use (the explorer's module has no trainers).
export function trainingHandlers({ loadWasm, post }) {
  let current = null; // {id, session} of the trainer held between messages
  // Loads the full module (and the worker's own) once; a failed load may be retried.
  const loadFull = loadOnce(() => Promise.all([loadWasm(), initFull()]));

  // Frees the held trainer.
  function drop() {
    release(current?.session);
    current = null;
  }

  // {id, type: 'train', params, trainer, settings, temperature, references?}: a new trainer
  // (replacing any). With the held session's parameters (only the trainer, τ, lr or λ changed),
  // the session retrains on its patients instead of simulating them again (same states as a new
  // one); a retrain that fails leaves the held trainer, so a corrected setting can still reuse
  // it. references: the explorer's fits at these parameters, kept instead of fitting again.
  async function onTrain(msg) {
    await loadFull();
    const tau = msg.temperature === null || msg.temperature === undefined ? Infinity : Number(msg.temperature);
    const key = JSON.stringify(msg.params ?? null);
    let session;
    const references = msg.references ?? null;
    if (current && current.key === key) {
      current.session.retrain(String(msg.trainer), msg.settings ?? null, tau, references);
      session = current.session;
    } else {
      drop();
      session = new TrainerSession(msg.params ?? null, String(msg.trainer), msg.settings ?? null, tau, references);
    }
    // tau: the picture's, the trainer's until a lens moves; key: the parameters it simulated
    current = { id: msg.id, session, msPerStep: 0, tau, key };
    const point = session.step(0);
    post(msg.id, Reply.TRAIN_STATE, {
      session: msg.id, point, stepsPerEpoch: session.stepsPerEpoch(), reference: session.referenceOrigin(),
      alignment: alignmentOf(session, ALIGNMENT),
      contrast: contrastOf(session, tau),
    });
  }

  // {id, type: 'train-step', session, steps, budget?}: up to `steps` steps, in as few
  // `step(k)` calls as the budget allows (each call also evaluates the loss and errors once),
  // stopping before a step that the trainer's measured cost per step says would end past
  // `budget` ms (always at least one step); answers the state after them.
  async function onTrainStep(msg) {
    if (!current || current.id !== msg.session) {
      return post(msg.id, Reply.TRAIN_STATE, { session: msg.session, point: null, stale: true });
    }
    const t0 = performance.now();
    const wanted = Math.max(1, Math.floor(Number(msg.steps) || 1));
    const budget = Number(msg.budget) > 0 ? Number(msg.budget) : STEP_BUDGET_MS;
    let done = 0;
    let point = null;
    // ms per step, from this trainer's earlier calls (one step at a time until it is known)
    let chunk = current.msPerStep ? Math.max(1, Math.floor(budget / current.msPerStep)) : 1;
    while (done < wanted) {
      const k = Math.min(chunk, wanted - done);
      const t = performance.now();
      point = current.session.step(k);
      done += k;
      const per = (performance.now() - t) / k;
      current.msPerStep = current.msPerStep ? 0.7 * current.msPerStep + 0.3 * per : per;
      const left = budget - (performance.now() - t0);
      if (left < current.msPerStep) break;
      chunk = Math.max(1, Math.floor(left / current.msPerStep));
    }
    const alignment = alignmentOf(current.session, msg.alignment);
    const contrast = contrastOf(current.session, current.tau);
    post(msg.id, Reply.TRAIN_STATE, { session: msg.session, point, steps: done, ms: performance.now() - t0, alignment, contrast });
  }

  // {id, type: 'train-contrast', session, tau}: the contrastive picture of the held trainer's
  // latest minibatch at `tau` (null = infinity), without a step; answers `contrast`. Later
  // states carry the picture at this τ.
  async function onTrainContrast(msg) {
    if (!current || current.id !== msg.session) return post(msg.id, Reply.CONTRAST, { session: msg.session, contrast: null, stale: true });
    const tau = msg.tau === null || msg.tau === undefined ? Infinity : Number(msg.tau);
    const contrast = contrastOf(current.session, tau); // throws (an error reply) on a bad tau
    current.tau = tau;
    post(msg.id, Reply.CONTRAST, { session: msg.session, contrast });
  }

  // {id, type: 'train-stop'}: frees the trainer.
  function onTrainStop() {
    drop();
  }

  // {id, type: 'train-debug-fault', kind, debug}: the fault tests' hook, failing inside the
  // module that holds the trainers (as `debug-fault` does in the explorer's); only with debug.
  async function onTrainDebugFault(msg) {
    if (msg.debug !== true) throw new Error('worker: train-debug-fault is available only with debug=1 in the page URL');
    await loadFull();
    fullFault(String(msg.kind ?? ''));
  }

  return {
    train: onTrain, 'train-step': onTrainStep, 'train-stop': onTrainStop, 'train-contrast': onTrainContrast,
    'train-debug-fault': onTrainDebugFault,
  };
}
