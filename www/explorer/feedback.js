// Feedback beside the control that caused it: when a control change restarts the run, a short
// note appears at the corner of that control's field ("run restarted") and fades after a few
// seconds. It sits over the field's corner (absolutely positioned), so nothing moves.

import { el } from '../lib/dom.js';

/** How long the note stays (ms). */
export const NOTE_MS = 2500;
/** A run that starts this long after the latest control edit is not credited to it (ms). */
const RECENT_MS = 2000;

/**
 * Watches the controls in `form`; returns {noteRestart(text)}: call it when a run starts, and
 * the control edited last (if recently) shows `text` beside it.
 */
export function createFeedback(form) {
  let last = null; // {field, at}: the field of the latest edit and when it happened
  const remember = (e) => {
    const field = e.target.closest?.('.field, fieldset');
    if (field && form.contains(field)) last = { field, at: performance.now() };
  };
  form.addEventListener('input', remember);
  form.addEventListener('change', remember);
  form.addEventListener('click', (e) => e.target.closest?.('button') && remember(e));
  return {
    noteRestart(text = 'run restarted') {
      if (!last || performance.now() - last.at > RECENT_MS) return;
      const { field } = last;
      field.querySelector(':scope > .restart-note')?.remove();
      const note = el('span', { class: 'restart-note', role: 'status' }, `↻ ${text}`);
      field.append(note);
      setTimeout(() => note.remove(), NOTE_MS);
    },
  };
}
