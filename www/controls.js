// The controls panel: builds one labelled native input per field of fields.js, shows its hint
// on hover (title) and focus (aria-describedby), reads and sets the parameters, and reports
// changes (sliders and text boxes debounced, selects and checkboxes at once).

import { FIELDS, MAX_SEED, PRESETS, parseField } from './fields.js';
import { LABELS, METHODS } from './protocol.js';

/** Delay before a slider or text-box edit restarts the run (ms). */
export const DEBOUNCE_MS = 150;

// Creates an element with attributes and children.
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  node.append(...children);
  return node;
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

// Shows only the noise level that belongs to the chosen noise structure.
function showNoiseLevel(root) {
  const noise = root.querySelector('#in-noise').value;
  for (const row of root.querySelectorAll('.field[data-noise]')) row.hidden = row.dataset.noise !== noise;
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
 * Returns {set(params, methods), read()}; read() gives {params, methods} or {error}.
 */
export function createControls(root, { onChange, onPreset }) {
  if (!root) throw new Error('controls: missing root element');
  root.replaceChildren(presetsBlock(), ...FIELDS.map(fieldBlock), methodsBlock());
  let timer = null;
  const fire = (delay) => {
    clearTimeout(timer);
    timer = setTimeout(onChange, delay);
  };
  root.addEventListener('input', (e) => {
    syncOutputs(root);
    if (e.target.matches('input[type=number], input[type=range]')) fire(DEBOUNCE_MS);
  });
  root.addEventListener('change', (e) => {
    showNoiseLevel(root);
    if (e.target.matches('select, input[type=checkbox]')) fire(0);
  });
  root.addEventListener('submit', (e) => e.preventDefault());
  root.addEventListener('click', (e) => {
    const button = e.target.closest('button');
    if (button?.id === 'new-seed') {
      root.querySelector('#in-seed').value = String(randomSeed());
      fire(0);
    } else if (button?.dataset.preset) onPreset(button.dataset.preset);
  });
  return { set: (params, methods) => setValues(root, params, methods), read: () => readValues(root) };
}

// Puts parameters and the method selection into the inputs.
function setValues(root, params, methods) {
  for (const f of FIELDS) {
    if (params[f.key] !== undefined) root.querySelector(`#in-${f.key}`).value = String(params[f.key]);
  }
  if (methods) for (const m of METHODS) root.querySelector(`#m-${m}`).checked = methods.includes(m);
  showNoiseLevel(root);
  syncOutputs(root);
}

// Reads and checks every input: {params, methods} or {error} for the first bad one.
function readValues(root) {
  const params = {};
  for (const f of FIELDS) {
    const { value, error } = parseField(f, root.querySelector(`#in-${f.key}`).value);
    if (error) return { error };
    params[f.key] = value;
  }
  const methods = METHODS.filter((m) => root.querySelector(`#m-${m}`).checked);
  if (!methods.length) return { error: 'Methods: tick at least one method to show.' };
  return { params, methods };
}
