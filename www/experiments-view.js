// Draws the Experiments section's results on the page: the progress line with an estimate of
// the time left, the figure (SVG drawn by plotters in a worker), the results table and the CSV
// link. DOM only; each renderer checks its input.

import { setBlobLink } from './data-render.js';
import { fmt, fmtInt } from './table.js';

/** Display names of the methods and trainers. */
export const METHOD_LABELS = Object.freeze({
  claime: 'CLAIME', concate: 'Concate', cl: 'CL', 'claime-gd': 'CLAIME-GD', 'cl-gd': 'CL-GD',
});

/** Numeric columns of the results table after x and the method: [row key, decimals]. */
const COLUMNS = Object.freeze([
  ['reps', 0], ['mean', 4], ['median', 4], ['p10', 4], ['p90', 4], ['literal_mean', 4],
]);

// "k of N tasks, about T s left": T from the elapsed time per finished task.
export function progressText(done, total, elapsedMs) {
  const head = `${fmtInt(done)} of ${fmtInt(total)} tasks`;
  if (done >= total) return `${head} in ${(elapsedMs / 1000).toFixed(1)} s`;
  if (done === 0) return `${head}, estimating the time left…`;
  const left = (elapsedMs / done) * (total - done) / 1000;
  return `${head}, about ${left < 10 ? left.toFixed(1) : Math.round(left)} s left`;
}

// Sets a <progress> and its text line.
export function showProgress(bar, line, done, total, elapsedMs) {
  bar.max = Math.max(1, total);
  bar.value = Math.min(done, total);
  line.textContent = progressText(done, total, elapsedMs);
}

// Shows an SVG string drawn by our Rust code (or clears the chart for an empty one).
export function showSvg(host, svg) {
  if (typeof svg !== 'string' || !svg.startsWith('<svg')) return host.replaceChildren();
  host.innerHTML = svg; // SVG text from plotters in our own worker, never user input
}

// A table cell with text; numbers keep their full value in data-value.
function cell(tag, text, value) {
  const node = document.createElement(tag);
  node.textContent = text;
  if (typeof value === 'number') {
    node.className = 'num';
    node.dataset.value = String(value);
  }
  return node;
}

// Fills the results table: one row per grid point and method (`aggregate`'s rows).
export function showRows(table, rows) {
  if (!Array.isArray(rows)) throw new Error('experiments: rows must be an array');
  const head = table.querySelector('thead th[data-col="x"]');
  if (head && rows.length) head.textContent = rows[0].x_name;
  const body = rows.map((r) => {
    const tr = document.createElement('tr');
    Object.assign(tr.dataset, { method: r.method, x: String(r.x) });
    const th = cell('th', String(r.x), r.x);
    th.scope = 'row';
    tr.append(th, cell('td', METHOD_LABELS[r.method] ?? r.method));
    for (const [key, digits] of COLUMNS) tr.append(cell('td', fmt(r[key], digits), r[key]));
    return tr;
  });
  table.tBodies[0].replaceChildren(...body);
}

// The CSV download link of a finished run, saved as `filename` (hidden when there is no CSV).
export function showCsv(link, csv, filename) {
  if (typeof csv !== 'string' || !csv) {
    link.hidden = true;
    return;
  }
  setBlobLink(link, csv, filename, 'text/csv');
}
