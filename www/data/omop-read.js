// OMOP CDM table exports in the data worker: the user's files matched to tables by name (the
// command line's rule, omopTableOf), each streamed with File.stream() (gunzipped with
// DecompressionStream when named .gz) into the core's OmopReader, the code behind
// `claime summarize --omop`. Nothing is read whole and nothing leaves the page.

import { OmopReader, omopDomains, omopIsGzip, omopSeveralExports, omopTableOf } from '../pkg/claime.js';
import { DataReply } from './protocol.js';
import { post, release } from '../lib/worker-side.js';

const PROGRESS_MS = 100;
// The tables the reader can take: concept, note and the domains' tables (the wasm loaded).
const readable = () => new Set(['concept', 'note', ...omopDomains().map((d) => d.table)]);

/** Splits files into OMOP tables ({table: [File]}) and the others, or null when none is one. */
export function splitOmop(files) {
  const tables = new Map();
  const others = [];
  const READ = readable();
  for (const f of files) {
    const t = omopTableOf(f.name);
    if (t && READ.has(t)) tables.set(t, [...(tables.get(t) ?? []), f]);
    else others.push(f);
  }
  return tables.size ? { tables, others } : null;
}

// A file's bytes as a stream of chunks, gunzipped when it is named .gz; `count(n)` hears the
// bytes read from the file (before gunzip), for the progress bar.
function chunks(file, count) {
  const counted = file.stream().pipeThrough(new TransformStream({
    transform(chunk, out) {
      count(chunk.byteLength);
      out.enqueue(chunk);
    },
  }));
  return omopIsGzip(file.name) ? counted.pipeThrough(new DecompressionStream('gzip')) : counted;
}

// Feeds one file to the reader as table `table`, posting progress.
async function feedFile(id, reader, table, file, step) {
  let bytes = 0;
  let last = 0;
  const stream = chunks(file, (n) => { bytes += n; }).getReader();
  reader.begin(table, file.name);
  try {
    for (;;) {
      let next;
      try {
        next = await stream.read();
      } catch (e) {
        throw new Error(`${file.name}: could not be read${omopIsGzip(file.name) ? ' as gzip' : ''} (${e.message || e}); expected a table export (.csv or .tsv, optionally .gz)`);
      }
      if (next.done) break;
      reader.feed(next.value);
      const now = performance.now();
      if (now - last > PROGRESS_MS) {
        last = now;
        post(id, DataReply.PROGRESS, { file: file.name, bytes, total: file.size, step });
      }
    }
  } catch (e) {
    await stream.cancel().catch(() => {});
    throw e;
  }
  reader.end();
  post(id, DataReply.PROGRESS, { file: file.name, bytes, total: file.size, step });
}

/** The domains to read, {codes, cuis}: the user's `choice`, unless it is the untouched default
 * (`choice.auto`) and names a domain whose table is not among `tables` while two others are:
 * then condition (else the first domain present) as codes and drug (else the next) as CUIs. */
export function domainChoice(tables, choice) {
  const present = omopDomains().filter((d) => tables.has(d.table)).map((d) => d.name);
  const wanted = [...choice.codes.split(','), ...choice.cuis.split(',')];
  if (!choice.auto || wanted.every((d) => present.includes(d)) || present.length < 2) return choice;
  const codes = present.includes('condition') ? 'condition' : present[0];
  const cuis = present.includes('drug') && codes !== 'drug' ? 'drug' : present.find((d) => d !== codes);
  return { codes, cuis };
}

/** Reads the OMOP tables `tables` (from splitOmop) with `codes` and `cuis` (comma lists of
 * domains); returns {reader, report, used: [file names], ignored: [file names]}. The caller
 * releases the reader. */
export async function readOmop(id, tables, codes, cuis) {
  const reader = new OmopReader(codes, cuis);
  try {
    const order = reader.tables();
    for (const [t, files] of tables) {
      if (files.length > 1 && order.includes(t)) throw omopSeveralExports(t, files.map((f) => f.name));
    }
    const used = [];
    for (const [k, t] of order.entries()) {
      const file = tables.get(t)?.[0];
      if (!file) {
        reader.missing(t); // throws the command line's message (concept is optional)
        continue;
      }
      await feedFile(id, reader, t, file, `table ${k + 1} of ${order.length}`);
      used.push(file.name);
    }
    const report = reader.finish();
    const ignored = [...tables].filter(([t]) => !order.includes(t)).flatMap(([, fs]) => fs.map((f) => f.name));
    return { reader, report, used, ignored };
  } catch (e) {
    release(reader);
    throw e;
  }
}
