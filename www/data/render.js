// Renders the "Your data" results: the 2-D projection of codes and CUIs (SVG scatter) and the
// evaluation table. DOM only; no network.

import { el, svgEl } from '../lib/dom.js';
import { LABELS } from '../lib/methods.js';
import { MODALITY_RGB, cssRgb } from '../lib/theme.js';

/** Formats an AUC (or '–' when there were no pairs). */
export function fmtAuc(x) {
  return Number.isFinite(x) ? x.toFixed(4) : '–';
}

/** Colour of codes and of CUIs: the explorer's (lib/theme.js). */
const CODE_COLOUR = cssRgb(MODALITY_RGB.code);
const CUI_COLOUR = cssRgb(MODALITY_RGB.cui);

// A code's mark (a circle) or a CUI's (a triangle), as in the explorer's charts, centred at (cx, cy).
function mark(cui, cx, cy) {
  if (!cui) return svgEl('circle', { cx, cy, r: 4, fill: CODE_COLOUR, 'fill-opacity': 0.8, class: 'code' });
  const points = [[cx, cy - 5], [cx - 4.5, cy + 3.5], [cx + 4.5, cy + 3.5]].map((q) => q.join(',')).join(' ');
  return svgEl('polygon', { points, fill: CUI_COLOUR, 'fill-opacity': 0.8, class: 'cui' });
}

/** Draws the first two CLAIME coordinates of every code (circle) and CUI (triangle). */
export function renderScatter(host, points, width = 560, height = 360) {
  const pad = 36;
  const xs = points.map((q) => q.x);
  const ys = points.map((q) => q.y);
  const span = (v) => {
    const [lo, hi] = [Math.min(...v, 0), Math.max(...v, 0)];
    return hi > lo ? [lo, hi] : [lo - 1, hi + 1];
  };
  const [x0, x1] = span(xs);
  const [y0, y1] = span(ys);
  const sx = (x) => pad + ((x - x0) / (x1 - x0)) * (width - 2 * pad);
  const sy = (y) => height - pad - ((y - y0) / (y1 - y0)) * (height - 2 * pad);
  const svg = svgEl('svg', { viewBox: `0 0 ${width} ${height}`, width, height, class: 'data-scatter' });
  svg.append(svgEl('rect', { x: 0, y: 0, width, height, fill: '#fff' }));
  svg.append(svgEl('line', { x1: pad, x2: width - pad, y1: sy(0), y2: sy(0), stroke: '#ccc' }));
  svg.append(svgEl('line', { x1: sx(0), x2: sx(0), y1: pad, y2: height - pad, stroke: '#ccc' }));
  for (const q of points) {
    const [cx, cy] = [sx(q.x), sy(q.y)];
    const shape = mark(q.cui, cx, cy);
    const title = svgEl('title');
    title.textContent = `${q.cui ? 'CUI' : 'code'} ${q.name} (${q.x.toFixed(3)}, ${q.y.toFixed(3)})`;
    shape.append(title);
    svg.append(shape);
  }
  // The legend draws the marks it names.
  [[false, 'codes (circles)'], [true, 'CUIs (triangles)']].forEach(([cui, label], i) => {
    const key = mark(cui, pad + i * 150 + 5, 15);
    key.setAttribute('class', 'legend-mark');
    svg.append(key);
    const t = svgEl('text', { x: pad + i * 150 + 15, y: 19, 'font-size': 12, fill: '#333' });
    t.textContent = label;
    svg.append(t);
  });
  host.replaceChildren(svg);
}

/** Fills the evaluation table: relation, kinds, found/given, negatives, one AUC per method. */
export function renderEvaluation(table, evaluation) {
  const head = el('tr');
  for (const h of ['Relation', 'Kinds', 'Pairs found / given', 'Random negatives']) head.append(el('th', { scope: 'col' }, h));
  for (const m of evaluation.methods) head.append(el('th', { scope: 'col' }, `AUC ${LABELS[m] ?? m}`));
  table.tHead.replaceChildren(head);
  const rows = evaluation.rows.map((r) => {
    const tr = el('tr', { 'data-relation': r.relation });
    tr.append(el('th', { scope: 'row' }, r.relation), el('td', {}, r.kinds ?? ''));
    tr.append(el('td', { class: 'num' }, `${r.found}/${r.given}`), el('td', { class: 'num' }, String(r.negatives)));
    r.auc.forEach((a, i) => {
      const value = a === null ? NaN : a;
      tr.append(el('td', { class: 'num auc', 'data-method': evaluation.methods[i], 'data-value': String(value) }, fmtAuc(value)));
    });
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}
