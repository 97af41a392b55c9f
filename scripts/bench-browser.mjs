#!/usr/bin/env node
// Browser benchmark (not a test): in headless Chromium, measures
//   (a) navigation -> first complete snapshot on screen (table and charts), and -> run done,
//       at the default settings and at the paper's scale, on the built site (dist/, as
//       deployed, served from a sub-path): returning visits (its service worker answers from
//       the cache) and first visits (a fresh browser profile each);
//   (b) one whole replicate at the paper's scale via `runOnce` in the worker against the
//       native `claime run --json` with the same parameters (ratio browser / native);
//   (c) the gzipped size of the .wasm.
// Writes the figures into the "Browser" section of docs/benchmarks.md (other sections kept).
// Usage: node scripts/bench-browser.mjs [--reps N]   (npm run bench:browser)
//        node scripts/bench-browser.mjs --visits-only [--reps N]: only the page loads of (a)
//        (first and repeat visits at the landing) and a control change to the first updated
//        chart (the signal typed, a method ticked), printed, docs/benchmarks.md left alone;
//        --query '?signal=1' loads that address instead of the bare one (the landing).
// scripts/bench.mjs imports `measureBrowser` (the figures as an object) and `writeBrowserSection`.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launch } from '../tests/e2e/helpers.mjs';
import { buildDist } from './build-dist.mjs';
import { startServer } from './serve.mjs';
import { REAL, TRAIN, ownFitMs, realSizeSummary, trainPassMs, trainingFps } from './bench-pages.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DOC = join(ROOT, 'docs', 'benchmarks.md');
const WASM = join(ROOT, 'www', 'pkg', 'claime_bg.wasm');
/** The explorer's module: what the page's first run downloads (scripts/build-wasm.mjs). */
const WASM_EXPLORER = join(ROOT, 'www', 'pkg-explorer', 'claime_bg.wasm');
const BIN = join(ROOT, 'target', 'release', 'claime');
/** The paper's scale: d1 = d2 = 500, n = 100000, p = 4, AR(1) noise, all three methods. */
const PAPER = { d1: 500, d2: 500, n: 100000, p: 4, noise: 'ar1' };

// Prints one line prefixed with the script's name.
function say(msg) {
  console.log(`[bench-browser] ${msg}`);
}

// The median of a list of numbers.
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// Runs in the page before its scripts: records long tasks (> 50 ms) and, from a
// MutationObserver, when the first complete snapshot is on screen and when the run is done.
function watchPage() {
  const bench = { longTasks: [], first: null, done: null };
  window.__bench = bench;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) bench.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => {
    const rows = document.querySelectorAll('#metrics tbody tr').length;
    if (bench.first === null && rows > 0 && document.querySelectorAll('.chart svg').length === 5) bench.first = performance.now();
    if (bench.done === null && document.getElementById('views')?.dataset.state === 'done') bench.done = performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state'] });
}

// Reads the page's record (runs in the page): {first, done, longest}, where longest is the
// longest main-thread task from the start of the run to its end (0 when none was over 50 ms).
function readBench() {
  const { first, done, longTasks } = window.__bench;
  const start = performance.getEntriesByName('claime:run-start')[0]?.startTime ?? 0;
  const during = longTasks.filter(([t]) => t >= start && (done === null || t <= done)).map(([, d]) => d);
  return { first, done, longest: Math.max(0, ...during) };
}

// Opens the page at `query` and times (from navigation start) the first complete snapshot on
// screen and the end of the run. Polls from Node every 250 ms (a tiny task), so the page's own
// long tasks are not polluted by the measurement.
async function pageTimes(context, url, query) {
  const page = await context.newPage();
  await page.addInitScript(watchPage);
  await page.goto(`${url}${query}`);
  const deadline = Date.now() + 300_000;
  let record = await page.evaluate(readBench);
  while (record.done === null) {
    if (Date.now() > deadline) throw new Error(`run at ${query || 'defaults'} did not finish`);
    await new Promise((r) => setTimeout(r, 250));
    record = await page.evaluate(readBench);
  }
  await page.close();
  return record;
}

