// A tiny inline SVG line chart for the "Training" section: one polyline of a value against the
// iteration, with the range of each axis written at its ends. Built from numbers, no plotters.
// The animation redraws each chart at every frame, so a chart's elements are made once and
// then only their attributes and labels change (making ~10 elements per chart afresh at every
// frame cost the page more than the line itself).

import { svgEl as node } from '../lib/dom.js';

const [W, H, PAD_L, PAD_B, PAD_T, PAD_R] = [320, 170, 52, 22, 10, 10];

// Short text of a number for the axis labels.
function short(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}


// Sets an attribute only when its value changes.
function set(el, name, value) {
  const text = String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

const drawn = new WeakMap(); // host -> the parts of the chart it shows

// A new, empty chart in `host`: its frame, its four axis labels, the reference lines (attached
// when there is a floor or a ceiling) and the series.
function build(host, title, colour) {
  const svg = node('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title });
  svg.append(node('rect', { x: PAD_L, y: PAD_T, width: W - PAD_L - PAD_R, height: H - PAD_B - PAD_T, fill: 'none', style: 'stroke: var(--line, #d9dde5)' }));
  const label = (x, y, anchor) => node('text', { x, y, 'font-size': 10, style: 'fill: var(--muted, #5b6475)', 'text-anchor': anchor }, '');
  const labels = [label(PAD_L - 4, PAD_T + 8, 'end'), label(PAD_L - 4, H - PAD_B, 'end'), label(PAD_L, H - 6, 'start'), label(W - PAD_R, H - 6, 'end')];
  svg.append(...labels);
  const floor = node('line', { class: 'floor', x1: PAD_L, x2: W - PAD_R, stroke: '#969696', 'stroke-dasharray': '4 3' });
  const ceiling = node('line', { class: 'ceiling', x1: PAD_L, x2: W - PAD_R, stroke: '#969696', 'stroke-dasharray': '1 3' });
  const line = node('polyline', { class: 'series', points: '', fill: 'none', stroke: colour, 'stroke-width': 2 });
  svg.append(line);
  host.replaceChildren(svg);
  const parts = { svg, labels, floor, ceiling, line, title, colour };
  drawn.set(host, parts);
  return parts;
}

/** Smallest y range drawn, as a fraction of the values' size: a range narrower than this (after
 * one step, or a loss that barely moves) is widened around its middle, so the two ends' labels
 * differ and the chart never magnifies rounding noise into a slope. */
export const MIN_SPAN = 1e-3;

// Moves a reference line to height `y` (SVG units), or detaches it when `y` is null.
function placeLevel(parts, line, y) {
  if (y === null) {
    if (line.parentNode === parts.svg) line.remove();
    return;
  }
  set(line, 'y1', y);
  set(line, 'y2', y);
  if (line.parentNode !== parts.svg) parts.line.before(line);
}

// The y range [y0, y1] of `ys` and the levels that must stay in view, at least MIN_SPAN wide.
export function yRange(ys, levels = []) {
  let [y0, y1] = [Infinity, -Infinity];
  for (const y of [...ys, ...levels.filter(Number.isFinite)]) [y0, y1] = [Math.min(y0, y), Math.max(y1, y)];
  if (y0 > y1) return [0, 1];
  const span = Math.max(MIN_SPAN * Math.max(Math.abs(y0), Math.abs(y1)), 1e-9);
  if (y1 - y0 < span) [y0, y1] = [(y0 + y1) / 2 - span / 2, (y0 + y1) / 2 + span / 2];
  return [y0, y1];
}

// Draws `points` ([{iteration, ...}]) of `key` into `host` as an SVG; `floor` and `ceiling`
// (optional) are dashed horizontal reference lines kept in the y range (e.g. the SVD solution's
// own error and the no-recovery level √(2p)); `log`: a log10 y axis (values floored at 1e-8).
// Reuses the chart already in `host` when it drew the same series.
export function drawLine(host, points, key, { title, colour = '#2457c5', floor, ceiling, log = false } = {}) {
  const value = (y) => (log ? Math.log10(Math.max(y, 1e-8)) : y);
  const xs = [];
  const ys = [];
  for (const p of points) {
    if (!Number.isFinite(p[key])) continue;
    xs.push(p.iteration);
    ys.push(value(p[key]));
  }
  const n = xs.length;
  let [x0, x1] = [0, 1];
  for (let i = 0; i < n; i += 1) [x0, x1] = [Math.min(x0, xs[i]), Math.max(x1, xs[i])];
  const levels = [floor, ceiling].map((l) => (Number.isFinite(l) ? value(l) : null));
  const [y0, y1] = yRange(ys, levels.filter((l) => l !== null));
  const px = (x) => PAD_L + ((x - x0) / (x1 - x0)) * (W - PAD_L - PAD_R);
  const py = (y) => H - PAD_B - ((y - y0) / (y1 - y0)) * (H - PAD_B - PAD_T);

  let parts = drawn.get(host);
  if (!parts || host.firstChild !== parts.svg || host.childNodes.length !== 1 || parts.title !== title || parts.colour !== colour) {
    parts = build(host, title, colour);
  }
  const yText = (y) => short(log ? 10 ** y : y);
  const texts = [yText(y1), yText(y0), short(x0), `${short(x1)} ${x1 === 1 ? 'iteration' : 'iterations'}`];
  parts.labels.forEach((el, i) => {
    if (el.textContent !== texts[i]) el.textContent = texts[i];
  });
  placeLevel(parts, parts.floor, levels[0] === null ? null : py(levels[0]));
  placeLevel(parts, parts.ceiling, levels[1] === null ? null : py(levels[1]));
  let coords = '';
  for (let i = 0; i < n; i += 1) coords += `${i ? ' ' : ''}${px(xs[i]).toFixed(1)},${py(ys[i]).toFixed(1)}`;
  set(parts.line, 'points', coords);
  host.dataset.points = String(n);
}
