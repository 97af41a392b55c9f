// The "Your data" worker: reads the user's files (records CSV/TSV streamed in chunks, or
// claime-summary JSON), merges them across sites, fits CLAIME (and Concate and CL when the
// within-modality counts are there) and evaluates a pairs file. Nothing leaves the page.
//
// Page -> worker
//   {id, type: 'load', files: [File], p, pairs?: File}   read + merge + fit (+ evaluate)
//   {id, type: 'fit', p, pairs?: File}                    refit the loaded data (+ evaluate)
//   {id, type: 'evaluate', pairs: File}                   evaluate the current fits
//   {id, type: 'names'}                                   feature names of the loaded data
//   {id, type: 'neighbours', name, k}                     top-k neighbours in each fit
// Worker -> page
//   {id, type: 'progress', file, bytes, total, rows, patients}
//   {id, type: 'loaded', info}          info: {files, patients, codes, cuis, within, notes, reports}
//   {id, type: 'fitted', fit, vectors, metadata}   fit: {methods, singular_values, spectrum_svg, points, p}
//   {id, type: 'evaluated', evaluation, csv, pairs}
//   {id, type: 'feature-names', codes, cuis}
//   {id, type: 'neighbour-lists', lists}   lists: [{space: method, neighbours: [{name, modality, cosine}]}]
//   {id, type: 'error', message}        the worker keeps working afterwards

import init, { OwnData, RecordsReader } from './pkg/claime.js';

let wasmReady = null;
let data = null; // the OwnData of the last successful load

const SEED = 1;
const NEGATIVES = 10;
const PROGRESS_MS = 100;

function loadWasm() {
  wasmReady ??= init().catch((e) => {
    wasmReady = null;
    throw e;
  });
  return wasmReady;
}

const post = (id, type, fields = {}) => self.postMessage({ id, type, ...fields });

// Whether a file is a claime-summary JSON (its first non-blank character is `{`).
async function isSummary(file) {
  const head = await file.slice(0, 256).text();
  return head.trimStart().startsWith('{');
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
          reader.free();
          await stream.cancel();
          return readRecords(id, file, false);
        }
        throw e;
      }
      const now = performance.now();
      if (now - last > PROGRESS_MS) {
        last = now;
        post(id, 'progress', { file: file.name, total: file.size, ...reader.progress() });
      }
    }
  } catch (e) {
    reader.free();
    throw e;
  }
  post(id, 'progress', { file: file.name, total: file.size, ...reader.progress() });
  return reader;
}

// Fits the loaded data at rank p and evaluates the pairs file when there is one.
async function fitAndEvaluate(id, p, pairs) {
  const fit = data.fit(Math.max(1, Math.floor(Number(p) || 2)), BigInt(SEED), 560, 320);
  post(id, 'fitted', { fit, vectors: data.vectorsTsv('claime'), metadata: data.metadataTsv() });
  if (pairs) await onEvaluate({ id, pairs });
}

async function onLoad(msg) {
  await loadWasm();
  const files = [...(msg.files ?? [])];
  if (!files.length) throw new Error('no file chosen');
  const own = new OwnData();
  const reports = [];
  try {
    for (const file of files) {
      if (await isSummary(file)) {
        own.addSummary(file.name, await file.text());
      } else {
        const reader = await readRecords(msg.id, file);
        try {
          reports.push({ file: file.name, ...own.addRecords(reader) });
        } finally {
          reader.free();
        }
      }
    }
    const info = own.finish();
    data?.free();
    data = own;
    post(msg.id, 'loaded', { info: { ...info, reports } });
  } catch (e) {
    if (data !== own) own.free();
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
  const { evaluation, csv } = data.evaluate(file.name, await file.text(), NEGATIVES, BigInt(SEED));
  post(msg.id, 'evaluated', { evaluation, csv, pairs: file.name });
}

// Answers the feature names of the loaded data (the inspector's suggestions).
function onNames(msg) {
  if (!data) throw new Error('load records or summaries first');
  post(msg.id, 'feature-names', data.featureNames());
}

// Answers the neighbour lists of one feature in each fitted method.
function onNeighbours(msg) {
  if (!data) throw new Error('load records or summaries first');
  const k = Math.max(1, Math.min(200, Math.floor(Number(msg.k) || 10)));
  post(msg.id, 'neighbour-lists', { lists: data.neighbours(String(msg.name ?? ''), k) });
}

const handlers = { load: onLoad, fit: onFit, evaluate: onEvaluate, names: onNames, neighbours: onNeighbours };

self.addEventListener('message', async (event) => {
  const msg = event.data ?? {};
  try {
    const handler = handlers[msg.type];
    if (!handler) throw new Error(`data worker: unknown request type "${msg.type}"`);
    await handler(msg);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e?.message ?? e);
    post(msg.id, 'error', { message, fatal: e instanceof WebAssembly.RuntimeError });
  }
});
