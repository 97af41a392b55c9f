// How the training section plays: the steps and worker time asked for per message, how many
// messages the worker holds, and when playing stops because the loss has converged.

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
/** With `prefers-reduced-motion: reduce`, playing asks for large batches under a longer time
 * budget (ms) instead, so the charts jump a few times a second rather than animate each frame. */
const CALM = Object.freeze({ steps: 100000, budget: 400 });
let motion = null; // the reduced-motion query, made on first use
const reducedMotion = () => (motion ??= matchMedia('(prefers-reduced-motion: reduce)')).matches;
/** Playing stops, "converged", once an epoch changes the loss by less than this fraction of its
 * size (averaged over the epochs of the latest answer when it spans several): the paper's
 * stopping rule, a change below 10^-6, made relative so that it does not depend on the loss's
 * scale (docs/decisions.md). */
export const CONVERGED_TOL = 1e-6;

// One message's batch while playing: {steps, budget (ms)}: a few steps per frame, or one large
// batch under reduced motion.
export function batch() {
  return reducedMotion() ? CALM : { steps: STEPS_PER_MESSAGE, budget: PLAY_BUDGET_MS };
}

// While playing, how many messages the worker may hold: PIPELINE, or one under reduced motion
// (whose batches are long).
export const depth = () => (reducedMotion() ? 1 : PIPELINE);

// The convergence rule between the point `anchor` and a later `point` (steps per epoch
// `perEpoch`): {change, anchor}, change the loss's relative change per epoch when it is below
// CONVERGED_TOL (else null), anchor the start of the next measurement (`point` once at least
// an epoch has passed since `anchor`, else `anchor`).
export function converged(anchor, point, perEpoch) {
  if (!anchor || !point || !Number.isFinite(point.loss)) return { change: null, anchor };
  const epochs = (point.iteration - anchor.iteration) / perEpoch;
  if (epochs < 1) return { change: null, anchor };
  const change = Math.abs(point.loss - anchor.loss) / Math.max(Math.abs(anchor.loss), 1e-12) / epochs;
  return { change: change < CONVERGED_TOL ? change : null, anchor: point };
}
