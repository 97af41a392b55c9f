// Checks a raw page state (from a URL query or a configuration file) against the ranges of
// fields.js. Each bad value is named ({text: 'p=500 is out of range 1–64', fallback: 'using the
// default 4'}) and replaced by its default, so the page always starts with something it can run.
// Cross-field rules (p at most min(d1, d2) / 2) stay with the wasm, which names them at run time.

import { FIELDS, field } from './fields.js';
import { METHODS } from '../lib/methods.js';

/** Keys that educator mode can hide or lock: every parameter, the methods and the presets. */
export const CONTROL_KEYS = Object.freeze([...FIELDS.map((f) => f.key), 'methods', 'presets']);

/** Longest raw value quoted in a message (longer ones are cut with "…"). */
const QUOTE_MAX = 40;

// A raw value as quoted in a message, cut when long.
function quote(raw) {
  const text = typeof raw === 'string' ? raw : JSON.stringify(raw) ?? String(raw);
  return text.length > QUOTE_MAX ? `${text.slice(0, QUOTE_MAX)}…` : text;
}

// Checks one raw value (text or number) of field `f`: {value} or {problem}.
export function checkValue(f, raw) {
  if (f.kind === 'select') {
    const ok = f.options.some(([v]) => v === raw);
    return ok ? { value: raw } : { problem: `is not one of ${f.options.map(([v]) => v).join(', ')}` };
  }
  const text = typeof raw === 'number' || typeof raw === 'string' ? String(raw).trim() : '';
  const value = Number(text);
  if (text === '' || !Number.isFinite(value)) return { problem: 'is not a number' };
  if (f.int && !Number.isInteger(value)) return { problem: 'is not a whole number' };
  if (value < f.min || value > f.max) return { problem: `is out of range ${f.min}–${f.max}` };
  return { value: value === 0 ? 0 : value }; // "-0" is 0: links and saved files write it as 0
}

// Checks a parameter the wasm knows but fields.js does not: only its type (number or text).
function checkUnlisted(fallback, raw) {
  if (typeof fallback !== 'number') return { value: String(raw) };
  const value = Number(raw);
  return String(raw).trim() !== '' && Number.isFinite(value) ? { value } : { problem: 'is not a number' };
}

// A list element or a list as text: strings as they are, anything else as JSON (never
// "[object Object]").
function asText(x) {
  return typeof x === 'string' ? x : JSON.stringify(x) ?? String(x);
}

// Splits a list given as "a,b" or ["a", "b"] into trimmed, non-empty, distinct names.
function names(raw) {
  const list = Array.isArray(raw) ? raw.map(asText) : (raw === undefined || raw === null ? '' : asText(raw)).split(',');
  return [...new Set(list.map((s) => s.trim()).filter(Boolean))];
}

// Checks the parameters: every known key present in `raw` replaces its default when valid.
function checkParams(raw, defaults, problems) {
  const params = { ...defaults };
  for (const [key, fallback] of Object.entries(defaults)) {
    if (raw[key] === undefined || raw[key] === null) continue;
    const f = field(key);
    const { value, problem } = f ? checkValue(f, raw[key]) : checkUnlisted(fallback, raw[key]);
    if (problem) problems.push({ key, text: `${key}=${quote(raw[key])} ${problem}`, fallback: `using the default ${fallback}` });
    else params[key] = value;
  }
  return params;
}

// Checks the method list: unknown names are dropped; none left means every method.
function checkMethods(raw, problems) {
  if (raw === undefined || raw === null || raw === '') return [...METHODS];
  const listed = names(raw);
  for (const m of listed.filter((m) => !METHODS.includes(m))) {
    problems.push({ key: 'methods', text: `methods: "${quote(m)}" is not a method (${METHODS.join(', ')})`, fallback: 'ignored' });
  }
  const methods = listed.filter((m) => METHODS.includes(m));
  if (methods.length) return methods;
  problems.push({ key: 'methods', text: 'methods names no known method', fallback: 'showing every method' });
  return [...METHODS];
}

// Checks a hide or lock list against the control keys; unknown keys are dropped.
function checkKeys(kind, raw, problems) {
  const listed = names(raw);
  for (const k of listed.filter((k) => !CONTROL_KEYS.includes(k))) {
    problems.push({ key: kind, text: `${kind}: "${quote(k)}" is not a control (${CONTROL_KEYS.join(', ')})`, fallback: 'ignored' });
  }
  return listed.filter((k) => CONTROL_KEYS.includes(k));
}

/**
 * Checks {params, methods, view, hide, lock} (each optional; params values may be text) against
 * `defaults` (the wasm's `defaultParams()`). Returns {params, methods, view, hide, lock,
 * problems}: the usable state and one {key, text, fallback} per bad value.
 */
export function checkState(raw, defaults) {
  const problems = [];
  const params = checkParams(raw.params ?? {}, defaults, problems);
  const methods = checkMethods(raw.methods, problems);
  let view = methods[0];
  if (raw.view !== undefined && raw.view !== null && raw.view !== '') {
    if (methods.includes(raw.view)) view = raw.view;
    else problems.push({ key: 'view', text: `view=${quote(raw.view)} is not one of the methods shown (${methods.join(', ')})`, fallback: `using ${view}` });
  }
  const hide = checkKeys('hide', raw.hide, problems);
  const lock = checkKeys('lock', raw.lock, problems);
  return { params, methods, view, hide, lock, problems };
}
