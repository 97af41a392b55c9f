// The "Your data" worker: reads the user's files (records CSV/TSV streamed in chunks,
// claime-summary JSON, or OMOP CDM table exports: data/omop-read.js), merges them across sites, fits CLAIME (and Concate and CL when the
// within-modality counts are there) and evaluates a pairs file. Nothing leaves the page.
//
// Messages: data/protocol.js.

import init, { debugFault, OwnData, RecordsReader } from '../pkg/claime.js';
import { DataReply, DataReq } from './protocol.js';
import { readText } from '../lib/files.js';
import { domainChoice, readOmop, splitOmop } from './omop-read.js';
import { loadOnce, post, release, serve } from '../lib/worker-side.js';

let data = null; // the OwnData of the last successful load

const SEED = 1;
const NEGATIVES = 10;
const PROGRESS_MS = 100;

/** Loads the wasm the first time; later calls reuse the same promise. */
const loadWasm = loadOnce(() => init());

// Whether a file is JSON (its first non-blank character is `{` or `[`): a claime-summary, or
// refused by the core as not one (never read as records).
async function isSummary(file) {
  const head = (await file.slice(0, 256).text()).trimStart();
  return head.startsWith('{') || head.startsWith('[');
}

// Streams a records file into a RecordsReader; reads it again ungrouped when needed.
async function readRecords(id, file, grouped = true) {
  const reader = new RecordsReader(file.name, grouped);
  const stream = file.stream().getReader();
  let last = 0;
  try {
    for (;;) {
      const { done, value } = await stream.read();
      if (done) break;
      try {
        reader.feed(value);
      } catch (e) {
        if (grouped && reader.notGrouped()) {
          release(reader);
          await stream.cancel();
          return readRecords(id, file, false);
        }
        throw e;
      }
      const now = performance.now();
      if (now - last > PROGRESS_MS) {
        last = now;
        post(id, DataReply.PROGRESS, { file: file.name, total: file.size, ...reader.progress() });
      }
    }
  } catch (e) {
    release(reader); // after a trap free() throws too: the trap is the error to report
    throw e;
  }
  post(id, DataReply.PROGRESS, { file: file.name, total: file.size, ...reader.progress() });
  return reader;
}

// Fits the loaded data at rank p and evaluates the pairs file when there is one.
async function fitAndEvaluate(id, p, pairs) {
  const fit = data.fit(Math.max(1, Math.floor(Number(p) || 2)), BigInt(SEED), 560, 320);
  post(id, DataReply.FITTED, { fit, vectors: data.vectorsTsv('claime'), metadata: data.metadataTsv() });
  if (pairs) await onEvaluate({ id, pairs });
}

// Reads the OMOP tables among `files` into `own` as one site; returns the summaries among the
// other files (further sites) and what to report ({report, used, ignored, codes, cuis}; null
// without OMOP tables). Other files are left out, as \`claime summarize --omop DIR\` leaves
// out the other files in DIR, and named.
async function addOmop(id, own, files, choice) {
  const split = splitOmop(files);
  if (!split) return { others: files, omop: null };
  if (choice?.error) throw new Error(choice.error);
  const others = [];
  const skipped = [];
  for (const f of split.others) (await isSummary(f) ? others : skipped).push(f);
  const { codes, cuis } = domainChoice(split.tables, choice ?? { codes: 'condition', cuis: 'drug', auto: true });
  const { reader, report, used, ignored } = await readOmop(id, split.tables, codes, cuis);
  try {
    own.addOmop(`OMOP CDM (${used.join(', ')})`, reader);
    return { others, omop: { report, used, ignored: [...ignored, ...skipped.map((f) => f.name)], codes, cuis } };
  } finally {
    release(reader);
  }
}

async function onLoad(msg) {
  await loadWasm();
  const chosen = [...(msg.files ?? [])];
  if (!chosen.length) throw new Error('no file chosen');
  const own = new OwnData();
  const reports = [];
  try {
    const { others: files, omop } = await addOmop(msg.id, own, chosen, msg.omop);
    for (const file of files) {
      if (await isSummary(file)) {
        own.addSummary(file.name, await readText(file));
      } else {
        const reader = await readRecords(msg.id, file);
        try {
          reports.push({ file: file.name, ...own.addRecords(reader) });
        } finally {
          release(reader);
        }
      }
    }
    const info = own.finish();
    release(data);
    data = own;
    post(msg.id, DataReply.LOADED, { info: { ...info, reports, omop } });
  } catch (e) {
    if (data !== own) release(own); // a trapped `own` is still borrowed: free() would throw
    throw e;
  }
  await fitAndEvaluate(msg.id, msg.p, msg.pairs);
}

async function onFit(msg) {
  await loadWasm();
  if (!data) throw new Error('load records or summaries first');
  await fitAndEvaluate(msg.id, msg.p, msg.pairs);
}

async function onEvaluate(msg) {
  await loadWasm();
  if (!data) throw new Error('load records or summaries first');
  const file = msg.pairs;
  const { evaluation, csv } = data.evaluate(file.name, await readText(file), NEGATIVES, BigInt(SEED));
  post(msg.id, DataReply.EVALUATED, { evaluation, csv, pairs: file.name });
}

// Answers the feature names of the loaded data (the inspector's suggestions).
function onNames(msg) {
  if (!data) throw new Error('load records or summaries first');
  post(msg.id, DataReply.FEATURE_NAMES, data.featureNames());
}

// Answers the loaded data's summary JSON (a merge of one summary writes its bytes unchanged, so
// one OMOP input gives the file `claime summarize --omop` writes).
function onSummary(msg) {
  if (!data) throw new Error('load records or summaries first');
  post(msg.id, DataReply.SUMMARY_JSON, { json: data.summaryJson() });
}

// Answers the neighbour lists of one feature in each fitted method.
function onNeighbours(msg) {
  if (!data) throw new Error('load records or summaries first');
  const k = Math.max(1, Math.min(200, Math.floor(Number(msg.k) || 10)));
  post(msg.id, DataReply.NEIGHBOUR_LISTS, { lists: data.neighbours(String(msg.name ?? ''), k) });
}

// Fails on purpose (the fault tests' hidden hook), only when the page passed `debug: true`
// (its URL has debug=1). "panic" traps the wasm, "oom" grows its memory until it traps.
async function onDebugFault(msg) {
  if (msg.debug !== true) throw new Error('data worker: debug-fault is available only with debug=1 in the page URL');
  await loadWasm();
  debugFault(String(msg.kind ?? ''));
}

const handlers = {
  [DataReq.LOAD]: onLoad, [DataReq.FIT]: onFit, [DataReq.EVALUATE]: onEvaluate, [DataReq.NAMES]: onNames, [DataReq.NEIGHBOURS]: onNeighbours, [DataReq.SUMMARY]: onSummary,
  [DataReq.DEBUG_FAULT]: onDebugFault,
};

serve('data worker', handlers);
