// The controls as a declarative table: one entry per model parameter, with the ranges of
// src/params.rs (Params::check) and the one-line explanation shown on hover and focus.
// Defaults are not here: they come from the wasm (`defaultParams()`).

/** Largest seed the page offers (JavaScript numbers are exact integers up to 2^53 - 1). */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/**
 * kind: 'number' (a text box with arrows), 'range' (a slider with its value shown) or 'select'.
 * int: the Rust field is an integer. noise: shown only for that noise structure.
 */
export const FIELDS = Object.freeze([
  { key: 'd1', label: 'Codes d1', kind: 'number', int: true, min: 2, max: 20000, step: 1,
    hint: 'Number of structured codes (diagnoses, medications…): modality 1.' },
  { key: 'd2', label: 'CUIs d2', kind: 'number', int: true, min: 2, max: 20000, step: 1,
    hint: 'Number of CUIs, the concepts found in clinical notes: modality 2.' },
  { key: 'p', label: 'Embedding dimension p', kind: 'range', int: true, min: 1, max: 64, step: 1,
    hint: 'Dimension of the true embeddings; at most min(d1, d2) / 2.' },
  { key: 'n', label: 'Patients n', kind: 'number', int: true, min: 2, max: 10000000, step: 1,
    hint: 'Patients simulated; they stream in and every method is refit along the way.' },
  { key: 'mean_t', label: 'Tokens per patient, mean T', kind: 'number', min: 2, max: 10000, step: 1,
    hint: 'Mean number of codes (and of CUIs) recorded per patient (Poisson).' },
  { key: 'noise', label: 'Noise structure', kind: 'select',
    options: [['spike', 'Spike (paper case 1)'], ['ar1', 'AR(1) (paper case 2)'],
      ['orthogonal', 'Orthogonal (Corollary 3.1)'], ['none', 'None']],
    hint: 'How each patient’s hidden state is perturbed around the shared embeddings.' },
  { key: 'c', label: 'Spike level c', kind: 'number', min: 0.01, max: 1000, step: 0.01, noise: 'spike',
    hint: 'The first ⌊p/2⌋ features of each modality get noise variance 1/c: smaller is noisier.' },
  { key: 'rho', label: 'AR(1) correlation ρ', kind: 'range', min: 0, max: 0.99, step: 0.01, noise: 'ar1',
    hint: 'Correlation between neighbouring features’ noise, in [0, 1).' },
  { key: 'tau2', label: 'Orthogonal noise τ²', kind: 'number', min: 0, max: 10000, step: 0.5, noise: 'orthogonal',
    hint: 'Variance of noise in a subspace orthogonal to the truth: CLAIME ignores it; Concate and CL lock onto it once τ² > 2 × signal².' },
  { key: 'signal', label: 'Signal scale', kind: 'number', min: 0, max: 1000, step: 0.1,
    hint: 'Multiplies the true embeddings (this project’s addition, not the paper’s); 1 is the paper’s weak regime, try 2–4.' },
  { key: 'seed', label: 'Seed', kind: 'number', int: true, min: 0, max: MAX_SEED, step: 1,
    hint: 'Seed of every random stream: the same seed gives the same numbers as the command line.' },
]);

/** The preset a bare address opens (no model parameter in the URL): a setting where CLAIME
 * recovers the embeddings and the baselines do not (docs/decisions.md, "The landing"). */
export const LANDING_PRESET = 'claime-recovers';

/** Named starting points (the Rust table `params::preset`), with button labels. */
export const PRESETS = Object.freeze([
  ['claime-recovers', 'CLAIME recovers', 'The paper’s spike noise (c = 0.2) with signal 2: CLAIME recovers the embeddings, Concate and CL much less (the page’s landing).'],
  ['paper-spike', 'Paper, spike', 'The paper’s exact setting (signal 1) with spike noise: at n = 20,000 too few patients for any method to recover much.'],
  ['paper-ar1', 'Paper, AR(1)', 'The paper’s setting with AR(1) noise.'],
  ['claime-wins', 'Strong signal', 'Signal 4 and c = 0.05: CLAIME recovers the embeddings best.'],
  ['orthogonal', 'Orthogonal noise', 'τ² = 25, signal 2, d = 200: the noise outweighs the signal (τ² > 2 × signal²), and only CLAIME recovers (Corollary 3.1).'],
  ['concate-wins', 'No noise', 'No patient noise and signal 4: the baselines catch up.'],
  ['no-signal', 'No signal', 'Signal 0: every method sits at the no-recovery level.'],
]);

// Finds a field by key.
export function field(key) {
  return FIELDS.find((f) => f.key === key);
}

// Checks one raw input value against its type and range (the ranges of src/params.rs, as the
// URL reader checks them); returns {value} or {error} naming the field. Without the range check
// a negative number would reach the wasm, whose message for it names no field.
export function parseField(f, raw) {
  if (f.kind === 'select') {
    const ok = f.options.some(([v]) => v === raw);
    return ok ? { value: raw } : { error: `${f.label}: choose one of the listed options` };
  }
  if (String(raw).trim() === '') return { error: `${f.label}: enter a value in [${f.min}, ${f.max}]` };
  const value = Number(raw);
  if (!Number.isFinite(value)) return { error: `${f.label}: "${raw}" is not a number` };
  if (f.int && !Number.isInteger(value)) return { error: `${f.label}: expected a whole number, got ${raw}` };
  if (value < f.min || value > f.max) return { error: `${f.label}: ${raw} is out of range ${f.min}–${f.max}` };
  return { value: value === 0 ? 0 : value };
}
