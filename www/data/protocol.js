// The messages between the "Your data" section (data/section.js) and its worker
// (data/worker.js), documented once. Every message is a plain object `{id, type, ...}`; the
// worker answers with the id of the request it is answering.
//
// Page -> worker
//   {id, type: 'load', files: [File], p, pairs?: File}   read + merge + fit (+ evaluate)
//   {id, type: 'fit', p, pairs?: File}                    refit the loaded data (+ evaluate)
//   {id, type: 'evaluate', pairs: File}                   evaluate the current fits
//   {id, type: 'names'}                                   feature names of the loaded data
//   {id, type: 'neighbours', name, k}                     top-k neighbours in each fit
//   {id, type: 'debug-fault', kind, debug}                hidden test hook: traps the wasm
//       ("panic", "oom"); refused unless `debug` is true (the page's URL has debug=1:
//       window.claimeDebug.dataFault(kind), explorer/debug.js)
// Worker -> page
//   {id, type: 'progress', file, bytes, total, rows, patients}
//   {id, type: 'loaded', info}          info: {files, patients, codes, cuis, within, notes, reports}
//   {id, type: 'fitted', fit, vectors, metadata}   fit: {methods, singular_values, spectrum_svg, points, p}
//   {id, type: 'evaluated', evaluation, csv, pairs}
//   {id, type: 'feature-names', codes, cuis}
//   {id, type: 'neighbour-lists', lists}   lists: [{space: method, neighbours: [{name, modality, cosine}]}]
//   {id, type: 'error', message, fatal}  the worker keeps working afterwards, unless `fatal`
//       (the wasm trapped): then the page terminates it, releasing its memory, and starts
//       a fresh one for the next request

/** Request types (page -> worker). */
export const DataReq = Object.freeze({
  LOAD: 'load', FIT: 'fit', EVALUATE: 'evaluate', NAMES: 'names', NEIGHBOURS: 'neighbours', DEBUG_FAULT: 'debug-fault',
});

/** Reply types (worker -> page). */
export const DataReply = Object.freeze({
  PROGRESS: 'progress', LOADED: 'loaded', FITTED: 'fitted', EVALUATED: 'evaluated',
  FEATURE_NAMES: 'feature-names', NEIGHBOUR_LISTS: 'neighbour-lists', ERROR: 'error',
});
