// The experiment form's method and trainer checkboxes, built from the labels table: the
// methods ticked, the slow trainers not.

import { $, el } from '../lib/dom.js';
import { LABELS, METHODS, TRAINERS } from '../lib/methods.js';

// The method and trainer checkboxes of the experiment form, from the labels table.
function methodBoxes(box) {
  box.append(...[...METHODS, ...TRAINERS].map((m) => el('label', {},
    el('input', { type: 'checkbox', value: m, checked: METHODS.includes(m) ? '' : null }),
    ` ${LABELS[m]}${TRAINERS.includes(m) ? ' (slow)' : ''}`)));
}

// Builds the experiment form's method boxes inside `section`.
export function createForms(section) {
  methodBoxes(section.querySelector('#exp-methods'));
}
