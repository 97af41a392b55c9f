// The progress line: patients so far / n and the elapsed time, ticking while a run is going.

import { fmtInt } from '../lib/format.js';

/** How often the elapsed time is refreshed while a run is going (ms). */
export const TICK_MS = 250;

/** Builds the progress display on a <progress> bar and a text element. */
export function createProgress(bar, text) {
  if (!bar || !text) throw new Error('progress: missing bar or text element');
  const state = { start: 0, patients: 0, total: 0, timer: null };

  // Writes "patients / n · time" into the text element.
  const draw = (doneMs) => {
    const so = `${fmtInt(state.patients)} / ${fmtInt(state.total)} patients`;
    const time = doneMs === undefined
      ? `${((performance.now() - state.start) / 1000).toFixed(1)} s elapsed`
      : `done in ${fmtInt(Math.round(doneMs))} ms`;
    text.textContent = `${so} · ${time}`;
    bar.value = state.total ? state.patients / state.total : 0;
  };

  return {
    // Starts timing a run of `total` patients.
    start(total) {
      performance.mark('claime:run-start'); // lets benchmarks tell run time from page load
      Object.assign(state, { start: performance.now(), patients: 0, total });
      clearInterval(state.timer);
      state.timer = setInterval(() => draw(), TICK_MS);
      draw();
    },
    // Records the patients simulated so far.
    update(patients, total) {
      if (!Number.isFinite(patients) || !Number.isFinite(total)) return;
      Object.assign(state, { patients, total });
      draw();
    },
    // Stops the clock; with `ms`, shows the run's total time.
    stop(ms) {
      clearInterval(state.timer);
      state.timer = null;
      if (ms !== undefined) draw(ms);
    },
  };
}