// Runs in the page: one `runOnce` replicate in a fresh worker; resolves to the worker's ms.
async function workerOnce(params) {
  const worker = new Worker('../../www/explorer/worker.js', { type: 'module' });
  const reply = await new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.type === 'error') reject(new Error(data.message));
      if (data.id === 2) resolve(data);
    };
    worker.postMessage({ id: 1, type: 'init' });
    worker.postMessage({ id: 2, type: 'once', params, methods: 'claime,concate,cl' });
  });
  worker.terminate();
  return reply.ms;
}

// One native replicate with the same parameters, on one thread like `runOnce` in the worker;
// returns its wall time in ms.
function nativeOnce(params) {
  const flags = Object.entries(params).flatMap(([k, v]) => [`--${k.replace('_', '-')}`, String(v)]);
  const t0 = performance.now();
  execFileSync(BIN, ['run', '--json', '--threads', '1', '--methods', 'claime,concate,cl', ...flags], { encoding: 'utf8' });
  return performance.now() - t0;
}

// Machine description: cores, CPU model, load average.
function machine() {
  const info = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  const model = info.match(/model name\s*:\s*(.+)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
  const chromium = spawnSync('chromium', ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? 'chromium';
  return { nproc: cpus().length, model, chromium };
}

// The "Browser" section of docs/benchmarks.md as Markdown.
// A trainer's redraw rate as the table gives it (trainingFps): with its steps per second, and
// the window it was measured over when it converged and paused itself first.
function fpsText(t) {
  const stopped = t.converged ? `; it converged and paused itself ${t.seconds.toFixed(1)} s into the window` : '';
  return `${t.fps.toFixed(1)} fps (${Math.round(t.stepsPerSecond)} steps/s${stopped})`;
}

function section(r) {
  const f = (ms) => `${Math.round(ms)} ms`;
  const REPS = r.reps;
  return `## Browser

Measured by \`npm run bench:browser\` (\`node scripts/bench-browser.mjs --reps ${REPS}\`) on
${r.date}: ${r.machine.nproc} cores (${r.machine.model}), ${r.machine.chromium}, headless;
load average ${r.loadBefore} before and ${r.loadAfter} after (the 2 cores are shared with
other builds, so treat single figures as ±20 %). Medians of ${REPS} runs.

| what | figure | target (issue 3) |
|---|---|---|
| navigation → first complete snapshot on screen, defaults (d1 = d2 = 500, n = 20000) | ${f(r.defaults.first)} | ≤ 1500 ms |
| the same on a first visit (a fresh browser profile: nothing cached, no service worker yet) | ${f(r.firstVisit.first)} | ≤ 1500 ms |
| navigation → run done, defaults (5 snapshots, every method refit at each) | ${f(r.defaults.done)} | |
| navigation → first snapshot, paper scale (n = 100000, AR(1)) | ${f(r.paper.first)} | |
| navigation → run done, paper scale (n = 100000, AR(1), 5 snapshots) | ${f(r.paper.done)} | ≤ 4000 ms |
| one replicate, paper scale, \`runOnce\` in the worker | ${f(r.once.browser)} | ≤ 4000 ms |
| same replicate, native \`claime run --json\` (wall, incl. process start) | ${f(r.once.native)} | |
| browser / native | ${r.once.ratio.toFixed(2)} | ≤ 1.5 |
| longest main-thread task during a run, worst of the runs (defaults / paper scale; 0 = none over 50 ms) | ${f(r.defaults.longest)} / ${f(r.paper.longest)} | < 50 ms |
| the explorer's .wasm (www/pkg-explorer), gzip -9 | ${(r.explorerGzip / 1024).toFixed(1)} KiB (${(r.explorerRaw / 1024).toFixed(1)} KiB raw) | ≤ 400 KB |
| the full .wasm (www/pkg: training, your data, experiments; loaded on first use), gzip -9 | ${(r.gzip / 1024).toFixed(1)} KiB (${(r.raw / 1024).toFixed(1)} KiB raw) | |

The pages are the built site (\`npm run build\`, dist/) as deployed, served by scripts/serve.mjs
under the sub-path /claime/ as on GitHub Pages; one browser profile visits it again and again
(after its first run the page registers its service worker, which then answers every file from
its cache), and each first visit has a profile of its own. The source tree that \`npm start\`
serves is slower to open (about 0.3 s more, measured 2026-11-27): its service worker fetches
every file from the network first, so that an edit shows on reload.
Paper scale = \`--d1 500 --d2 500 --n 100000 --p 4 --noise ar1\`, methods claime, concate, cl.
The "first snapshot" is the first moment the table and all five charts are on the page (the
first snapshot is at n/16 patients). The streamed run refits all three methods and renders the
charts at each of its five snapshots; from the second snapshot on, the patients between two
snapshots are split between helper workers, one per core (www/explorer/sim-pool.js,
www/explorer/sim-worker.js), while the explorer's worker refits, so the run takes about the
first snapshot, the simulation's
time divided by the cores, and the last refit. The page keeps both cores and its own main
thread busy, so on this 2-core machine the figure moves with any other load.

Where the time goes: at the paper's scale the simulation is about 90 % of a replicate
(\`timings_ms.simulate\`). The wasm is built with simd128 (\`.cargo/config.toml\`).

### Training (issue 4) and your data (issue 7)

| what | figure | target |
|---|---|---|
| one full pass of CLAIME-GD (exact linear loss), n = ${TRAIN.n}, d1 = d2 = ${TRAIN.d1}, p = ${TRAIN.p}, median of 5 × 10 passes | ${r.train.passMs.toFixed(1)} ms | < 20 ms |
| training animation at the defaults (the paper's setting, \`?signal=1\`), CLAIME temperature loss (redraws of charts and alignment view per second) | ${fpsText(r.train['claime-temp'])} | ≥ 30 fps |
| same, CLAIME-GD (one full pass per step) | ${fpsText(r.train['claime-gd'])} | ≥ 30 fps |
| fit a summary of the real-data size (d1 = ${REAL.d1}, d2 = ${REAL.d2}, CLAIME at p = ${REAL.p}, with the spectrum and 2-D points), median of 3 | ${f(r.own.fitMs)} | ≤ 2000 ms |
| reading that summary (JSON, ${REAL.n} simulated patients, mean T = ${REAL.mean_t}) | ${f(r.own.readMs)} | |

The pass and the fit are timed with the wasm on the page's main thread (\`TrainerSession.step\`,
\`OwnData.fit\`), which runs the same code as the workers. The frame rate counts redraws while
playing: the page keeps two requests for steps (each under a 12 ms budget) with the worker and
draws only the latest answer (the three line charts and the alignment view) at each animation
frame; a frame counts only when it shows a new state.
`;
}

// Replaces (or appends) the Browser section of docs/benchmarks.md, keeping the other sections.
export function writeBrowserSection(result) {
  const text = section(result);
  const old = existsSync(DOC) ? readFileSync(DOC, 'utf8') : '# Benchmarks\n';
  const start = old.search(/^## Browser\s*$/m);
  let out;
  if (start < 0) out = `${old.trimEnd()}\n\n${text}`;
  else {
    const rest = old.slice(start + 1).search(/^## /m);
    const end = rest < 0 ? old.length : start + 1 + rest;
    out = `${old.slice(0, start)}${text}${rest < 0 ? '' : `\n${old.slice(end)}`}`;
  }
  writeFileSync(DOC, out.endsWith('\n') ? out : `${out}\n`);
}

/** Runs every measurement of this script (`reps` runs each); resolves to the figures. */
export async function measureBrowser({ reps = 3 } = {}) {
  const REPS = reps;
  if (!existsSync(WASM)) throw new Error('www/pkg is empty: run `npm run build:wasm` first');
  const build = spawnSync('cargo', ['build', '--release', '--bin', 'claime'], { cwd: ROOT, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('cargo build --release --bin claime failed');
  const tmp = mkdtempSync(join(tmpdir(), 'claime-bench-'));
  const out = buildDist({ skipWasm: true, out: join(tmp, 'site') }); // the site as deployed
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
  const server = await startServer({ port: 0 });
  const site = await startServer({ dir: out, base: '/claime/', port: 0 });
  const browser = await launch();
  try {
    const runs = { defaults: [], paper: [], firstVisit: [], browser: [], native: [] };
    const query = `?${new URLSearchParams(PAPER)}`;
    for (let i = 0; i < REPS; i += 1) {
      const fresh = await launch(); // a new profile: nothing cached, no service worker
      try {
        runs.firstVisit.push(await pageTimes(fresh.context, site.url, ''));
      } finally {
        await fresh.close();
      }
      runs.defaults.push(await pageTimes(browser.context, site.url, ''));
      runs.paper.push(await pageTimes(browser.context, site.url, query));
      say(`page: first visit ${JSON.stringify(runs.firstVisit.at(-1))}, defaults ${JSON.stringify(runs.defaults.at(-1))}, paper ${JSON.stringify(runs.paper.at(-1))}`);
    }
    const page = await browser.context.newPage();
    await page.goto(`${server.url}tests/e2e/blank.html`);
    for (let i = 0; i < REPS; i += 1) {
      runs.browser.push(await page.evaluate(workerOnce, PAPER));
      runs.native.push(nativeOnce(PAPER));
      say(`replicate: browser ${Math.round(runs.browser.at(-1))} ms, native ${Math.round(runs.native.at(-1))} ms`);
    }
    await page.close();
    const train = { passMs: await trainPassMs(browser.context, server.url) };
    say(`training: CLAIME-GD pass ${train.passMs.toFixed(1)} ms`);
    for (const trainer of ['claime-temp', 'claime-gd']) {
      train[trainer] = await trainingFps(browser.context, server.url, trainer);
      say(`training: ${trainer} ${JSON.stringify(train[trainer])}`);
    }
    const own = await ownFitMs(browser.context, server.url, realSizeSummary(BIN));
    say(`your data: ${JSON.stringify(own)}`);
    const wasm = readFileSync(WASM);
    const pick = (list, key) => median(list.map((x) => x[key]));
    const once = { browser: median(runs.browser), native: median(runs.native) };
    once.ratio = once.browser / once.native;
    return {
      reps: REPS,
      date: new Date().toISOString().slice(0, 10),
      machine: machine(),
      loadBefore,
      loadAfter: loadavg().map((x) => x.toFixed(2)).join(' '),
      firstVisit: { first: pick(runs.firstVisit, 'first'), done: pick(runs.firstVisit, 'done') },
      defaults: { first: pick(runs.defaults, 'first'), done: pick(runs.defaults, 'done'), longest: Math.max(...runs.defaults.map((x) => x.longest)) },
      paper: { first: pick(runs.paper, 'first'), done: pick(runs.paper, 'done'), longest: Math.max(...runs.paper.map((x) => x.longest)) },
      once,
      train,
      own: { readMs: median(own.map((x) => x.readMs)), fitMs: median(own.map((x) => x.fitMs)) },
      raw: wasm.length,
      gzip: gzipSync(wasm, { level: 9 }).length,
      explorerRaw: readFileSync(WASM_EXPLORER).length,
      explorerGzip: gzipSync(readFileSync(WASM_EXPLORER), { level: 9 }).length,
    };
  } finally {
    await browser.close();
    await server.close();
    await site.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Runs in the page once a run is done: changes one control (`how`: 'typed', the signal box
// typed into and committed as by Enter, today after the controls' debounce; or 'ticked', a
// method checkbox, which fires at once) and resolves to the ms from the change to the first
// redraw of the error chart (the new run's first snapshot), or NaN after 10 s without one.
function changeToChart(how) {
  return new Promise((resolve) => {
    const chart = document.getElementById('chart-error');
    let t0 = 0;
    new MutationObserver((_, obs) => {
      obs.disconnect();
      resolve(performance.now() - t0);
    }).observe(chart, { childList: true, subtree: true });
    setTimeout(() => resolve(NaN), 10_000); // no redraw: the change started no run
    t0 = performance.now();
    if (how === 'typed') {
      const input = document.getElementById('in-signal');
      input.value = String(Number(input.value) === 2 ? 2.5 : 2);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new Event('change', { bubbles: true })); // as Enter or leaving the box
    } else {
      const box = document.getElementById('m-cl');
      box.checked = !box.checked;
      box.dispatchEvent(new Event('change', { bubbles: true }));
    }
  });
}

/** Times a control change to the first updated chart at the landing (`reps` of each kind, on
 * the page of `context`, each after the previous run is done); resolves to medians (ms). */
async function measureChange(context, url, reps) {
  const page = await context.newPage();
  try {
    await page.goto(url);
    const times = { typed: [], ticked: [] };
    for (let i = 0; i < reps; i += 1) {
      for (const how of ['typed', 'ticked']) {
        await page.waitForSelector('#views[data-state="done"]', { timeout: 120_000 });
        times[how].push(await page.evaluate(changeToChart, how));
        await page.waitForSelector('#views[data-state="running"], #views[data-state="done"]');
      }
    }
    say(`control change -> first chart: ${JSON.stringify(times)}`);
    return { typed: median(times.typed), ticked: median(times.ticked) };
  } finally {
    await page.close();
  }
}

/** Times only page loads at the landing on the built site: first visits (a fresh profile
 * each) and repeat visits (one profile, its service worker answering), then a control change
 * to the first updated chart; resolves to medians. */
export async function measureVisits({ reps = 5, query = '' } = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'claime-bench-'));
  const out = buildDist({ skipWasm: true, out: join(tmp, 'site') });
  const site = await startServer({ dir: out, base: '/claime/', port: 0 });
  const browser = await launch();
  try {
    const runs = { firstVisit: [], repeat: [] };
    await pageTimes(browser.context, site.url, query); // installs the service worker
    for (let i = 0; i < reps; i += 1) {
      const fresh = await launch();
      try {
        runs.firstVisit.push(await pageTimes(fresh.context, site.url, query));
      } finally {
        await fresh.close();
      }
      runs.repeat.push(await pageTimes(browser.context, site.url, query));
      say(`first visit ${JSON.stringify(runs.firstVisit.at(-1))}, repeat ${JSON.stringify(runs.repeat.at(-1))}`);
    }
    const pick = (list, key) => median(list.map((x) => x[key]));
    const change = await measureChange(browser.context, `${site.url}${query}`, reps);
    return {
      reps,
      load: loadavg().map((x) => x.toFixed(2)).join(' '),
      firstVisit: { first: pick(runs.firstVisit, 'first'), done: pick(runs.firstVisit, 'done') },
      repeat: { first: pick(runs.repeat, 'first'), done: pick(runs.repeat, 'done') },
      changeToChart: change,
    };
  } finally {
    await browser.close();
    await site.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Measures and writes the Browser section (the script run on its own).
async function main() {
  const repsArg = process.argv.indexOf('--reps');
  const reps = repsArg > 0 ? Number(process.argv[repsArg + 1]) : undefined;
  const queryArg = process.argv.indexOf('--query');
  const query = queryArg > 0 ? process.argv[queryArg + 1] : '';
  if (process.argv.includes('--visits-only')) return say(JSON.stringify(await measureVisits({ reps, query })));
  const result = await measureBrowser({ reps: reps ?? 3 });
  say(JSON.stringify(result));
  writeBrowserSection(result);
  say(`wrote the Browser section of ${DOC}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    say(`FAILED: ${e.message}`);
    process.exit(1);
  });
}
