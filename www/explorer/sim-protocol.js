// The messages between the explorer's worker (explorer/worker.js, through sim-pool.js) and its
// simulation helpers (explorer/sim-worker.js), documented once. No ids: a helper serves one
// run at a time, and every answer names its run.
//
// Worker -> helper
//   {type: 'simulate', run, params, methods, stretches: [{index, from, to}]}
//       Simulates patients [from, to) of each stretch, in order (params, methods: as the
//       explorer's `run`); a newer message stops the current run at its next sub-chunk.
//   {type: 'cancel'}
//       Stops the current run at its next sub-chunk.
// Helper -> worker
//   {run, type: 'stats', index, stats}
//       Stretch `index`'s summary statistics as one transferred Float64Array (`exportStats`).
//   {run, type: 'error', message, fatal}
//       fatal: a trapped module; sim-pool.js then replaces the helper.

/** Message types, both ways. */
export const Sim = Object.freeze({ SIMULATE: 'simulate', CANCEL: 'cancel', STATS: 'stats', ERROR: 'error' });
