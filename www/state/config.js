// The configuration file: the whole state of the explorer (parameters, methods, view) saved as
// JSON and loaded back. A loaded file is checked field by field against fields.js (validate.js);
// a file with any bad field is refused, and the refusal names every bad field. The buttons that
// save and load it: teaching/config-file.js.

import { FIELDS } from './fields.js';
import { checkState } from './validate.js';

/** The `format` tag of a configuration file. */
export const CONFIG_FORMAT = 'claime-explorer-config';
/** Top-level fields a configuration may have. */
const TOP_KEYS = ['format', 'version', 'params', 'methods', 'view'];

// The configuration of a state as JSON text: {format, version, params, methods, view}.
export function configJson({ params, methods, view }) {
  return `${JSON.stringify({ format: CONFIG_FORMAT, version: 1, params, methods, view }, null, 2)}\n`;
}

// A JSON value as quoted in a message ("text", 12, {"a":1}), cut after 40 characters.
function quoted(value) {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

// Whether a value is a plain object (not null, not an array).
function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads a configuration file's text against `defaults`; returns {state: {params, methods, view}}
 * or {error} naming every bad field. Missing parameters take their defaults.
 */
export function parseConfig(text, defaults) {
  let raw;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { error: `not JSON (${e.message})` };
  }
  if (!isObject(raw)) return { error: 'expected a JSON object with params, methods and view' };
  if (raw.format !== undefined && raw.format !== CONFIG_FORMAT) return { error: `format ${quoted(raw.format)} is not ${CONFIG_FORMAT}` };
  if (!isObject(raw.params)) return { error: 'params: missing or not an object' };
  const problems = Object.keys(raw).filter((k) => !TOP_KEYS.includes(k)).map((k) => `${k} is not a configuration field`);
  const known = new Set([...FIELDS.map((f) => f.key), ...Object.keys(defaults)]);
  problems.push(...Object.keys(raw.params).filter((k) => !known.has(k)).map((k) => `params.${k} is not a parameter`));
  const checked = checkState({ params: raw.params, methods: raw.methods, view: raw.view }, defaults);
  problems.push(...checked.problems.map((p) => p.text));
  if (raw.methods !== undefined && !Array.isArray(raw.methods) && typeof raw.methods !== 'string') {
    problems.push('methods: expected a list of method names');
  }
  if (problems.length) return { error: problems.join('; ') };
  const { params, methods, view } = checked;
  return { state: { params, methods, view } };
}
