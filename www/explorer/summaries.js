// A short text summary under each chart of the explorer (and the tip above them, tip.js), rewritten from the snapshot that redrew
// the chart: the numbers a reader would read off it, for screen readers and for quick reading.
// Inputs: Report (src/session.rs), HistoryPoint and Charts (src/explorer.rs).

import { LABELS, METHODS } from '../lib/methods.js';
import { fmt, fmtInt } from '../lib/format.js';
import { tipText } from './tip.js';

/** Summary element ids, by the chart they describe. */
export const SUMMARY_IDS = Object.freeze({
  error: 'summary-error',
  tip: 'tip-text',
  alignment: 'summary-alignment',
  spectrum: 'summary-spectrum',
  heat: 'summary-heat',
});

const last = { report: null, history: [], charts: null }; // the latest parts received

// A method's display name.
const label = (m) => LABELS[m] ?? m;
// A number to three significant digits ("–" when not finite).
const sig = (x) => (Number.isFinite(x) ? String(Number(x.toPrecision(3))) : '–');
// The mean of a non-empty list.
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
// The Euclidean length of a - b (b absent: of a). A loop, not Math.hypot(...spread): it runs
// for every point of the alignment view at every snapshot.
function gap(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) {
    const v = b ? a[i] - b[i] : a[i];
    s += v * v;
  }
  return Math.sqrt(s);
}

// The error chart: each method's projection distance now, the lowest, and at the first snapshot.
export function errorSummary(report, history = []) {
  const names = METHODS.filter((m) => report?.methods?.[m]);
  if (!names.length) return null;
  const pd = (m) => report.methods[m].projection_distance;
  const now = names.map((m) => `${label(m)} ${fmt(pd(m), 2)}`).join(', ');
  const best = names.reduce((a, b) => (pd(b) < pd(a) ? b : a));
  let text = `After ${fmtInt(report.patients)} patients: ${now} (no-recovery level ${fmt(report.no_recovery, 2)}). Lowest: ${label(best)}.`;
  const first = history[0];
  if (history.length > 1 && first?.errors && first.patients < report.patients) {
    text += ` At ${fmtInt(first.patients)} patients: ${names.map((m) => `${label(m)} ${fmt(first.errors[m], 2)}`).join(', ')}.`;
  }
  return text;
}

// The alignment view: how far the estimates lie from the true positions, against their size.
export function alignmentSummary(charts) {
  const points = (charts?.hover ?? []).filter((q) => q.truth?.length && q.truth.length === q.estimate?.length);
  if (!points.length) return null;
  const codes = points.filter((q) => q.modality === 'code').length;
  const off = mean(points.map((q) => gap(q.estimate, q.truth)));
  const size = mean(points.map((q) => gap(q.truth)));
  return `${label(charts.alignment_method)}, ${points.length} points (${codes} codes, ${points.length - codes} CUIs): `
    + `an estimate lies on average ${sig(off)} from its true position, whose mean length is ${sig(size)} `
    + `(ratio ${fmt(off / size, 2)}; 0 is perfect recovery).`;
}

// The spectrum: the leading singular values and the ratio across the gap after the p-th.
export function spectrumSummary(values, p) {
  if (!Array.isArray(values) || !values.length || !(p >= 1)) return null;
  const head = values.slice(0, p).map(sig).join(', ');
  const tail = values.slice(p, p + 3).map(sig).join(', ');
  if (!tail) return `Leading singular values: ${head}.`;
  const ratio = values[p] > 0 ? fmt(values[p - 1] / values[p], 2) : '∞';
  return `Leading singular values: ${head}, then ${tail}. The p-th (p = ${p}) over the next: ${ratio} `
    + '(well above 1: a gap, the signal stands out; near 1: no gap).';
}

// The heatmaps: the correlation of the estimated and true code–CUI similarities.
export function heatSummary(report, method) {
  const r = report?.methods?.[method]?.similarity_correlation;
  if (r === undefined) return null;
  return `Correlation between the true and ${label(method)}’s estimated code–CUI similarities, over all pairs: `
    + `${fmt(r, 3)} (1: the two heatmaps match).`;
}

// Writes one summary's text from `make()` when it changed; a null text or a failure (malformed
// input) leaves the old text, so a summary never breaks the page.
function write(key, make) {
  const node = document.getElementById(SUMMARY_IDS[key]);
  let text = null;
  try {
    text = make();
  } catch {
    return;
  }
  if (node && text && node.textContent !== text) node.textContent = text;
}

// Rewrites every summary from the given parts of a snapshot ({report, history, charts}; a
// missing part keeps the last one received, as when only the alignment view changed).
export function updateSummaries(parts) {
  for (const [key, value] of Object.entries(parts)) if (value) last[key] = value;
  const { report, history, charts } = last;
  write('tip', () => report && tipText(report));
  write('error', () => report && errorSummary(report, history));
  write('alignment', () => charts && alignmentSummary(charts));
  write('spectrum', () => charts && report && spectrumSummary(charts.singular_values, report.params?.p));
  write('heat', () => charts && report && heatSummary(report, charts.alignment_method));
}
