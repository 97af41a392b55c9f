// The explorer's fits handed to the training worker as its trainers' SVD solutions (the
// `references` of the `train` message, docs/decisions.md), so that it does not fit them again
// (CL's fit takes seconds at d1 = d2 = 2500).

import { getState } from '../state/store.js';

let given = null; // the JSON of the parameters whose fits the worker was given last

// The explorer's fits at the parameters `json` (its latest finished run's, when it had them);
// undefined when there are none, or when the worker holds them already (`same`: it keeps its
// session for the same parameters, and with it what it was given).
export function referencesFor(json, same) {
  const finished = getState().finished;
  if (!finished?.references?.length || JSON.stringify(finished.params) !== json) return undefined;
  if (same && given === json) return undefined;
  given = json;
  return finished.references;
}
