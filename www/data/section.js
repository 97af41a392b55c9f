// "Your data": the page side of the user's own records and summaries. Files chosen or dropped
// are handed to a dedicated worker (data/worker.js; messages in data/protocol.js), which
// summarises records in chunks, merges several files across sites, fits and evaluates. Nothing
// is uploaded: the page's CSP forbids connections, and the sample is a relative fetch of this
// page's own static files.

import { $, setBlobLink, statusLine } from '../lib/dom.js';
import { saveBlob } from '../lib/exports.js';
import { DataReply, DataReq } from './protocol.js';
import { renderEvaluation, renderScatter } from './render.js';
import { SAMPLE_NOTES, isPairs, sampleFiles } from './samples.js';
import { createInspector } from '../lib/inspector.js';
import { LABELS } from '../lib/methods.js';
import { wireDropZone } from './drop.js';
import { omopChoice, omopText, showOmopChoice, wireOmop } from './omop.js';
import { WorkerClient } from '../lib/worker-client.js';
const state = {
  client: null, current: null, files: [], pairs: null, loaded: false, omop: false, chosen: false, inspector: null, sample: null,
};

/** Shows a line in the section's status; `kind` is 'info', 'busy', 'done' or 'error'. */
const setStatus = statusLine('data-status', 'data');

// The section's worker client, its worker started on first use (and after a crash).
function client() {
  state.client ??= new WorkerClient(new URL('./worker.js', import.meta.url), {
    onReply,
    onError: (e) => {
      setStatus(`The data worker failed to start: ${e.message || 'is www/pkg built?'}`, 'error');
      state.client.terminate('the data worker failed');
    },
  });
  return state.client.started ? state.client : state.client.start();
}

// Sends a step of the load/fit/evaluate sequence; later replies to older steps are ignored.
function send(type, fields) {
  state.current = client().send(type, fields);
  return state.current;
}

// Sends a request answered by one reply, outside the load/fit/evaluate sequence.
function ask(type, fields = {}) {
  return client().ask(type, fields);
}

// The rank p of the input (at least 1).
const p = () => Math.max(1, Math.floor(Number($('data-p').value) || 2));

// Takes a list of files (records, summaries, maybe a pairs file) and starts the analysis;
// `sample`: the name of one of the page's samples (samples.js) when they are one.
async function takeFiles(list, sample = null) {
  const files = [];
  for (const f of list) {
    if (await isPairs(f)) state.pairs = f;
    else files.push(f);
  }
  if (!files.length && state.pairs && state.loaded) return evaluatePairs();
  if (!files.length) return setStatus('Choose at least one records or summary file.', 'error');
  state.files = files;
  clearResults();
  state.sample = sample;
  state.inspector.reset();
  const names = files.map((f) => f.name).join(', ');
  setStatus(`Reading ${names}${files.length > 1 ? ' (merged across sites)' : ''}…`, 'busy');
  send(DataReq.LOAD, { files, p: p(), pairs: state.pairs ?? undefined, omop: { ...omopChoice(), auto: !state.chosen } });
}

// Evaluates the loaded fits against the kept pairs file (or says what is missing).
function evaluatePairs() {
  if (!state.pairs) return;
  if (!state.loaded) return setStatus(`Pairs file ${state.pairs.name} kept: now choose records or summaries.`, 'info');
  setStatus(`Evaluating with ${state.pairs.name}…`, 'busy');
  $('data-eval').hidden = true; // the previous pairs file's table, until this one's arrives
  $('data-csv').hidden = true;
  send(DataReq.EVALUATE, { pairs: state.pairs });
}

// Hides the results of the previous data, and what was said about its files.
function clearResults() {
  state.loaded = false;
  state.omop = false;
  $('data-info').textContent = '';
  $('data-progress').value = 0;
  $('data-results').hidden = true;
  $('data-eval').hidden = true;
  for (const id of ['data-vectors', 'data-metadata', 'data-summary', 'data-csv']) $(id).hidden = true;
}

// Loads a sample cohort (samples.js) from the page's own files; the pairs file goes with its sample.
async function trySample(which) {
  setStatus('Loading the sample cohort from this page’s own files…', 'busy');
  state.pairs = null;
  try {
    await takeFiles(await sampleFiles(which), which);
  } catch (e) {
    setStatus(`Could not load the sample: ${e.message}`, 'error');
  }
}

// Shows how much of a records file has been read.
function onProgress(msg) {
  const pct = msg.total ? Math.min(100, (100 * msg.bytes) / msg.total) : 0;
  $('data-progress').value = pct / 100;
  if (msg.step) return setStatus(`OMOP ${msg.step}: ${msg.file}, ${pct.toFixed(0)}% read`, 'busy');
  setStatus(`${msg.file}: ${pct.toFixed(0)}% read, ${msg.rows} rows, ${msg.patients} patients, ${msg.codes} codes, ${msg.cuis} CUIs`, 'busy');
}

// Describes the loaded data (files, patients, features, which methods can fit) and offers its summary.
function onLoaded({ info }) {
  $('data-progress').value = 1;
  state.loaded = true;
  state.omop = Boolean(info.omop);
  if (info.omop && !state.chosen) showOmopChoice(info.omop);
  state.summaryName = info.omop && info.files.length === 1 ? 'omop.summary.json' : 'summary.json';
  $('data-summary').hidden = false;
  const within = info.within ? 'with within-modality counts: CLAIME, Concate and CL' : 'without within-modality counts: CLAIME only';
  const notes = (info.notes.length ? ` Note: ${info.notes.join(' ')}` : '') + (state.sample ? ` ${SAMPLE_NOTES[state.sample]}` : '');
  $('data-info').textContent = `${info.files.length} file${info.files.length > 1 ? 's' : ''} (${info.files.join(', ')}): `
    + `${Math.round(info.patients)} patients, ${info.codes} codes, ${info.cuis} CUIs, ${within}.${notes}`
    + (info.omop ? ` ${omopText(info.omop)}` : '');
  setStatus('Fitting…', 'busy');
}

