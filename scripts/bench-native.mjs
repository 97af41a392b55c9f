// Native measurements for `npm run bench` (scripts/bench.mjs): criterion medians read from
// target/criterion/*/new/estimates.json, and timed runs of the release `claime` binary
// (summarising 10 million records, a reduced `claime experiment` for the full-grid estimate).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'target', 'release', 'claime');
/** Scratch folder for generated inputs (served by scripts/serve.mjs for the browser runs). */
export const WORK = join(ROOT, 'target', 'bench');
/** Records file: 10 million rows of the default model (examples/make_records.rs). */
export const RECORDS = join(WORK, 'records-10M.csv');
export const RECORD_ROWS = 10_000_000;

/** The criterion benchmarks of the summary table: [bench file, group/id]. */
export const CRITERION = {
  replicateClaime: { spike: ['replicate', 'replicate/claime_only/spike/d1000_n100000_p4'], ar1: ['replicate', 'replicate/claime_only/ar1/d1000_n100000_p4'] },
  replicateAll: { spike: ['replicate', 'replicate/all_methods/spike/d1000_n100000_p4'], ar1: ['replicate', 'replicate/all_methods/ar1/d1000_n100000_p4'] },
  fit: ['svd', 'svd/claime_fit/d1=3500_d2=1000_p=4'],
  svd: ['svd', 'svd/truncated_svd/d1=3500_d2=1000_p=4'],
  gdPass: ['train', 'train/claime_gd_pass/n=20000/d=1000/p=4'],
};

