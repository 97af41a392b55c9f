// The controls panel: builds one labelled native input per field of state/fields.js, shows its hint
// on hover (title) and focus (aria-describedby), reads and sets the parameters, and reports
// changes (sliders debounced, typed numbers once committed, selects and checkboxes at once).

import { FIELDS, MAX_SEED, PRESETS, parseField } from '../state/fields.js';
import { el } from '../lib/dom.js';
import { LABELS, METHODS } from '../lib/methods.js';

/** Delay before a slider move or a number box's arrow restarts the run (ms). */
export const DEBOUNCE_MS = 150;
/** Pause after the last typed character before a number box's value runs uncommitted (ms). */
export const TYPING_PAUSE_MS = 800;

// Whether an input event comes from typing or deleting characters (not from the box's arrows,
// the arrow keys or a script, which set a whole value).
function typed(e) {
  return typeof e.inputType === 'string' && /^(insert|delete)/.test(e.inputType);
}

// The input element of one field (number box, slider or select).
function inputFor(f) {
  const common = { id: `in-${f.key}`, name: f.key, title: f.hint, 'aria-describedby': `hint-${f.key}` };
  if (f.kind === 'select') {
    return el('select', common, ...f.options.map(([v, text]) => el('option', { value: v }, text)));
  }
  const type = f.kind === 'range' ? 'range' : 'number';
  return el('input', { ...common, type, min: f.min, max: f.max, step: f.step, inputmode: f.int ? 'numeric' : 'decimal' });
}

// One field: label, input (with a value readout for sliders) and the hint line.
function fieldBlock(f) {
  const input = inputFor(f);
  const row = el('div', { class: 'field', 'data-key': f.key });
  if (f.noise) row.dataset.noise = f.noise;
  const label = el('label', { for: input.id }, f.label);
  const line = el('div', { class: 'input-line' }, input);
  if (f.kind === 'range') line.append(el('output', { for: input.id, id: `out-${f.key}` }));
  if (f.key === 'seed') line.append(el('button', { type: 'button', id: 'new-seed', title: 'Draw a new random seed' }, 'New seed'));
  row.append(label, line, el('small', { class: 'field-hint', id: `hint-${f.key}` }, f.hint));
  return row;
}

// The method checkboxes in a fieldset.
function methodsBlock() {
  const box = el('fieldset', { class: 'methods' }, el('legend', {}, 'Methods to show'));
  for (const m of METHODS) {
    const input = el('input', { type: 'checkbox', id: `m-${m}`, name: 'methods', value: m, title: `Fit and show ${LABELS[m]}`, 'aria-describedby': 'hint-methods' });
    box.append(el('label', { class: 'check', for: input.id }, input, ` ${LABELS[m]}`));
  }
  box.append(el('small', { class: 'field-hint', id: 'hint-methods' }, 'CLAIME uses only cross-modal counts; Concate and CL also use within-modality counts.'));
  return box;
}

// The preset buttons.
function presetsBlock() {
  const box = el('fieldset', { class: 'presets' }, el('legend', {}, 'Presets'));
  for (const [name, text, hint] of PRESETS) {
    box.append(el('button', { type: 'button', 'data-preset': name, title: hint }, text));
  }
  return box;
}

// Shows only the noise level that belongs to the chosen noise structure (`noise`: the value
// of a hidden noise control, when it is not on the page).
function showNoiseLevel(root, noise) {
  const chosen = root.querySelector('#in-noise')?.value ?? noise;
  for (const row of root.querySelectorAll('.field[data-noise]')) row.hidden = row.dataset.noise !== chosen;
}

// Disables the locked controls (educator mode): a field's input (and "New seed" with the
// seed), every method checkbox, or every preset button.
function lockControls(root, lock) {
  const targets = {
    methods: 'input[name=methods]', presets: '[data-preset]', seed: '#in-seed, #new-seed',
  };
  for (const key of lock) {
    for (const node of root.querySelectorAll(targets[key] ?? `#in-${key}`)) node.disabled = true;
  }
}

// Copies each slider's value into its readout.
function syncOutputs(root) {
  for (const out of root.querySelectorAll('output')) out.value = root.querySelector(`#${out.htmlFor}`).value;
}

// A random seed from the browser's crypto source (the model's own streams are seeded).
function randomSeed() {
  return crypto.getRandomValues(new Uint32Array(1))[0] % MAX_SEED;
}

