// The metrics table: one row per method from a Report (src/session.rs), every cell keeping the
// full-precision value in data-value, and links to download the report as JSON and the metrics
// as CSV.

import { fmt } from '../lib/format.js';
import { LABELS, METHODS } from '../lib/methods.js';

/** Columns after the method name: [metric key, decimals]. */
export const COLUMNS = Object.freeze([
  ['projection_distance', 3],
  ['projection_distance_codes', 3],
  ['projection_distance_cuis', 3],
  ['literal_error', 3],
  ['similarity_correlation', 4],
  ['retrieval_at_10', 4],
  ['relatedness_auc', 4],
]);

// Checks a Report; returns the first problem as text, or null.
export function checkReport(report) {
  if (!report || typeof report !== 'object') return 'report: missing';
  if (!report.methods || typeof report.methods !== 'object') return 'report.methods: missing';
  if (!report.params || !Number.isFinite(report.no_recovery)) return 'report: params or no_recovery missing';
  return null;
}

// A right-aligned numeric cell with the exact value in data-value.
function numberCell(value, digits) {
  const td = document.createElement('td');
  td.className = 'num';
  td.textContent = fmt(value, digits);
  if (typeof value === 'number') td.dataset.value = String(value);
  return td;
}

// One table row for a method; the best value of each column is marked.
function metricRow(name, report) {
  const tr = document.createElement('tr');
  tr.dataset.method = name;
  const th = document.createElement('th');
  th.scope = 'row';
  th.textContent = LABELS[name] ?? name;
  tr.append(th);
  const metrics = report.methods[name];
  for (const [key, digits] of COLUMNS) tr.append(numberCell(metrics[key], digits));
  tr.append(numberCell(report.timings_ms?.[name], 1));
  return tr;
}

// Fills the table body from a Report; throws on malformed input.
export function renderTable(table, report) {
  const problem = checkReport(report);
  if (problem) throw new Error(problem);
  const names = METHODS.filter((m) => report.methods[m]);
  table.tBodies[0].replaceChildren(...names.map((m) => metricRow(m, report)));
  table.dataset.patients = String(report.patients);
}

// Points the download link at the report as JSON (the same shape as `claime run --json`).
export function setDownload(link, report) {
  if (!link) return;
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  const blob = new Blob([`${JSON.stringify(report, null, 2)}\n`], { type: 'application/json' });
  link.href = URL.createObjectURL(blob);
  link.download = `claime-report-seed${report.params?.seed ?? ''}.json`;
  link.hidden = false;
}

// The metrics as CSV: a header row (method, each metric key, fit_ms), then one row per method
// with full-precision values (empty when a value is missing).
export function reportCsv(report) {
  const problem = checkReport(report);
  if (problem) throw new Error(problem);
  const cell = (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '');
  const header = ['method', ...COLUMNS.map(([key]) => key), 'fit_ms'].join(',');
  const rows = METHODS.filter((m) => report.methods[m]).map((m) => [
    m, ...COLUMNS.map(([key]) => cell(report.methods[m][key])), cell(report.timings_ms?.[m]),
  ].join(','));
  return `${[header, ...rows].join('\n')}\n`;
}

// Points the CSV download link at the report's metrics (reportCsv).
export function setCsvDownload(link, report) {
  if (!link) return;
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([reportCsv(report)], { type: 'text/csv' }));
  link.download = `claime-metrics-seed${report.params?.seed ?? ''}.csv`;
  link.hidden = false;
}
