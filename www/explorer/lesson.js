// The lesson screen's own parts: the pipeline strip (patients -> counts -> PMI -> SVD or
// gradient descent -> embeddings, with the current sizes, each stage a link to its view), the
// label of the landing preset with the paper's setting one click away, and the alignment view's
// switch to the trainer's embeddings while a trainer runs.

import { $, el } from '../lib/dom.js';
import { fmtInt } from '../lib/format.js';

/** Trainer states in which the lesson's alignment view shows the trainer (training/section.js). */
const TRAINER_STATES = new Set(['building', 'playing', 'pausing', 'paused']);

/** The strip's stages: [text of the parameters, the view it links to, its title]. */
export function pipelineStages({ n, d1, d2, p }) {
  return [
    [`${fmtInt(n)} patients`, 'lesson-error', 'The recovery error as these patients stream in'],
    [`${fmtInt(d1)} × ${fmtInt(d2)} counts`, 'view-heat', 'Code–CUI co-occurrence counts; their similarities, true and estimated'],
    ['PMI', 'view-spectrum', 'The spectrum of the cross-modal PMI matrix'],
    [`rank ${p} SVD`, 'view-metrics', 'Each SVD method’s metrics'],
    ['or gradient descent', 'training', 'Training the same embeddings by gradient descent'],
    [`${fmtInt(d1 + d2)} × ${p} embeddings`, 'view-inspector', 'One embedding per code and CUI: each feature’s nearest neighbours'],
  ];
}

// Writes the strip for the parameters `params`.
function drawPipeline(params) {
  const nodes = [];
  for (const [i, [text, target, title]] of pipelineStages(params).entries()) {
    if (i > 0 && i !== 4) nodes.push(el('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'));
    nodes.push(el('a', { href: `#${target}`, title, 'data-stage': String(i) }, text));
  }
  $('pipeline').replaceChildren(...nodes);
}

// Whether two parameter objects agree on every key.
function same(a, b) {
  return !!a && !!b && Object.keys(b).every((k) => a[k] === b[k]);
}

// The landing label: what the current setting is, and a button to the other one.
function drawLanding(params, { landing, defaults }, actions) {
  const box = $('landing');
  const button = (text, title, onClick) => {
    const b = el('button', { type: 'button', title }, text);
    b.addEventListener('click', onClick);
    return b;
  };
  if (same(params, landing)) {
    box.replaceChildren(
      el('strong', {}, 'CLAIME recovers here: '),
      `the paper’s spike noise (c = ${landing.c}) with signal ${landing.signal}, where the paper uses ${defaults.signal}.`,
      button('The paper’s setting', 'Signal 1, everything else as here (the preset “Paper, spike”)', () => actions.preset('paper-spike')),
    );
  } else if (same(params, defaults)) {
    box.replaceChildren(
      el('strong', {}, 'The paper’s setting (signal 1): '),
      `each logit moves by only a few hundredths, so ${fmtInt(params.n)} patients leave the cross-modal counts too noisy for any method to recover much; the paper’s Figure 1 goes to 100,000.`,
      button('Try n = 100,000', 'The paper’s setting with 100,000 patients (a few seconds)', () => actions.apply({ ...defaults, n: 100000 })),
      button('Back to “CLAIME recovers”', 'The landing preset: signal 2', () => actions.preset('claime-recovers')),
    );
  } else {
    box.replaceChildren(button('CLAIME recovers', 'The landing preset: the paper’s spike noise with signal 2', () => actions.preset('claime-recovers')),
      button('The paper’s setting', 'The preset “Paper, spike”', () => actions.preset('paper-spike')));
  }
  box.hidden = false;
}

// Shows the trainer's embeddings in the lesson's alignment view (`on`), or the SVD fit.
function showSource(on) {
  const fig = $('lesson-alignment');
  const source = on ? 'trainer' : 'svd';
  if (fig.dataset.source === source) return;
  fig.dataset.source = source;
  $('lesson-train-align').hidden = !on;
  $('lesson-show-svd').hidden = !on;
  $('lesson-alignment-title').textContent = on ? 'Trainer, live' : 'Alignment';
}

/**
 * Wires the lesson's parts. actions: {preset(name), apply(params)}. Returns
 * {update(state)}: call it with the store's state after each change of the parameters.
 */
export function createLesson(actions) {
  let svdChosen = false; // "Show the SVD fit" was pressed since the trainer last started playing
  const training = $('training');
  new MutationObserver(() => {
    const s = training.dataset.state;
    if (s === 'playing' || s === 'building') svdChosen = false;
    showSource(TRAINER_STATES.has(s) && !svdChosen);
  }).observe(training, { attributes: true, attributeFilter: ['data-state'] });
  $('lesson-show-svd').addEventListener('click', () => {
    svdChosen = true;
    showSource(false);
  });
  let shownParams = null;
  return {
    update(state) {
      if (!state.params || !state.defaults) return;
      if (shownParams && !same(state.params, shownParams)) {
        svdChosen = true; // the trainer's embeddings belong to the parameters it was built with
        showSource(false);
      }
      shownParams = { ...state.params };
      drawPipeline(state.params);
      drawLanding(state.params, state, actions);
    },
  };
}