/**
 * Builds the panel into `root`. Callbacks: onChange() after an edit, onPreset(name).
 * Educator mode: `hide` lists keys (state/fields.js keys, 'methods', 'presets') whose controls are
 * left out of the page (their values are kept, as set), `lock` keys whose controls are disabled.
 * Returns {set(params, methods, {keepFixed}), read()}; read() gives {params, methods} or
 * {error}; keepFixed: leave hidden and locked values as they are (presets, loaded files).
 */
export function createControls(root, { onChange, onPreset, hide = [], lock = [] }) {
  if (!root) throw new Error('controls: missing root element');
  const ctx = { root, fixed: {}, hidden: new Set(hide), locked: new Set(lock), ran: null };
  const blocks = [
    ctx.hidden.has('presets') ? null : presetsBlock(),
    ...FIELDS.filter((f) => !ctx.hidden.has(f.key)).map(fieldBlock),
    ctx.hidden.has('methods') ? null : methodsBlock(),
  ];
  root.replaceChildren(...blocks.filter(Boolean));
  lockControls(root, ctx.locked);
  let timer = null;
  // Runs onChange after `delay`, unless the controls still hold what last ran (a box left after
  // its value already ran on a pause, or Enter pressed twice).
  const fire = (delay) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const now = snapshot(root);
      if (now === ctx.ran) return;
      ctx.ran = now;
      onChange();
    }, delay);
  };
  // A slider or a number box's arrows run after a short debounce; typed digits wait until the
  // number is committed (Enter, leaving the box, or a pause), so 50000 typed slowly is one run,
  // not runs at 5, 50 and 500.
  root.addEventListener('input', (e) => {
    syncOutputs(root);
    if (e.target.matches('input[type=range]')) fire(DEBOUNCE_MS);
    else if (e.target.matches('input[type=number]')) fire(typed(e) ? TYPING_PAUSE_MS : DEBOUNCE_MS);
  });
  root.addEventListener('change', (e) => {
    showNoiseLevel(root, ctx.fixed.noise);
    if (e.target.matches('select, input[type=checkbox], input[type=number]')) fire(0);
  });
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && e.target.matches('input[type=number]')) fire(0);
  });
  root.addEventListener('submit', (e) => e.preventDefault());
  root.addEventListener('click', (e) => {
    const button = e.target.closest('button');
    if (button?.id === 'new-seed') {
      root.querySelector('#in-seed').value = String(randomSeed());
      fire(0);
    } else if (button?.dataset.preset) onPreset(button.dataset.preset);
  });
  return {
    set: (params, methods, options) => setValues(ctx, params, methods, options),
    read: () => readValues(ctx),
  };
}

// Whether `key`'s value stays as it is under keepFixed (its control is hidden or locked).
function isFixed(ctx, key) {
  return ctx.hidden.has(key) || ctx.locked.has(key);
}

// Puts parameters and the method selection into the inputs (hidden ones into ctx.fixed).
function setValues(ctx, params, methods, { keepFixed = false } = {}) {
  const { root, fixed } = ctx;
  for (const f of FIELDS) {
    if (params[f.key] === undefined || (keepFixed && isFixed(ctx, f.key))) continue;
    if (ctx.hidden.has(f.key)) fixed[f.key] = String(params[f.key]);
    else root.querySelector(`#in-${f.key}`).value = String(params[f.key]);
  }
  if (methods && !(keepFixed && isFixed(ctx, 'methods'))) {
    if (ctx.hidden.has('methods')) fixed.methods = METHODS.filter((m) => methods.includes(m));
    else for (const m of METHODS) root.querySelector(`#m-${m}`).checked = methods.includes(m);
  }
  showNoiseLevel(root, fixed.noise);
  syncOutputs(root);
  ctx.ran = snapshot(root); // what the caller runs next (a preset, a link, a loaded file)
}

// Every control's current value, as one string (to tell whether anything changed).
function snapshot(root) {
  return [...root.querySelectorAll('input, select')].map((i) => (i.type === 'checkbox' ? i.checked : i.value)).join('\u0001');
}

// Reads and checks every input (hidden ones from ctx.fixed): {params, methods} or {error} for
// the first bad one.
function readValues({ root, fixed, hidden }) {
  const params = {};
  for (const f of FIELDS) {
    const raw = hidden.has(f.key) ? fixed[f.key] ?? '' : root.querySelector(`#in-${f.key}`).value;
    const { value, error } = parseField(f, raw);
    if (error) return { error };
    params[f.key] = value;
  }
  const methods = hidden.has('methods')
    ? fixed.methods ?? [...METHODS]
    : METHODS.filter((m) => root.querySelector(`#m-${m}`).checked);
  if (!methods.length) return { error: 'Methods: tick at least one method to show.' };
  return { params, methods };
}