// Shows the fit: spectrum, scatter, singular values and the projector files.
function onFitted({ fit, vectors, metadata }) {
  $('data-results').hidden = false;
  $('data-spectrum').innerHTML = fit.spectrum_svg; // SVG text rendered by our own Rust code
  renderScatter($('data-scatter'), fit.points);
  $('data-methods').textContent = fit.methods.map((m) => LABELS[m] ?? m).join(', ');
  $('data-sv').textContent = fit.singular_values.map((s) => s.toFixed(2)).join(', ');
  state.inspector.refresh();
  setBlobLink($('data-vectors'), vectors, 'vectors.tsv', 'text/tab-separated-values');
  setBlobLink($('data-metadata'), metadata, 'metadata.tsv', 'text/tab-separated-values');
  const more = state.pairs ? ' Evaluating…' : ' Choose a pairs file to evaluate.';
  setStatus(`Fitted ${fit.methods.map((m) => LABELS[m] ?? m).join(', ')} at p = ${fit.p}.${more}`, state.pairs ? 'busy' : 'done');
}

// Shows the evaluation table and its CSV link.
function onEvaluated({ evaluation, csv, pairs }) {
  $('data-eval').hidden = false;
  renderEvaluation($('data-eval-table'), evaluation);
  setBlobLink($('data-csv'), csv, 'evaluation.csv', 'text/csv');
  const all = evaluation.rows.find((r) => r.relation === 'all');
  setStatus(`Evaluated against ${pairs}: ${all ? `${all.found} of ${all.given} pairs found` : 'done'}.`, 'done');
}

// Ends a worker whose wasm trapped (terminating it releases its memory) and forgets its data;
// the next request starts a fresh worker.
function dropWorker() {
  state.client.terminate('the data worker crashed');
  clearResults();
  state.inspector.reset();
}

// Routes one reply: answers to `ask`, else steps of the current sequence.
function onReply(msg) {
  if (state.client.settle(msg)) {
    if (msg.type === DataReply.ERROR && msg.fatal) dropWorker();
    return;
  }
  if (msg.id !== state.current) return; // an older request, superseded
  const handlers = {
    [DataReply.PROGRESS]: onProgress, [DataReply.LOADED]: onLoaded, [DataReply.FITTED]: onFitted, [DataReply.EVALUATED]: onEvaluated,
  };
  if (msg.type === DataReply.ERROR) {
    if (!msg.fatal) return failed(msg.message);
    dropWorker();
    setStatus(`Error: the computation crashed (${msg.message}): a bug or memory exhausted. `
      + 'The data worker was stopped and its memory released; choose your files again.', 'error');
    return;
  }
  handlers[msg.type]?.(msg);
}

// Saves the loaded data's summary JSON, asked of the worker when clicked (it may be large).
async function saveSummary() {
  try {
    const { json } = await ask(DataReq.SUMMARY);
    saveBlob(new Blob([json], { type: 'application/json' }), state.summaryName ?? 'summary.json');
  } catch (e) {
    setStatus(`Could not save the summary: ${e.message}`, 'error');
  }
}

// Shows a failed step; a failed load leaves nothing of the previous files on screen.
function failed(message) {
  if (!state.loaded) clearResults();
  setStatus(`Error: ${message}`, 'error');
}

/** Asks the data worker to fail on purpose (the fault tests' hook: explorer/debug.js exposes it
 * only with debug=1 in the page's URL; data/protocol.js `debug-fault`). */
export function faultDataWorker(kind) {
  send(DataReq.DEBUG_FAULT, { kind: String(kind), debug: true });
}

// Wires the section; its worker starts with the first file.
function main() {
  if (!$('data')) return;
  wireDropZone($('data-drop'), takeFiles, (e) => setStatus(`Could not read the dropped folder: ${e.message}`, 'error'));
  state.inspector = createInspector($('data-inspector'), {
    idPrefix: 'data',
    fetchNames: () => ask(DataReq.NAMES),
    fetchNeighbours: (name, k) => ask(DataReq.NEIGHBOURS, { name, k }).then((r) => r.lists),
  });
  for (const id of ['data-files', 'data-folder']) {
    $(id).addEventListener('change', (e) => {
      const files = [...e.target.files];
      e.target.value = ''; // choosing the same file again fires `change` again
      if (files.length) takeFiles(files);
    });
  }
  wireOmop(() => { // OMOP tables are read again with the new domains
    state.chosen = true;
    if (state.omop) takeFiles(state.pairs ? [...state.files, state.pairs] : state.files);
  });
  $('data-pairs').addEventListener('change', (e) => {
    state.pairs = e.target.files[0] ?? null;
    evaluatePairs();
  });
  $('data-summary').addEventListener('click', saveSummary);
  $('data-sample').addEventListener('click', () => trySample('sample'));
  $('data-sample-eunomia').addEventListener('click', () => trySample('eunomia'));
  $('data-p').addEventListener('change', () => {
    if (!state.loaded) return;
    setStatus(`Refitting at p = ${p()}…`, 'busy');
    send(DataReq.FIT, { p: p(), pairs: state.pairs ?? undefined });
  });
  setStatus('No data yet: choose or drop files, or try the sample.', 'info');
}

main();
