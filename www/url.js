// The page state in the URL query (a permalink): every parameter that differs from the
// defaults, the methods and the alignment view. Unknown keys are ignored; values are checked
// by the wasm when the run starts, so a bad value shows up in the status line.

import { METHODS } from './protocol.js';

// Reads {params, methods, view} from a query string, using `defaults` for types and gaps.
export function readUrl(search, defaults) {
  const query = new URLSearchParams(search);
  const params = { ...defaults };
  for (const [key, fallback] of Object.entries(defaults)) {
    const raw = query.get(key);
    if (raw === null) continue;
    params[key] = typeof fallback === 'number' ? Number(raw) : raw;
  }
  const listed = (query.get('methods') ?? '').split(',').filter((m) => METHODS.includes(m));
  const methods = listed.length ? listed : [...METHODS];
  const view = methods.includes(query.get('view')) ? query.get('view') : methods[0];
  return { params, methods, view };
}

// The query string of a state: only what differs from the defaults.
export function toQuery({ params, methods, view }, defaults) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (defaults[key] !== value) query.set(key, String(value));
  }
  if (methods.join(',') !== METHODS.join(',')) query.set('methods', methods.join(','));
  if (view !== methods[0]) query.set('view', view);
  const text = query.toString();
  return text ? `?${text}` : '';
}

// Replaces the address bar's query (no reload, no history entry).
export function writeUrl(state, defaults) {
  const query = toQuery(state, defaults);
  if (query === location.search) return;
  history.replaceState(null, '', `${location.pathname}${query}${location.hash}`);
}
