// The defaults of the Experiments section's two forms, from the wasm: the experiment form's
// experiment, noise, signal, seed and methods (`defaultExperimentSpec()`) and the regime map's
// every input (`defaultRegimeSpec()`), the command line's own. They are asked of the section's
// helper worker (which loads the full module) once the section comes into view or runs, kept in
// the store, and fill the inputs the reader (or a preset) has not set; the method boxes start
// with the methods ticked and the trainers not. Replicates and the n scale of the experiment
// form are the page's quick-look choices (index.html), not defaults.

import { $, el } from '../lib/dom.js';
import { LABELS, METHODS, TRAINERS } from '../lib/methods.js';
import { subscribe, update } from '../state/store.js';
import { startHelper } from './helper.js';

const touched = new Set(); // inputs the reader (or a preset) has set: ids, or method names
let loading = null; // the one promise of the defaults

// The method and trainer checkboxes of the experiment form, from the labels table.
function methodBoxes(box) {
  box.append(...[...METHODS, ...TRAINERS].map((m) => el('label', {},
    el('input', { type: 'checkbox', value: m, checked: METHODS.includes(m) ? '' : null }),
    ` ${LABELS[m]}${TRAINERS.includes(m) ? ' (slow)' : ''}`)));
}

// Sets an input's value unless the reader changed it; one being edited (focused) gets it when
// left unchanged, so a default never lands in the middle of the reader's typing.
function fill(id, value) {
  if (touched.has(id) || value === undefined) return;
  const input = $(id);
  if (document.activeElement !== input) return void (input.value = String(value));
  input.addEventListener('blur', () => touched.has(id) || (input.value = String(value)), { once: true });
}

// Fills the experiment form from `defaultExperimentSpec()`.
function fillExperiment(spec) {
  fill('exp-experiment', spec.experiment);
  fill('exp-noise', spec.noise);
  fill('exp-signal', spec.base.signal);
  fill('exp-seed', spec.base.seed);
  const ticked = [...spec.methods, ...spec.trainers];
  for (const box of $('exp-methods').querySelectorAll('input')) {
    if (!touched.has(box.value)) box.checked = ticked.includes(box.value);
  }
}

// Fills the regime map's form from `defaultRegimeSpec()`.
function fillRegime(spec) {
  fill('regime-noise', spec.noise);
  fill('regime-signal-from', spec.signal[0]);
  fill('regime-signal-to', spec.signal[1]);
  fill('regime-level-from', spec.level[0]);
  fill('regime-level-to', spec.level[1]);
  fill('regime-grid', spec.grid);
  fill('regime-reps', spec.reps);
  fill('regime-d', spec.base.d1);
  fill('regime-n', spec.base.n);
}

// Marks inputs as set by the reader or the page, so later defaults leave them alone.
export function markTouched(...keys) {
  for (const key of keys) touched.add(key);
}

// Loads the defaults once (a failure lets a later call try again); resolves when the forms
// are filled, or when the wasm could not load (a run then says why it cannot start).
export function formDefaults() {
  loading ??= startHelper()
    .then(({ helper }) => helper.ask('defaults'))
    .then(({ experiment, regime }) => update({ experimentDefaults: experiment, regimeDefaults: regime }))
    .catch(() => {
      loading = null;
    });
  return loading;
}

// Builds the method boxes, follows the reader's edits, fills the forms when the defaults are
// in the store, and asks for them when the section is first seen.
export function createForms(section) {
  methodBoxes($('exp-methods'));
  section.addEventListener('input', (e) => markTouched(e.target.id || e.target.value));
  section.addEventListener('change', (e) => markTouched(e.target.id || e.target.value));
  subscribe((state, patch) => {
    if (patch.experimentDefaults) fillExperiment(state.experimentDefaults);
    if (patch.regimeDefaults) fillRegime(state.regimeDefaults);
  });
  if (typeof IntersectionObserver === 'undefined') return void formDefaults();
  const seen = new IntersectionObserver((entries) => {
    if (!entries.some((e) => e.isIntersecting)) return;
    seen.disconnect();
    formDefaults();
  });
  seen.observe(section);
}