// Runs a command with inherited output; throws when it fails.
function run(cmd, args, what) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status ?? r.signal})`);
}

// The median of a list of numbers.
export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Wall time (ms) of one command run.
function wallMs(cmd, args) {
  const t0 = performance.now();
  execFileSync(cmd, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  return performance.now() - t0;
}

// Criterion's folder of a benchmark id (it replaces '/' by '_' below the group).
function criterionDir(id) {
  const [group, ...rest] = id.split('/');
  return join(ROOT, 'target', 'criterion', group, rest.join('_'), 'new');
}

/**
 * Reads one criterion estimate written after `since` (ms epoch): {ms, low, high} (median and
 * its 95 % interval, in ms). Throws when the file is missing or older (a stale result).
 */
export function criterionMedian(id, since) {
  const file = join(criterionDir(id), 'estimates.json');
  if (!existsSync(file)) throw new Error(`criterion wrote no ${file}`);
  if (statSync(file).mtimeMs < since) throw new Error(`${file} is older than this run (the benchmark did not run)`);
  const { median: m } = JSON.parse(readFileSync(file, 'utf8'));
  const ms = (ns) => ns / 1e6;
  return { ms: ms(m.point_estimate), low: ms(m.confidence_interval.lower_bound), high: ms(m.confidence_interval.upper_bound) };
}

/** Runs the criterion benches (replicate group, svd, train); `quick` passes criterion's --quick. */
export function runCriterion({ quick }) {
  const since = Date.now();
  const extra = quick ? ['--quick'] : [];
  run('cargo', ['bench', '--bench', 'replicate', '--', 'replicate/', ...extra], 'cargo bench --bench replicate');
  run('cargo', ['bench', '--bench', 'svd', '--', ...extra], 'cargo bench --bench svd');
  run('cargo', ['bench', '--bench', 'train', '--', ...extra], 'cargo bench --bench train');
  const read = ([, id]) => ({ id, ...criterionMedian(id, since) });
  const byNoise = (o) => ({ spike: read(o.spike), ar1: read(o.ar1) });
  return {
    replicateClaime: byNoise(CRITERION.replicateClaime),
    replicateAll: byNoise(CRITERION.replicateAll),
    fit: read(CRITERION.fit),
    svd: read(CRITERION.svd),
    gdPass: read(CRITERION.gdPass),
  };
}

/** Builds the release binary and the example that writes records. */
export function buildRelease() {
  run('cargo', ['build', '--release', '--bin', 'claime', '--example', 'make_records'], 'cargo build --release');
}

/** Writes the 10-million-row records file once (reused while it exists). */
export function ensureRecords(log) {
  mkdirSync(WORK, { recursive: true });
  if (existsSync(RECORDS)) return log(`reusing ${RECORDS}`);
  log(`writing ${RECORDS} (${RECORD_ROWS} rows, default model)`);
  run(join(ROOT, 'target', 'release', 'examples', 'make_records'), ['--rows', String(RECORD_ROWS), '--out', RECORDS], 'make_records');
}

/** Times `claime summarize` on the records file, `reps` times: {ms (median), runs, bytes}. */
export function summarizeMs(reps) {
  const out = join(WORK, 'records.summary.json');
  const runs = [];
  for (let r = 0; r < reps; r += 1) runs.push(wallMs(BIN, ['summarize', RECORDS, '--out', out]));
  rmSync(out, { force: true });
  return { ms: median(runs), runs, bytes: statSync(RECORDS).size };
}

/**
 * Wall time (ms, median of `reps`) of `claime run --methods claime` at `paper` scale under spike
 * and AR(1) noise with the simulation on `threads` threads: {spike, ar1}. Includes the process's
 * start and its JSON output, which criterion's figures do not.
 */
export function replicateThreadsMs(paper, threads, reps) {
  const out = {};
  for (const noise of ['spike', 'ar1']) {
    const flags = Object.entries({ ...paper, noise }).flatMap(([k, v]) => [`--${k.replace('_', '-')}`, String(v)]);
    const runs = [];
    for (let r = 0; r < reps; r += 1) runs.push(wallMs(BIN, ['run', '--json', '--methods', 'claime', '--threads', String(threads), ...flags]));
    out[noise] = median(runs);
  }
  return out;
}

/** Writes the real-size summary (d1 = 3500, d2 = 1000) that the numpy SVD task reads. */
export function writeRealSummary(real) {
  mkdirSync(WORK, { recursive: true });
  const prefix = join(WORK, 'real');
  const flags = ['--d1', real.d1, '--d2', real.d2, '--n', real.n, '--mean-t', real.mean_t, '--p', real.p, '--seed', 1].map(String);
  execFileSync(BIN, ['simulate', ...flags, '--out', prefix], { stdio: 'ignore' });
  return `${prefix}.summary.json`;
}

/** The singular values `claime run --json` reports for CLAIME at `params` (to check numpy's). */
export function nativeSpectrum(params) {
  const flags = Object.entries(params).flatMap(([k, v]) => [`--${k.replace('_', '-')}`, String(v)]);
  const report = JSON.parse(execFileSync(BIN, ['run', '--json', '--methods', 'claime', ...flags], { encoding: 'utf8' }));
  return report.methods.claime.spectrum;
}

/**
 * Times a reduced `claime experiment` (`reps` replicates on `threads` threads) for each
 * (experiment, noise) pair of `parts`; returns [{exp, noise, ms}]. Results go to a scratch CSV.
 */
export function experimentMs(parts, reps, threads = 1) {
  const out = join(WORK, 'grid.csv');
  const rows = parts.map(({ exp, noise }) => ({
    exp, noise, ms: wallMs(BIN, ['experiment', '--exp', exp, '--noise', noise, '--reps', String(reps), '--threads', String(threads), '--out', out]),
  }));
  rmSync(out, { force: true });
  return rows;
}

/**
 * Times `claime experiment --exp all` (the three experiments of a noise case as one job, the
 * shared default point computed once; how docs/reproduction.md runs the grid) with `reps`
 * replicates on `threads` threads, per noise case of `noises`; returns [{noise, ms}].
 */
export function experimentAllMs(noises, reps, threads) {
  const out = join(WORK, 'grid-{exp}.csv');
  const rows = noises.map((noise) => ({
    noise, ms: wallMs(BIN, ['experiment', '--exp', 'all', '--noise', noise, '--reps', String(reps), '--threads', String(threads), '--out', out]),
  }));
  for (const exp of ['n', 'd', 'noise']) rmSync(join(WORK, `grid-${exp}.csv`), { force: true });
  return rows;
}
