// The contrastive picture beside the temperature trainer (the one CLIP made familiar): for 12
// patients of the trainer's latest minibatch, the similarity s_ij of patient i's codes with
// patient j's CUIs (positives, same patient, on the outlined diagonal), and each row's softmax
// weights on its negatives at τ, p_ij ∝ T2_j exp(s_ij / τ) (src/train/contrast.rs, the weights
// the loss puts on in-batch negatives). The worker sends it with every state of a temperature
// trainer; moving τ (the trainer's, or the picture's own lens, which does not restart training)
// asks for the same block at the new τ at once, even while paused.

import { Reply, Req } from '../explorer/protocol.js';
import { $, svgEl as node } from '../lib/dom.js';
import { MODALITY_RGB } from '../lib/theme.js';

/** Cell side, gap between the two grids, and margins (pixels). */
const CELL = 17;
const LAYOUT = Object.freeze({ left: 28, top: 34, gap: 44, right: 70 });

// An SVG element with attributes (lib/dom.js); text takes the picture's colour and size.
function svgEl(tag, attrs = {}, text = null) {
  if (tag === 'text') Object.assign(attrs, { fill: 'currentColor', 'font-size': attrs.class === 'contrast-head' ? 13 : 11 });
  return node(tag, attrs, text);
}

// Diverging fill for a similarity in [-1, 1] (blue negative, vermillion positive): the
// modalities' Okabe-Ito colours at the ends, as in the Rust heatmaps.
function diverging(t) {
  const end = t < 0 ? MODALITY_RGB.code : MODALITY_RGB.cui;
  const a = Math.min(1, Math.abs(t));
  return `rgb(${end.map((e) => Math.round(247 + a * (e - 247))).join(',')})`;
}

// Sequential fill for a weight in [0, 1] on a square-root scale (so 9 % is still visible).
function sequential(w) {
  const a = Math.sqrt(Math.max(0, Math.min(1, w)));
  return `rgb(${MODALITY_RGB.code.map((e) => Math.round(250 + a * (e - 250))).join(',')})`;
}

// Percent with one decimal.
const pct = (w) => `${(100 * w).toFixed(1)} %`;

// τ as shown: "∞" or three significant digits.
const tauText = (tau) => (tau === null ? '∞' : String(Number(tau.toPrecision(3))));

// Checks a view from the worker: m patients, m x m similarities and weights, m token counts.
function check(v) {
  const m = v?.m;
  if (!Number.isInteger(m) || m < 2 || v.sims?.length !== m * m || v.weights?.length !== m * m || v.t2?.length !== m) {
    throw new Error('contrast: a view needs m >= 2, m x m sims and weights, m token counts');
  }
}

// Row i's hardest negative: the other patient whose CUIs are most similar to i's codes.
function hardestOf(v, i) {
  let best = -1;
  for (let j = 0; j < v.m; j += 1) if (j !== i && (best < 0 || v.sims[i * v.m + j] > v.sims[i * v.m + best])) best = j;
  return best;
}

