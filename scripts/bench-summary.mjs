// The summary table of docs/benchmarks.md, written by `npm run bench` (scripts/bench.mjs): one
// row per task with the native, browser and numpy times and the ratios native / numpy and
// browser / native. The section "## Summary" is replaced (or inserted before the first other
// section); every other section of the file is kept.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

/** Shown where a column has no figure. */
const DASH = '—';

// A duration in ms as text: "850 ms", "2.31 s", "4.2 min" or "3.1 h".
export function fmtMs(ms) {
  if (!Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

// A ratio a / b as text with two decimals, or a dash when either side is missing.
function ratio(a, b) {
  return Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) : DASH;
}

// A native / numpy ratio with what it means: "0.21 (native 4.8× faster)", "1.11 (native 1.1× slower)".
function speedup(native, numpy) {
  const r = ratio(native, numpy);
  if (r === DASH) return r;
  return numpy >= native ? `${r} (native ${(numpy / native).toFixed(1)}× faster)` : `${r} (native ${(native / numpy).toFixed(1)}× slower)`;
}

// One table row from its label and the three times (ms; undefined = not measured).
function row(label, native, browser, numpy) {
  return `| ${label} | ${fmtMs(native)} | ${fmtMs(browser)} | ${fmtMs(numpy)} | ${speedup(native, numpy)} | ${ratio(browser, native)} |`;
}

/** The table rows of a run's figures `r` (see scripts/bench.mjs for its shape). */
export function tableRows(r) {
  const { native: n, browser: b, numpy: p } = r;
  const rows = [];
  for (const [noise, name] of [['spike', 'spike'], ['ar1', 'AR(1)']]) {
    rows.push(row(`one replicate, paper scale, ${name}: simulation, statistics, CLAIME fit, metrics`,
      n.replicateClaime[noise].ms, b.replicateClaime[noise].ms, p.replicate[noise].total_s * 1000));
  }
  for (const [noise, name] of [['spike', 'spike'], ['ar1', 'AR(1)']]) {
    rows.push(row(`the same, ${name}, each on all ${p.cores} cores: \`claime run --threads ${p.cores}\` (wall time, process start included; the same numbers), numpy with OpenBLAS on ${p.cores} threads`,
      n.allCores[noise], undefined, p.replicateAll[noise].total_s * 1000));
  }
  for (const [noise, name] of [['spike', 'spike'], ['ar1', 'AR(1)']]) {
    rows.push(row(`one replicate, paper scale, ${name}: CLAIME, Concate and CL (with within-modality counts)`,
      n.replicateAll[noise].ms, b.replicateAll[noise].ms));
  }
  rows.push(row(`CLAIME fit at the real-data size: PMI and rank-${r.real.p} SVD of ${r.real.d1} × ${r.real.d2}`,
    n.fit.ms, b.fit.ms, p.svd.total_s * 1000));
  rows.push(row(`rank-${r.real.p} truncated SVD alone, ${r.real.d1} × ${r.real.d2}`, n.svd.ms, undefined, p.svd.svd_s * 1000));
  rows.push(row('one full pass of CLAIME-GD, n = 20000, d1 = d2 = 500, p = 4', n.gdPass.ms, b.gdPass, p.gd.pass_s * 1000));
  rows.push(row(`summarise ${(r.records.rows / 1e6).toFixed(0)} million records (${Math.round(r.records.bytes / 1e6)} MB CSV, d1 = d2 = 500, with C11, C22)`,
    n.summarize.ms, b.summarize.ms));
  rows.push(row(`full grid, estimate: 3 experiments × 2 noise cases × 500 replicates (${r.grid.tasksFull.toLocaleString('en-US')} replicate-tasks), one thread`,
    r.grid.nativeMs, r.grid.browserMs));
  if (r.gridAll) {
    const noises = r.gridAll.runs.map((x) => x.noise).join(' and ');
    rows.push(row(`the same on all ${r.gridAll.cores} cores, as docs/reproduction.md runs it: \`claime experiment --exp all --threads ${r.gridAll.cores}\` for ${noises} (${r.gridAll.reps} replicates each, × 500 / ${r.gridAll.reps})${r.gridAll.quick ? ' (quick run: spike only, not the whole grid)' : ''}`,
      r.gridAll.ms, undefined));
  }
  return rows;
}

// The sources measured, as a sentence: the commit, and the times of the wasm and of the newest
// source file (a wasm older than the sources runs older code than the native column).
function sourcesLine(src) {
  if (!src) return '';
  const tree = `Sources: commit ${src.commit}${src.dirty ? ' with uncommitted changes under src/' : ''}`;
  const times = `the wasm files date from ${src.wasmBuilt} UTC and the newest file under src/ from ${src.srcChanged} UTC`;
  const advice = src.wasmStale ? ' (if the wasm was built before that change, the browser column measures older code: `npm run build:wasm` and rerun)' : '';
  return `${tree}; ${times}${advice}.`;
}

// The browser's cold first replicates, as text.
function coldLine(r) {
  const b = r.browser;
  if (b.replicateClaime.spike.cold === undefined) return 'not recorded';
  const part = (x, what) => `${fmtMs(x.spike.cold)} (spike) and ${fmtMs(x.ar1.cold)} (AR(1)) ${what}`;
  return `${part(b.replicateClaime, 'for CLAIME only')}, ${part(b.replicateAll, 'for all three methods')}`;
}

/** The "## Summary" section as Markdown. */
export function summarySection(r) {
  const m = r.machine;
  const gridFrom = r.grid.parts.map((x) => `${x.exp}/${x.noise}`).join(', ');
  return `## Summary (\`npm run bench\`)

Regenerated by \`npm run bench\` (setup, the wasm build, then \`node scripts/bench.mjs${r.quick ? ' --quick' : ''}\`) on ${r.date}: ${m.nproc} cores
(${m.model}), ${m.memGiB} GiB, ${m.os}; ${m.chromium}, headless; ${r.numpyVersion} (${m.python}), BLAS held to
${r.numpyThreads} thread${r.numpyThreads === 1 ? '' : 's'} except where a row says otherwise. Load average ${r.loadBefore} before and ${r.loadAfter} after
(the 2 cores may be shared with other work: treat single figures as ±20 %). The whole run took ${fmtMs(r.totalMs)}.
${sourcesLine(r.sources)}

| task | native (Rust) | browser (wasm, Chromium) | numpy | native / numpy | browser / native |
|---|---|---|---|---|---|
${tableRows(r).join('\n')}

How each figure is taken (all single-threaded unless said):

- **native**: criterion medians (\`cargo bench --bench replicate -- replicate/\`, \`--bench svd\`,
  \`--bench train\`; ids \`replicate/claime_only/*\`, \`replicate/all_methods/*\`, \`svd/claime_fit/*\`,
  \`svd/truncated_svd/*\`, \`train/claime_gd_pass/*\`); \`claime summarize\` wall time (median of
  ${r.records.reps}, reading and writing files included); the full grid is the wall time of \`claime experiment
  --reps ${r.grid.reps} --threads 1\` for ${gridFrom}, times ${r.grid.tasksFull} / ${r.grid.tasks} (its replicate-tasks at 500
  replicates over those it ran: one task is one simulated replicate with every method fitted at each grid point it
  serves; experiment n serves its five n from one replicate). The all-cores row is the wall time of one \`claime
  experiment --exp all --reps ${r.gridAll?.reps} --threads ${r.gridAll?.cores}\` per noise case (${(r.gridAll?.runs ?? []).map((x) => `${x.noise} ${(x.ms / 1000).toFixed(1)} s`).join(', ')}), the
  three experiments as one job with the default point computed once, times 500 / ${r.gridAll?.reps} (a job's tasks are
  proportional to its replicates); issue 5 asks for this figure to be at most one hour.
- **browser**: the release wasm in headless Chromium, medians of ${r.reps}: \`runOnce\` in the explorer's worker (the
  worker's own time, after its init and one cold run, so that like criterion's iterations the runs reuse memory that
  is already there; the cold first runs took ${coldLine(r)}); the real-size fit is that run's \`timings_ms.claime\`; the CLAIME-GD pass is
  \`TrainerSession.step\` (Training section below); summarising streams the file from the local server through
  \`RecordsReader\` into \`OwnData\` and writes the summary JSON, as the "Your data" section does; the grid runs the
  same tasks through \`ExperimentRunner.runTask\` one after another, extrapolated the same way.
- **numpy**: \`scripts/numpy_baseline.py\` (median of ${r.numpy.reps} processes per replicate): the model of model.md §2
  in chunks of 2000 patients (logits by one matrix product, inverse-CDF token sampling with one \`searchsorted\` per
  chunk, \`scipy.signal.lfilter\` for AR(1), counts by \`bincount\`, D12 by one matrix product per chunk), the PMI of
  §4 and \`scipy.sparse.linalg.svds\`; the real-size task reads the same summary file as the Rust benchmark
  (\`claime simulate --d1 ${r.real.d1} --d2 ${r.real.d2} --n ${r.real.n} --mean-t ${r.real.mean_t}\`), and its singular values agree
  with the Rust core's to ${r.numpy.svdAgreement.toExponential(1)} relative, which checks the numpy PMI; the GD pass uses
  \`scipy.sparse\` bags with the exact cross-patient term. numpy has no records reader or experiment runner here (${DASH}).

Issue 8 asks for native at least 10× faster than numpy per replicate and the browser within 1.5× native:
${r.verdict}
`;
}

/** Replaces (or inserts) the Summary section of `doc`, keeping every other section. */
export function writeSummary(doc, text) {
  const old = existsSync(doc) ? readFileSync(doc, 'utf8') : '# Benchmarks\n';
  const start = old.search(/^## Summary\b.*$/m);
  let out;
  if (start >= 0) {
    const rest = old.slice(start + 1).search(/^## /m);
    out = rest < 0 ? `${old.slice(0, start)}${text}` : `${old.slice(0, start)}${text}\n${old.slice(start + 1 + rest)}`;
  } else {
    const first = old.search(/^## /m);
    out = first < 0 ? `${old.trimEnd()}\n\n${text}` : `${old.slice(0, first)}${text}\n${old.slice(first)}`;
  }
  writeFileSync(doc, out.endsWith('\n') ? out : `${out}\n`);
}
