// The page's one store of state: the explorer's parameters, methods and alignment view, educator
// mode's hidden and locked controls, and the defaults of the wasm (`defaultParams()`,
// `defaultExperimentSpec()`, `defaultRegimeSpec()`). main.js writes it; the sections read it
// and subscribe to it, and never read the URL themselves (state/url.js does).

import { readPageUrl } from './url.js';

const state = {
  params: null, // the parameters of the latest run started (null before the first)
  // the latest run that finished: {params, references}, its fits at all n patients as the
  // trainers' SVD solutions (the `references` of the worker's `done`)
  finished: null,
  methods: [],
  view: 'claime',
  access: { hide: [], lock: [] },
  defaults: null, // defaultParams()
  landing: null, // presetParams(LANDING_PRESET): what an address without parameters opens
  experimentDefaults: null, // defaultExperimentSpec()
  regimeDefaults: null, // defaultRegimeSpec()
};
const listeners = new Set();

// The current state (read only: change it with `update`).
export function getState() {
  return state;
}

// Changes some fields and tells every subscriber, in the order they subscribed.
export function update(patch) {
  Object.assign(state, patch);
  for (const listener of listeners) listener(state, patch);
}

// Calls `listener(state, patch)` after every update; returns the function that unsubscribes.
export function subscribe(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// The explorer's current parameters: those of its latest run, or before its first run the
// page address's (checked against `defaults`, the caller's defaultParams()).
export function currentParams(defaults) {
  return state.params ?? readPageUrl(defaults).params;
}