// The two grids (similarities, weights) with the diagonal outlined and the weight of each
// row's hardest negative written at its right; rows carry data-sum, cells data-sim / data-weight.
function picture(v) {
  const { m } = v;
  const side = m * CELL;
  const x2 = LAYOUT.left + side + LAYOUT.gap;
  const width = x2 + side + LAYOUT.right;
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${LAYOUT.top + side + 12}`, width, class: 'contrast-svg', role: 'img' });
  svg.setAttribute('aria-label', `Similarities and softmax weights of ${m} patients of a minibatch at τ = ${tauText(v.tau)}`);
  const scale = Math.max(1e-12, ...v.sims.map(Math.abs));
  svg.append(
    svgEl('text', { x: LAYOUT.left, y: 14, class: 'contrast-head' }, `similarity s_ij (±${scale.toPrecision(2)})`),
    svgEl('text', { x: x2, y: 14, class: 'contrast-head' }, `weight p_ij at τ = ${tauText(v.tau)}`),
    svgEl('text', { x: LAYOUT.left, y: 28, class: 'contrast-axis' }, 'rows: codes · columns: CUIs'),
    svgEl('text', { x: x2 + side + 6, y: 28, class: 'contrast-axis' }, 'hardest'),
  );
  for (let i = 0; i < m; i += 1) {
    const row = v.weights.slice(i * m, (i + 1) * m);
    const sum = row.reduce((a, b) => a + b, 0);
    const g = svgEl('g', { class: 'contrast-row', 'data-row': i, 'data-sum': sum, 'data-t2': v.t2[i] });
    const y = LAYOUT.top + i * CELL;
    g.append(svgEl('text', { x: LAYOUT.left - 4, y: y + CELL - 4, class: 'contrast-axis', 'text-anchor': 'end' }, String(i + 1)));
    for (let j = 0; j < m; j += 1) {
      const s = v.sims[i * m + j];
      g.append(svgEl('rect', { x: LAYOUT.left + j * CELL, y, width: CELL, height: CELL, fill: diverging(s / scale), 'data-sim': s }));
      const pos = i === j;
      g.append(svgEl('rect', {
        x: x2 + j * CELL, y, width: CELL, height: CELL, fill: pos ? 'none' : sequential(row[j]), 'data-weight': row[j],
        class: pos ? 'contrast-positive' : 'contrast-negative',
      }));
    }
    g.append(svgEl('text', { x: x2 + side + 6, y: y + CELL - 4, class: 'contrast-axis' }, pct(row[hardestOf(v, i)])));
    svg.append(g);
  }
  for (const x0 of [LAYOUT.left, x2]) {
    for (let i = 0; i < m; i += 1) {
      svg.append(svgEl('rect', {
        x: x0 + i * CELL, y: LAYOUT.top + i * CELL, width: CELL, height: CELL, class: 'contrast-outline', fill: 'none', stroke: 'currentColor', 'stroke-width': 2,
      }));
    }
  }
  return svg;
}

/** The sentence under the picture, computed from the view's numbers. */
export function contrastText(v) {
  const { m } = v;
  const rows = Array.from({ length: m }, (_, i) => v.weights.slice(i * m, (i + 1) * m));
  const even = 1 / (m - 1);
  const hardest = rows.map((r, i) => r[hardestOf(v, i)]);
  const j = hardestOf(v, 0);
  const off = rows.flatMap((r, i) => r.filter((_, k) => k !== i));
  const [lo, hi] = [Math.min(...off), Math.max(...off)];
  // How far each weight is from the CUI tokens' share alone, T2_j / sum over the row's negatives.
  const byTokens = rows.every((r, i) => {
    const total = v.t2.reduce((a, t, k) => (k === i ? a : a + t), 0);
    return r.every((w, k) => k === i || Math.abs(w - v.t2[k] / total) < 1e-9);
  });
  const alike = `Were every negative weighed alike, each would take 1/${m - 1} = ${pct(even)}.`;
  if (byTokens) {
    return `At τ = ${tauText(v.tau)} the weights no longer depend on the similarities: each negative weighs its share `
      + `of CUI tokens alone, ${pct(lo)} to ${pct(hi)} of its row, near the uniform ${pct(even)} `
      + `(exactly ${pct(even)} if every patient had as many tokens). The loss is then linear in the similarities.`;
  }
  return `At τ = ${tauText(v.tau)} the hardest negative of row 1 (the most similar, patient ${j + 1}’s CUIs) takes `
    + `${pct(hardest[0])} of its weight; over the ${m} rows the hardest negative takes ${pct(Math.min(...hardest))} to `
    + `${pct(Math.max(...hardest))}, and a negative between ${pct(lo)} and ${pct(hi)}. ${alike}`;
}

// Draws a view (null hides the picture: a trainer without in-batch negatives).
function show(v) {
  const host = $('train-contrast');
  if (!host) return;
  // The stylesheet's `.view { display: grid }` would override the hidden attribute alone.
  host.style.display = v ? '' : 'none';
  host.hidden = !v;
  if (!v) return;
  check(v);
  const frame = host.querySelector('.contrast-picture');
  frame.replaceChildren(picture(v));
  Object.assign(frame.dataset, { tau: v.tau === null ? 'inf' : String(v.tau), iteration: String(v.iteration), m: String(v.m) });
  host.querySelector('.contrast-text').textContent = contrastText(v);
  host.querySelector('.contrast-where').textContent = `Iteration ${v.iteration}: ${v.m} of the ${v.batch} patients of the latest minibatch.`;
}

// The lens's τ: 10^slider, or Infinity when its "∞" is ticked.
function lensTau() {
  return $('contrast-tau-inf').checked ? Infinity : 10 ** Number($('contrast-logtau').value);
}

// Sets the lens to τ (the trainer's, when that changes) and shows it.
function setLens(tau) {
  $('contrast-tau-inf').checked = !Number.isFinite(tau);
  if (Number.isFinite(tau)) $('contrast-logtau').value = String(Math.log10(tau));
  showLens();
}

// Writes the lens's τ beside its slider.
function showLens() {
  const tau = lensTau();
  $('contrast-tau-out').textContent = `τ = ${Number.isFinite(tau) ? tauText(tau) : '∞'}`;
  $('contrast-logtau').disabled = !Number.isFinite(tau);
}

/**
 * Wires the picture: `send(type, fields)` sends to the training worker, `session()` is the id of
 * the trainer held there (null before one is built), `temperature()` the controls' τ. The
 * picture has a lens of its own, a τ at which it weighs the block without restarting training;
 * it follows the trainer's τ whenever that changes, and the worker keeps using the lens's τ for
 * the pictures it sends with later steps. Returns `onReply(msg)`, to be given every message of
 * that worker.
 */
export function createContrast({ send, session, temperature }) {
  let lastSession = null; // the session whose picture is shown
  // Asks the held trainer for its block at the lens's τ (without a step).
  const ask = () => {
    const id = session();
    if (id === null || id !== lastSession) return;
    const tau = lensTau();
    send(Req.TRAIN_CONTRAST, { session: id, tau: Number.isFinite(tau) ? tau : null });
  };
  const follow = () => {
    setLens(temperature());
    ask();
  };
  show(null);
  setLens(temperature());
  $('train-logtau').addEventListener('input', follow);
  $('train-tau-inf').addEventListener('change', follow);
  $('contrast-logtau').addEventListener('input', () => {
    showLens();
    ask();
  });
  $('contrast-tau-inf').addEventListener('change', () => {
    showLens();
    ask();
  });
  return (msg) => {
    if ((msg.type !== Reply.TRAIN_STATE && msg.type !== Reply.CONTRAST) || msg.stale || msg.session !== session()) return;
    if (msg.contrast === undefined) return;
    if (msg.session !== lastSession && msg.contrast) setLens(msg.contrast.tau === null ? Infinity : msg.contrast.tau);
    lastSession = msg.session;
    show(msg.contrast);
  };
}
