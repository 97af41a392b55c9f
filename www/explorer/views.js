// Puts the worker's SVG strings on the page: the error chart, the alignment view, the spectrum
// and the two heatmaps. Each slot is replaced only when its SVG changed, and each in its own
// task, so a snapshot never holds the main thread for long.

/** Chart slot element ids, by the Charts field they show (src/explorer.rs). */
export const SLOTS = Object.freeze({
  error: 'chart-error',
  alignment: 'chart-alignment',
  spectrum: 'chart-spectrum',
  heat_truth: 'chart-heat-truth',
  heat_estimate: 'chart-heat-estimate',
});

// Whether a value looks like one SVG document from plotters.
function isSvg(value) {
  return typeof value === 'string' && value.startsWith('<svg') && value.trimEnd().endsWith('</svg>');
}

// Checks a Charts object; returns the first problem as text, or null.
export function checkCharts(charts) {
  if (!charts || typeof charts !== 'object') return 'charts: missing';
  for (const key of Object.keys(SLOTS)) {
    if (!isSvg(charts[key])) return `charts.${key}: not an SVG string`;
  }
  if (!Array.isArray(charts.hover)) return 'charts.hover: not a list';
  return null;
}

// Replaces one slot's SVG when it differs from what is shown.
function fill(slot, svg) {
  if (!slot || slot.lastSvg === svg) return;
  slot.innerHTML = svg;
  slot.lastSvg = svg;
}

let pending = null; // {charts, keys, hooks}: the snapshot being drawn, one chart per task

// Draws the next chart of the pending snapshot, then yields so no task grows long.
function drawNext() {
  if (!pending) return;
  const { charts, keys, hooks } = pending;
  const key = keys.shift();
  try {
    fill(document.getElementById(SLOTS[key]), charts[key]);
    if (key === 'alignment') hooks.onAlignment?.(charts);
  } catch (e) {
    hooks.onError?.(e); // report, and go on with the other charts
  }
  if (keys.length) return void setTimeout(drawNext, 0);
  pending = null;
  hooks.onDrawn?.();
}

/**
 * Renders every chart, one per task (the error chart at once); a newer call supersedes the
 * charts not drawn yet. hooks: onAlignment(charts) after the alignment view, onError(e) when a
 * chart or hook fails, onDrawn() at the end. Throws (with the reason) on malformed input.
 */
export function renderCharts(charts, hooks = {}) {
  const problem = checkCharts(charts);
  if (problem) throw new Error(problem);
  const idle = pending === null;
  pending = { charts, keys: Object.keys(SLOTS), hooks };
  if (idle) drawNext();
}

// Fills the alignment-method selector with the methods of the run, keeping `view` selected.
export function setViewChoices(select, methods, labels, view) {
  if (!select) return;
  const wanted = methods.join(',');
  if (select.dataset.methods !== wanted) {
    select.replaceChildren(...methods.map((m) => new Option(labels[m] ?? m, m)));
    select.dataset.methods = wanted;
  }
  select.value = methods.includes(view) ? view : methods[0];
}

// Marks the views' container with the run state (loading, running, done, stopped, error).
export function setRunState(container, runState) {
  if (container) container.dataset.state = runState;
}
