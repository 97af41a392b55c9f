// The page state in the URL query (a permalink): every parameter that differs from the
// defaults, the methods, the alignment view and educator mode's hidden and locked controls.
// The only module that reads the page's address (the `page…` functions); sections read the
// state from state/store.js.
// Unknown keys are ignored; bad values are checked against fields.js (validate.js), named, and
// replaced by the defaults; cross-field rules are checked by the wasm when the run starts.

import { METHODS } from '../lib/methods.js';
import { CONTROL_KEYS, checkState } from './validate.js';

// Reads and checks a query string: {params, methods, view, hide, lock, problems} (validate.js).
export function checkQuery(search, defaults) {
  const query = new URLSearchParams(search);
  const params = {};
  for (const key of Object.keys(defaults)) {
    if (query.has(key)) params[key] = query.get(key);
  }
  const [methods, view, hide, lock] = ['methods', 'view', 'hide', 'lock'].map((k) => query.get(k) ?? undefined);
  return checkState({ params, methods, view, hide, lock }, defaults);
}

// Reads {params, methods, view} from a query string, using `defaults` for types and gaps.
export function readUrl(search, defaults) {
  const { params, methods, view } = checkQuery(search, defaults);
  return { params, methods, view };
}

// Reads educator mode's {hide, lock} key lists (unknown keys dropped; checkQuery names them).
export function readAccess(search) {
  const query = new URLSearchParams(search);
  const list = (k) => (query.get(k) ?? '').split(',').map((s) => s.trim()).filter((s) => CONTROL_KEYS.includes(s));
  return { hide: list('hide'), lock: list('lock') };
}

/** Written even at its default, so that a permalink always names a parameter: an address
 * without any opens the landing preset instead of the defaults (fields.js LANDING_PRESET). */
const ALWAYS_WRITTEN = 'signal';

// The query string of a state: what differs from the defaults (and the signal), then hide
// and lock.
export function toQuery({ params, methods, view, hide = [], lock = [] }, defaults) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (defaults[key] !== value || key === ALWAYS_WRITTEN) query.set(key, String(value));
  }
  if (methods.join(',') !== METHODS.join(',')) query.set('methods', methods.join(','));
  if (view !== methods[0]) query.set('view', view);
  if (hide.length) query.set('hide', hide.join(','));
  if (lock.length) query.set('lock', lock.join(','));
  const text = query.toString();
  return text ? `?${text}` : '';
}

// Replaces the address bar's query (no reload, no history entry).
export function writeUrl(state, defaults) {
  const query = toQuery(state, defaults);
  if (query === location.search) return;
  history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
}

// Reads and checks the page's own query against `defaults` (checkQuery).
export function checkPageQuery(defaults) {
  return checkQuery(location.search, defaults);
}

// Whether the page's query names any model parameter (without one, the page lands on the
// landing preset).
export function pageHasParams(defaults) {
  const query = new URLSearchParams(location.search);
  return Object.keys(defaults).some((key) => query.has(key));
}

// Reads {params, methods, view} from the page's own query.
export function readPageUrl(defaults) {
  return readUrl(location.search, defaults);
}

// Educator mode's {hide, lock} of the page's own query.
export function readPageAccess() {
  return readAccess(location.search);
}

// Whether the page's query turns debug mode on (`debug=1`: the fault tests' hook).
export function pageDebug() {
  return new URLSearchParams(location.search).get('debug') === '1';
}

// The page's address (with its query: the permalink of the current state).
export function pageAddress() {
  return location.href;
}

// The page's address without query or fragment.
export function pageBase() {
  return location.href.split(/[?#]/)[0];
}
