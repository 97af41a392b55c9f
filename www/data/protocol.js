// The messages between the "Your data" section (data/section.js) and its worker
// (data/worker.js), documented once. Every message is a plain object `{id, type, ...}`; the
// worker answers with the id of the request it is answering.
//
// Page -> worker
//   {id, type: 'load', files: [File], p, pairs?: File, omop?: {codes, cuis, auto}}
//                                                         read + merge + fit (+ evaluate); files
//       named after OMOP CDM tables are read as one site, with the domains `codes` and `cuis`
//       (comma lists, as `claime summarize --omop`; default condition and drug); `auto`: the
//       user has not chosen, so domains whose tables are absent give way to present ones
//   {id, type: 'fit', p, pairs?: File}                    refit the loaded data (+ evaluate)
//   {id, type: 'evaluate', pairs: File}                   evaluate the current fits
//   {id, type: 'names'}                                   feature names of the loaded data
//   {id, type: 'summary'}                                 the loaded data's claime-summary JSON
//   {id, type: 'neighbours', name, k}                     top-k neighbours in each fit
//   {id, type: 'debug-fault', kind, debug}                hidden test hook: traps the wasm
//       ("panic", "oom"); refused unless `debug` is true (the page's URL has debug=1:
//       window.claimeDebug.dataFault(kind), explorer/debug.js)
// Worker -> page
//   {id, type: 'progress', file, bytes, total, rows, patients}   (OMOP tables: file, bytes, total, step)
//   {id, type: 'loaded', info}          info: {files, patients, codes, cuis, within, notes, reports,
//       omop: null | {report, used, ignored, codes, cuis}}
//   {id, type: 'summary-json', json}    the summary of the loaded files, merged (one OMOP input: the
//       bytes `claime summarize --omop` writes)
//   {id, type: 'fitted', fit, vectors, metadata}   fit: {methods, singular_values, spectrum_svg, points, p}
//   {id, type: 'evaluated', evaluation, csv, pairs}
//   {id, type: 'feature-names', codes, cuis}
//   {id, type: 'neighbour-lists', lists}   lists: [{space: method, neighbours: [{name, modality, cosine}]}]
//   {id, type: 'error', message, fatal}  the worker keeps working afterwards, unless `fatal`
//       (the wasm trapped): then the page terminates it, releasing its memory, and starts
//       a fresh one for the next request

/** Request types (page -> worker). */
export const DataReq = Object.freeze({
  LOAD: 'load', FIT: 'fit', EVALUATE: 'evaluate', NAMES: 'names', NEIGHBOURS: 'neighbours', SUMMARY: 'summary',
  DEBUG_FAULT: 'debug-fault',
});

/** Reply types (worker -> page). */
export const DataReply = Object.freeze({
  PROGRESS: 'progress', LOADED: 'loaded', FITTED: 'fitted', EVALUATED: 'evaluated',
  FEATURE_NAMES: 'feature-names', NEIGHBOUR_LISTS: 'neighbour-lists', SUMMARY_JSON: 'summary-json', ERROR: 'error',
});
