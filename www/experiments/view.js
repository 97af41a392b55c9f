// Draws the Experiments section's results on the page: the progress line with an estimate of
// the time left, the figure (SVG drawn by plotters in a worker), the results table and the CSV
// link. DOM only; each renderer checks its input.

import { setBlobLink } from '../lib/dom.js';
import { chartButtons } from '../lib/exports.js';
import { fmt, fmtInt } from '../lib/format.js';
import { LABELS } from '../lib/methods.js';
import { verdict } from './verdict.js';

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

/** What each experiment varies, for the captions of several figures. */
const VARIES = Object.freeze({ n: 'vary n', d: 'vary d', noise: 'vary the noise level' });

// Shows the figures of a run's tables ({experiment, svg}): one alone in `host` itself; several
// each in a panel of its own (a caption naming the experiment, SVG and PNG buttons, an
// accessible name), kept from one redraw to the next so that focus stays on its buttons. The
// host's own export buttons (which would save the first panel only) are hidden meanwhile.
export function showFigures(host, tables) {
  if (!Array.isArray(tables)) throw new Error('experiments: tables must be an array');
  const several = tables.length > 1;
  const ownExports = host.closest('figure')?.querySelector(':scope > figcaption .chart-exports');
  if (ownExports) ownExports.hidden = several;
  // The host is the image when alone; with panels, each panel's chart is (an image may not
  // hold buttons). Its accessible name is kept in data-label meanwhile.
  host.dataset.label ??= host.getAttribute('aria-label') ?? 'figure';
  if (!several) {
    host.setAttribute('role', 'img');
    host.setAttribute('aria-label', host.dataset.label);
    delete host.dataset.panels;
    return showSvg(host, tables[0]?.svg);
  }
  host.removeAttribute('role');
  host.removeAttribute('aria-label');
  const names = tables.map((t) => t.experiment).join(',');
  if (host.dataset.panels !== names || host.querySelectorAll('figure.exp-panel').length !== tables.length) {
    host.replaceChildren(...tables.map((t) => panel(host, t.experiment)));
    host.dataset.panels = names;
  }
  host.querySelectorAll('figure.exp-panel .chart').forEach((chart, i) => showSvg(chart, tables[i].svg));
}

// An empty panel for experiment `experiment`'s figure inside `host`.
function panel(host, experiment) {
  const figure = Object.assign(document.createElement('figure'), { className: 'exp-panel' });
  figure.dataset.experiment = experiment;
  const chart = Object.assign(document.createElement('div'), { className: 'chart', id: `${host.id}-${experiment}` });
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', `Experiment ${experiment}: ${host.dataset.label}`);
  const caption = document.createElement('figcaption');
  const line = Object.assign(document.createElement('span'), { className: 'chart-exports' });
  line.append(' Download: ', ...chartButtons(chart));
  caption.append(`Experiment ${experiment}: ${VARIES[experiment] ?? experiment}.`, line);
  const said = Object.assign(document.createElement('p'), { className: 'exp-verdict' });
  figure.append(caption, chart, said);
  return figure;
}

// Writes each figure's verdict (verdict.js, from its table's rows): in its panel's
// `.exp-verdict`, or for a figure alone in the element `${host.id}-verdict`; data-holds is
// "true", "false" or "" (waiting for the grid's ends, or nothing recovered at the no-recovery
// `level` √(2p)).
export function showVerdicts(host, tables, noise, level = null) {
  if (!Array.isArray(tables)) throw new Error('experiments: tables must be an array');
  const alone = document.getElementById(`${host.id}-verdict`);
  const panels = tables.length > 1 ? [...host.querySelectorAll('figure.exp-panel')] : [];
  const slots = panels.length ? panels.map((f) => f.querySelector('.exp-verdict')) : [alone];
  if (panels.length && alone) write(alone, null);
  tables.forEach((table, i) => slots[i] && write(slots[i], verdict(table, noise, level), table.experiment));
  if (!tables.length && alone) write(alone, null);
}

// Sets one verdict paragraph (null clears it).
function write(node, v, experiment = '') {
  node.textContent = v ? v.text : '';
  node.dataset.holds = v && v.holds !== null ? String(v.holds) : '';
  node.dataset.experiment = experiment;
}

// One CSV from several of the command line's (the same header): the first whole, then the
// others' rows.
export function joinCsv(texts) {
  const parts = texts.filter((t) => typeof t === 'string' && t);
  return parts.map((t, i) => (i === 0 ? t : t.slice(t.indexOf('\n') + 1))).join('');
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
  // Rows of several experiments vary different settings: each names its own.
  const mixed = new Set(rows.map((r) => r.x_name)).size > 1;
  if (head && rows.length) head.textContent = mixed ? 'setting' : rows[0].x_name;
  const body = rows.map((r) => {
    const tr = document.createElement('tr');
    Object.assign(tr.dataset, { method: r.method, x: String(r.x), experiment: r.experiment });
    const th = cell('th', mixed ? `${r.x_name} = ${r.x}` : String(r.x), r.x);
    th.scope = 'row';
    tr.append(th, cell('td', LABELS[r.method] ?? r.method));
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
