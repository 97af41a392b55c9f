// The pool of simulation helpers (sim-worker.js) that the explorer's worker (worker.js) feeds
// its runs from. After a run's first snapshot, the stretch of patients up to each later snapshot
// point is split between the helpers, one part each, so the simulation uses every core; the
// patient stream is cut in blocks (`patientBlock()` patients, src/rng.rs), so a helper moved to
// any patient draws the same patients as one simulation from the start, and the statistics are
// counts, so their sum is the same in any order. The worker adds the parts of each stretch and
// refits: the snapshots equal those of a worker that simulates everything itself. Messages:
// explorer/sim-protocol.js.

import { Sim } from './sim-protocol.js';

/** At most this many helpers, however many cores (a run has at most a few dozen stretches). */
const MOST_HELPERS = 4;

const helpers = []; // the started helpers, in the order of their parts
let feed = null; // the open feed (at most one: one run at a time)

// How many helpers a run uses: one per core, at least one.
function poolSize() {
  const cores = Number(self.navigator?.hardwareConcurrency) || 2;
  return Math.max(1, Math.min(MOST_HELPERS, cores));
}

// Starts the missing helpers; returns the pool, empty where a worker cannot start workers (the
// explorer's worker then simulates by itself).
function startHelpers() {
  if (typeof Worker === 'undefined') return helpers;
  while (helpers.length < poolSize()) {
    let helper;
    try {
      helper = new Worker(new URL('./sim-worker.js', import.meta.url), { type: 'module' });
    } catch {
      break;
    }
    helper.addEventListener('message', ({ data }) => {
      if (data?.type === Sim.ERROR && data.fatal) dropHelper(helper);
      if (feed?.id === data?.run) feed.push(data);
    });
    helper.addEventListener('error', (e) => {
      e.preventDefault?.();
      feed?.push({ type: Sim.ERROR, message: `a simulation helper failed: ${e.message ?? 'it could not start'}` });
      dropHelper(helper);
    });
    helpers.push(helper);
  }
  return helpers;
}

// Ends one helper (after a crash); the next run starts a fresh one in its place.
function dropHelper(helper) {
  helper.terminate();
  const at = helpers.indexOf(helper);
  if (at >= 0) helpers.splice(at, 1);
}

// Splits patients [from, to) into at most `parts` stretches, cut at multiples of `block` (any
// cut gives the same patients; one inside a block costs the patients before it in the block).
export function splitStretch(from, to, parts, block) {
  const cuts = [from];
  for (let j = 1; j < parts; j++) {
    const cut = Math.round((from + ((to - from) * j) / parts) / block) * block;
    cuts.push(Math.min(to, Math.max(cuts.at(-1), cut)));
  }
  cuts.push(to);
  return cuts.slice(1).map((cut, j) => [cuts[j], cut]).filter(([a, b]) => b > a);
}

// Stops the open feed (its run is cancelled or superseded) and the helpers' current work.
export function closeFeed() {
  feed?.close();
  feed = null;
  for (const helper of helpers) helper.postMessage({ type: Sim.CANCEL });
}

// Has the helpers simulate run `id` from `points[0]` along the later `points` and opens its
// feed: `next()` resolves to the flat statistics buffers of the next stretch (one per part, all
// of them), or to null once the feed is closed, and throws a helper's error. Returns the feed,
// or null when no helper can start. `block`: patients per block of the patient stream.
export function openFeed(id, params, methods, points, block) {
  closeFeed();
  const pool = startHelpers();
  if (!pool.length) return null;
  const stretches = []; // per stretch between two points: {want: parts, got: buffers}
  const work = pool.map(() => []); // per helper: its parts, in order
  for (let k = 1; k < points.length; k++) {
    const parts = splitStretch(points[k - 1], points[k], pool.length, block);
    stretches.push({ want: parts.length, got: [] });
    parts.forEach(([from, to], j) => work[j].push({ index: k - 1, from, to }));
  }
  let failure = null;
  let closed = false;
  let wake = null;
  let next = 0; // the stretch to hand out next
  const own = {
    id,
    push(item) {
      if (item.type === Sim.ERROR) failure ??= item.message;
      else stretches[item.index]?.got.push(item.stats);
      wake?.();
    },
    close() {
      closed = true;
      wake?.();
    },
    async next() {
      for (;;) {
        if (closed) return null;
        if (failure !== null) throw new Error(failure);
        const stretch = stretches[next];
        if (stretch && stretch.got.length === stretch.want) {
          next += 1;
          return stretch.got;
        }
        await new Promise((resolve) => {
          wake = resolve;
        });
        wake = null;
      }
    },
  };
  feed = own;
  pool.forEach((helper, j) => {
    if (work[j].length) helper.postMessage({ type: Sim.SIMULATE, run: id, params, methods, stretches: work[j] });
  });
  return own;
}

// Closes `own` if it is still the open feed (its run ended).
export function endFeed(own) {
  own?.close();
  if (feed === own) feed = null;
}
