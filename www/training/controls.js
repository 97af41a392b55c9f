// The training section's settings as its controls give them: the trainer's temperature (and
// whether the trainer has one) and the regulariser and learning rate.

import { $ } from '../lib/dom.js';

/** The trainers with a temperature; the others ignore τ and their control is disabled. */
const WITH_TEMPERATURE = new Set(['claime-temp']);

// The temperature the controls give: 10^slider, or Infinity when "infinity" is ticked.
export function temperature() {
  return $('train-tau-inf').checked ? Infinity : 10 ** Number($('train-logtau').value);
}

// Shows the temperature; its controls are disabled for a trainer without one.
export function showTau() {
  const tau = temperature();
  const has = WITH_TEMPERATURE.has($('train-trainer').value);
  $('train-tau-out').textContent = !has ? 'no τ' : Number.isFinite(tau) ? `τ = ${Number(tau.toPrecision(3))}` : 'τ = ∞ (linear loss)';
  $('train-logtau').disabled = !has || !Number.isFinite(tau);
  $('train-tau-inf').disabled = !has;
}

// The training settings from the inputs (an empty learning rate = each trainer's default).
export function settings() {
  const out = { lambda: Number($('train-lambda').value) };
  const lr = $('train-lr').value.trim();
  if (lr !== '') out.lr = Number(lr);
  return out;
}
