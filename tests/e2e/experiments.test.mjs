// Browser tests of the "Experiments" section (issue #5, item 3): a preset panel of Figure 1 fills
// in (progress to N of N, one figure line per method, one table row per grid point and method);
// its CSV is the command line's; Cancel stops a longer run and a new run completes with the same
// numbers as before; a worker that traps is reported and replaced; the regime map draws; no
// request leaves the origin, no console error, and the main thread has no long task while
// results arrive. Small grids (n scale 0.02, d1 = d2 = 40) keep it quick.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ensureCli } from './cli.mjs';
import { LABELS, checkClean, launch, openPage } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const BIN = ensureCli(); // the native command line (CLAIME_CLI names a prebuilt one)
/** A small explorer run at page load, so it is soon out of the way. */
const SMALL = '?d1=60&d2=60&n=2000&signal=3';
const TIMEOUT = 90_000;
/** The browser's wasm and the native build differ in the last bits (faer's native kernels use
 * wider SIMD and fused multiply-adds), as in explorer.test.mjs: numbers agree to this relative
 * tolerance, the rest of the CSV byte for byte. */
const REL_TOL = 1e-9;
/** The small preset run of tests (a) and (b): experiment d, spike noise. */
const PRESET = { exp: 'd', noise: 'spike', reps: 2, nScale: 0.02, methods: ['claime', 'cl'] };
const D_GRID = ['200', '400', '600', '800', '1000'];

let tmp = null;
let presetCsv = null; // the page's CSV of the preset run, compared again after a cancel

const env = useBrowser();

before(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'claime-exp-'));
});

after(async () => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

// Opens the page and waits for its own explorer run, so the section runs on a quiet machine.
async function openSection() {
  const opened = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await opened.page.waitForSelector('#views[data-state="done"]', { timeout: TIMEOUT });
  await opened.page.locator('#experiments').scrollIntoViewIfNeeded();
  return opened;
}

// Sets the replicates, the n scale and the ticked methods of the form.
async function fillForm(page, { reps, nScale, methods }) {
  await page.fill('#exp-reps', String(reps));
  await page.fill('#exp-nscale', String(nScale));
  for (const box of await page.$$('#exp-methods input')) {
    const value = await box.getAttribute('value');
    if (methods.includes(value)) await box.check();
    else await box.uncheck();
  }
}

// Waits until the section's run has ended in `state` ('done', 'cancelled'), failing on 'error'.
async function waitForState(page, state, root = '#experiments', status = '#exp-status') {
  await page.waitForSelector(`${root}[data-state="${state}"], ${root}[data-state="error"]`, { timeout: TIMEOUT });
  assert.equal(await page.getAttribute(root, 'data-state'), state, `status: ${await page.textContent(status)}`);
}

// The section's progress: {value, max, text}.
function progress(page, bar = '#exp-progress', line = '#exp-progress-text') {
  return page.evaluate(([b, l]) => ({
    value: document.querySelector(b).value, max: document.querySelector(b).max, text: document.querySelector(l).textContent,
  }), [bar, line]);
}

// The figure's series as plotters draws them: distinct colours of the 2-px non-grey polylines
// (a method's mean line and its legend swatch), their count, and the texts.
function figureSeries(page, selector = '#exp-figure svg') {
  return page.$eval(selector, (svg) => {
    const lines = [...svg.querySelectorAll('polyline[stroke-width="2"]')]
      .map((l) => l.getAttribute('stroke').toUpperCase()).filter((c) => c !== '#969696');
    return { colours: [...new Set(lines)], polylines: lines.length, texts: [...svg.querySelectorAll('text')].map((t) => t.textContent.trim()) };
  });
}

// The results table: [{x, method, cells}].
function tableRows(page) {
  return page.$$eval('#exp-table tbody tr', (rows) => rows.map((tr) => ({
    x: tr.dataset.x, method: tr.dataset.method, cells: [...tr.children].map((c) => c.textContent),
  })));
}

// Clicks a download link; resolves to the file's text.
async function download(page, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return readFileSync(await file.path(), 'utf8');
}

// Compares two CSV texts: same lines and text cells, numbers within REL_TOL; returns
// {identical: lines equal byte for byte, worst: largest relative difference}.
function compareCsv(web, cli) {
  const [a, b] = [web.split('\n'), cli.split('\n')];
  assert.equal(a.length, b.length, 'same number of lines');
  assert.equal(a[0], b[0], 'same header');
  let [identical, worst] = [0, 0];
  a.forEach((line, i) => {
    if (line === b[i]) identical += 1;
    const [x, y] = [line.split(','), b[i].split(',')];
    assert.equal(x.length, y.length, `line ${i + 1}: same number of cells`);
    x.forEach((cell, j) => {
      const [u, v] = [Number(cell), Number(y[j])];
      if (cell === y[j] || i === 0) return;
      assert.ok(Number.isFinite(u) && Number.isFinite(v), `line ${i + 1}, cell ${j + 1}: "${cell}" vs "${y[j]}"`);
      const rel = Math.abs(u - v) / Math.max(Math.abs(v), 1e-300);
      worst = Math.max(worst, rel);
      assert.ok(rel <= REL_TOL, `line ${i + 1}, cell ${j + 1}: page ${cell} vs command line ${y[j]}`);
    });
  });
  return { identical, lines: a.length, worst };
}

// Checks a verdict paragraph against the results table's rows of its experiment: for each
// method, the mean at the grid's two ends (as the claim reads them: n up, d down, c down, rho up)
// appears in the text, to two decimals, with the trend the numbers give (a change of more than
// 0.05 down "falls", up "rises", else flat), and data-holds is "true" exactly when the text
// says the claim holds.
async function checkVerdict(page, selector, experiment, noise) {
  const said = await page.$eval(selector, (p) => ({ text: p.textContent, holds: p.dataset.holds, exp: p.dataset.experiment }));
  assert.equal(said.exp, experiment, `${selector} names its experiment`);
  const rows = await page.$$eval('#exp-table tbody tr', (trs, e) => trs.filter((tr) => tr.dataset.experiment === e).map((tr) => ({
    x: Number(tr.dataset.x), label: tr.children[1].textContent, mean: Number(tr.children[3].dataset.value),
  })), experiment);
  const xs = [...new Set(rows.map((r) => r.x))].sort((a, b) => a - b);
  const up = experiment === 'n' || (experiment === 'noise' && noise === 'ar1');
  const [start, end] = up ? [xs[0], xs.at(-1)] : [xs.at(-1), xs[0]];
  assert.ok(said.text.startsWith('From '), said.text);
  assert.match(said.text, new RegExp(`= ${start} to ${end} `), `${selector}: reads the grid from ${start} to ${end}`);
  for (const label of new Set(rows.map((r) => r.label))) {
    const [a, b] = [start, end].map((x) => rows.find((r) => r.label === label && r.x === x).mean);
    const [from, to] = [a, b].map((v) => (Math.round(v * 100) / 100).toFixed(2));
    const delta = Math.round(b * 100) - Math.round(a * 100);
    const trend = delta < -5 ? 'falls' : delta > 5 ? 'rises' : 'flat';
    assert.ok(said.text.includes(`${from} → ${to}`), `${selector}: ${label} ${from} → ${to} in "${said.text}"`);
    if (trend !== 'flat') assert.ok(said.text.includes(`${label} ${trend} ${from} → ${to}`), `${label} ${trend}: "${said.text}"`);
  }
  assert.equal(said.holds === 'true', /holds here\.$/.test(said.text), `data-holds ${said.holds}: "${said.text}"`);
  // Once the run is done: a verdict, or (data-holds "") every mean within 0.05 of √(2p) at both ends.
  const near = rows.filter((r) => r.x === start || r.x === end).every((r) => Math.round(r.mean * 100) >= 283 - 5);
  assert.equal(said.holds === '', near, `data-holds "${said.holds}" and nothing recovered: ${near}`);
  if (near) assert.match(said.text, /nothing is recovered, so this grid cannot test the paper’s claim/);
  return said;
}

/** Scripts of the section (and the helpers it draws with), as long-animation-frame entries name them. */
const OURS = /\/www\/(experiments[\w-]*|pool|regime|data-render|table)\.js$/;

// Starts recording the main thread's long animation frames (over 50 ms) in the page, with the
// time spent in the section's own scripts. (Chromium reports them; CDP-evaluated code is not.)
function watchFrames(page) {
  return page.evaluate((ours) => {
    const re = new RegExp(ours);
    window.longFrames = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const mine = e.scripts.filter((x) => re.test(x.sourceURL)).reduce((sum, x) => sum + x.duration, 0);
        window.longFrames.push({ duration: e.duration, blocking: e.blockingDuration, mine });
      }
    }).observe({ type: 'long-animation-frame' });
  }, OURS.source);
}

// The recorded long frames: {count, longest (ms), mine (longest time in our scripts in one frame)}.
async function longFrames(page) {
  const frames = await page.evaluate(() => window.longFrames);
  return {
    count: frames.length,
    longest: Math.max(0, ...frames.map((f) => f.duration)),
    mine: Math.max(0, ...frames.map((f) => f.mine)),
  };
}

test('(a) a preset panel fills in: progress N of N, a line per method, a row per point and method', { timeout: 150_000 }, async (t) => {
  const { page, seen } = await openSection();
  assert.match(await page.textContent('#exp-workers'), /^[1-8]$/, 'the pool size is shown');
  // The buttons run at the paper's scale by default, with the replicates the hint names.
  assert.equal(await page.inputValue('#exp-nscale'), '1');
  assert.equal(await page.textContent('#exp-reps-shown'), await page.inputValue('#exp-reps'));
  await fillForm(page, PRESET);
  assert.equal(await page.textContent('#exp-reps-shown'), String(PRESET.reps), 'the hint follows the form');
  await watchFrames(page);
  await page.click(`#exp-presets button[data-exp="${PRESET.exp}"][data-noise="${PRESET.noise}"]`);
  await waitForState(page, 'done');
  assert.equal(await page.inputValue('#exp-experiment'), PRESET.exp, 'the preset set the experiment');
  assert.equal(await page.inputValue('#exp-noise'), PRESET.noise, 'the preset set the noise');

  const tasks = D_GRID.length * PRESET.reps;
  const { value, max, text } = await progress(page);
  assert.deepEqual([value, max], [tasks, tasks], 'the progress bar is full');
  assert.match(text, new RegExp(`^${tasks} of ${tasks} tasks in \\d+\\.\\d s$`));
  assert.match(await page.textContent('#exp-status'), /^Done: 10 tasks on \d worker\(s\)/);

  const { colours, polylines, texts } = await figureSeries(page);
  assert.equal(colours.length, PRESET.methods.length, `one line colour per method (${colours})`);
  assert.equal(polylines, 2 * PRESET.methods.length, 'each method: a mean line and a legend swatch');
  for (const m of PRESET.methods) assert.ok(texts.includes(LABELS[m]), `the legend names ${LABELS[m]}`);
  assert.ok(texts.some((s) => /Experiment d \(spike noise, 2 replicates\)/.test(s)), 'the title names the panel');

  const rows = await tableRows(page);
  assert.deepEqual(rows.map((r) => `${r.x} ${r.method}`).sort(),
    D_GRID.flatMap((x) => PRESET.methods.map((m) => `${x} ${m}`)).sort(), 'a row per grid point and method');
  for (const r of rows) {
    assert.equal(r.cells[2], String(PRESET.reps), `${r.x} ${r.method}: replicates`);
    for (const c of r.cells.slice(3)) assert.match(c, /^\d+\.\d{4}$/, `${r.x} ${r.method}: "${c}" is a number`);
  }
  assert.equal(await page.textContent('#exp-table thead th[data-col="x"]'), 'd');
  // The band (two replicates) is drawn and named; the no-recovery line is labelled; the verdict
  // under the figure reads the table.
  assert.ok(texts.includes('10-90% of replicates') && texts.includes('no recovery, sqrt(2p) = 2.83'), `${texts}`);
  assert.ok(await page.$$eval('#exp-figure svg polygon[opacity="0.3"]', (ps) => ps.length) >= PRESET.methods.length, 'a band per method');
  const said = await checkVerdict(page, '#exp-figure-verdict', 'd', 'spike');
  t.diagnostic(said.text);

  // With a worker per core the main thread shares the cores with them; test (f) measures it alone.
  const frames = await longFrames(page);
  t.diagnostic(`${frames.count} long frame(s), longest ${frames.longest.toFixed(0)} ms, of which the section's scripts ${frames.mine.toFixed(0)} ms`);
  presetCsv = await download(page, '#exp-csv');
  checkClean(seen, env.server.url);
  await page.close();
});

test('(b) the page\'s CSV is the command line\'s', { timeout: 150_000 }, async (t) => {
  if (presetCsv === null) {
    const { page } = await openSection();
    await fillForm(page, PRESET);
    await page.click(`#exp-presets button[data-exp="${PRESET.exp}"][data-noise="${PRESET.noise}"]`);
    await waitForState(page, 'done');
    presetCsv = await download(page, '#exp-csv');
    await page.close();
  }
  const out = join(tmp, 'x.csv');
  execFileSync(BIN, ['experiment', '--exp', PRESET.exp, '--noise', PRESET.noise, '--reps', String(PRESET.reps),
    '--n-scale', String(PRESET.nScale), '--methods', PRESET.methods.join(','), '--out', out, '--threads', '1'], { stdio: 'pipe' });
  const cli = readFileSync(out, 'utf8');
  const { identical, lines, worst } = compareCsv(presetCsv, cli);
  t.diagnostic(`${identical} of ${lines} lines identical byte for byte; largest relative difference ${worst.toExponential(1)}`);
  assert.ok(presetCsv.endsWith('\n') && cli.endsWith('\n'), 'both end with a newline');
});

test('(b2) "all three" runs n, d and noise as one job, shared points once, with the command line\'s numbers', { timeout: 150_000 }, async (t) => {
  const { page, seen } = await openSection();
  const run = { reps: 1, nScale: 0.02, methods: ['claime'] };
  await fillForm(page, run);
  await page.click('#exp-presets button[data-exp="all"][data-noise="spike"]');
  await waitForState(page, 'done');
  assert.equal(await page.inputValue('#exp-experiment'), 'all');
  // One replicate: experiment n is one task (its five n on one stream), d and noise five
  // points each, of which d = 1000 and c = 0.2 are n's default point, taken from n's task.
  const { value, max } = await progress(page);
  assert.deepEqual([value, max], [9, 9], '1 + 4 + 4 tasks: the default point computed once');
  const panels = await page.$$eval('#exp-figure figure.exp-panel', (fs) => fs.map((f) => ({
    exp: f.dataset.experiment, caption: f.querySelector('figcaption').textContent, svg: !!f.querySelector('svg'),
  })));
  assert.deepEqual(panels.map((f) => f.exp), ['n', 'd', 'noise'], 'a figure per experiment, in order');
  assert.ok(panels.every((f) => f.svg && f.caption.startsWith(`Experiment ${f.exp}`)), 'each drawn, with its caption');
  for (const e of ['n', 'd', 'noise']) await checkVerdict(page, `#exp-figure figure.exp-panel[data-experiment="${e}"] .exp-verdict`, e, 'spike');
  assert.equal(await page.textContent('#exp-figure-verdict'), '', 'no verdict of its own beside the panels');
  // Each panel exports its own figure; the figure's own buttons (one SVG only) are hidden.
  const [svg] = await Promise.all([page.waitForEvent('download'), page.click('button[data-chart="exp-figure-d"][data-export="svg"]')]);
  assert.equal(svg.suggestedFilename(), 'claime-exp-figure-d.svg');
  assert.match(readFileSync(await svg.path(), 'utf8'), /Experiment d \(spike noise, 1 replicates?\)/);
  assert.ok(await page.$eval('#exp-figure', (h) => h.closest('figure').querySelector(':scope > figcaption .chart-exports').hidden));
  const rows = await tableRows(page);
  assert.equal(rows.length, 15, 'five points per experiment, one method');
  assert.equal(await page.textContent('#exp-table thead th[data-col="x"]'), 'setting');

  const csv = await download(page, '#exp-csv');
  execFileSync(BIN, ['experiment', '--exp', 'all', '--noise', 'spike', '--reps', '1', '--n-scale', '0.02',
    '--methods', 'claime', '--out', join(tmp, 'all-{exp}.csv'), '--threads', '1'], { stdio: 'pipe' });
  const parts = ['n', 'd', 'noise'].map((e) => readFileSync(join(tmp, `all-${e}.csv`), 'utf8'));
  const cli = parts.map((text, i) => (i === 0 ? text : text.slice(text.indexOf('\n') + 1))).join('');
  const { identical, lines, worst } = compareCsv(csv, cli);
  t.diagnostic(`${identical} of ${lines} lines identical byte for byte; largest relative difference ${worst.toExponential(1)}`);
  checkClean(seen, env.server.url);
  await page.close();
});

test('(c) Cancel stops a longer run; a new run afterwards completes with the same numbers', { timeout: 180_000 }, async () => {
  const { page, seen } = await openSection();
  // Experiment noise (5 levels) x 20 replicates at n scale 0.05: 100 tasks, tens of seconds.
  await fillForm(page, { reps: 20, nScale: 0.05, methods: ['claime', 'concate', 'cl'] });
  await page.click('#exp-presets button[data-exp="noise"][data-noise="spike"]');
  await page.waitForFunction(() => document.getElementById('exp-progress').value >= 4, null, { timeout: TIMEOUT });
  assert.equal(await page.getAttribute('#experiments', 'data-state'), 'running');
  assert.match((await progress(page)).text, /^\d+ of 100 tasks, about \d+(\.\d)? s left$/, 'an estimate of the time left');
  await page.waitForSelector('#exp-figure svg', { timeout: TIMEOUT }); // drawn while results arrive
  await page.click('#exp-cancel');
  await waitForState(page, 'cancelled');
  assert.match(await page.textContent('#exp-status'), /^Cancelled after \d+ of 100 tasks/);
  const stopped = await progress(page);
  assert.ok(stopped.value < 100, `stopped early (${stopped.value} of 100)`);
  await page.waitForTimeout(2500); // longer than a task, and than the pool's grace period
  assert.deepEqual(await progress(page), stopped, 'the progress no longer moves');
  assert.ok(await page.isHidden('#exp-csv'), 'no CSV for a cancelled run');

  await fillForm(page, PRESET);
  await page.click(`#exp-presets button[data-exp="${PRESET.exp}"][data-noise="${PRESET.noise}"]`);
  await waitForState(page, 'done');
  assert.equal((await progress(page)).value, D_GRID.length * PRESET.reps);
  const csv = await download(page, '#exp-csv');
  if (presetCsv !== null) assert.equal(csv, presetCsv, 'the same CSV as on a fresh page: no late result leaked in');
  checkClean(seen, env.server.url);
  await page.close();
});

test('(d) a small regime map draws its SVG, with the command line\'s numbers', { timeout: 150_000 }, async (t) => {
  const { page, seen } = await openSection();
  await page.selectOption('#regime-noise', 'spike');
  const form = { 'regime-grid': 2, 'regime-reps': 1, 'regime-d': 40, 'regime-n': 2000 };
  for (const [id, v] of Object.entries(form)) await page.fill(`#${id}`, String(v));
  await page.click('#regime-run');
  await waitForState(page, 'done', '#regime', '#regime-status');
  const { value, max, text } = await progress(page, '#regime-progress', '#regime-progress-text');
  assert.deepEqual([value, max], [4, 4], 'four tasks: 2 x 2 cells, 1 replicate');
  assert.match(text, /^4 of 4 tasks in \d+\.\d s$/);
  assert.match(await page.textContent('#regime-status'), /^Done in \d+\.\d s: CLAIME wins in [0-4] of 4 cells\.$/);
  const texts = await page.$$eval('#regime-figure svg text', (ts) => ts.map((s) => s.textContent.trim()));
  assert.ok(texts.some((s) => /CLAIME minus best baseline/.test(s)), 'the map has its title');
  assert.ok(texts.includes('signal scale s') && texts.includes('noise level c'), 'the axes are named');
  // The colour bar, its values (symmetric about 0) and the outline's legend.
  for (const want of ['CLAIME - best', '0.00', 'CLAIME wins:', '95% CI below 0']) assert.ok(texts.includes(want), `${want} in ${texts}`);
  const top = texts.filter((s) => /^\+\d+\.\d\d$/.test(s));
  assert.equal(top.length, 1, `the bar's top, +L: ${top}`);
  assert.ok(texts.includes(`-${top[0].slice(1)}`), `the bar runs from -L to ${top[0]}: ${texts}`);

  const out = join(tmp, 'map.csv');
  execFileSync(BIN, ['regime', '--noise', 'spike', '--signal', '0.5:4', '--level', '0.05:1', '--grid', '2', '--reps', '1',
    '--d1', '40', '--d2', '40', '--n', '2000', '--out', out, '--threads', '1'], { stdio: 'pipe' });
  const { identical, lines, worst } = compareCsv(await download(page, '#regime-csv'), readFileSync(out, 'utf8'));
  t.diagnostic(`regime CSV: ${identical} of ${lines} lines identical; largest relative difference ${worst.toExponential(1)}`);
  checkClean(seen, env.server.url);
  await page.close();
});

test('a worker that traps is reported in the status line and replaced; the next run completes', { timeout: 150_000 }, async () => {
  const { page, seen } = await openSection();
  // The section's own module instance (the page imported the same URL), running a task that
  // calls debugFault("panic"): a wasm trap, as a bug would be.
  await page.evaluate(async () => (await import(new URL('www/experiments/section.js', document.baseURI).href)).faultForTests('panic'));
  assert.equal(await page.getAttribute('#experiments', 'data-state'), 'error');
  assert.match(await page.textContent('#exp-status'), /^Stopped: a worker crashed \(wasm trap: unreachable\) and was replaced$/);
  await fillForm(page, PRESET);
  await page.selectOption('#exp-experiment', PRESET.exp);
  await page.click('#exp-run');
  await waitForState(page, 'done');
  assert.equal((await progress(page)).value, D_GRID.length * PRESET.reps, 'the pool works again');
  // The trap's own report (the panic hook's console.error in the worker) is the only error.
  seen.errors = seen.errors.filter((e) => !/panicked|debug fault|unreachable/i.test(e));
  checkClean(seen, env.server.url);
  await page.close();
});

test('(f) the main thread stays free while results arrive: aggregation and drawing are in workers', { timeout: 150_000 }, async (t) => {
  // One pool worker, so a core is left for the main thread and the measure is of the page's own
  // work, not of the operating system sharing two cores between three busy threads.
  const solo = await launch();
  try {
    await solo.context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 1 }));
    const { page, seen } = await openPage(solo.context, `${env.server.url}${SMALL}`);
    await page.waitForSelector('#views[data-state="done"]', { timeout: TIMEOUT });
    assert.equal(await page.textContent('#exp-workers'), '1');
    await fillForm(page, { reps: 4, nScale: 0.02, methods: ['claime', 'concate', 'cl'] });
    await watchFrames(page);
    const draws = [];
    await page.exposeFunction('figureDrawn', () => draws.push(Date.now()));
    await page.evaluate(() => new MutationObserver(() => window.figureDrawn())
      .observe(document.getElementById('exp-figure'), { childList: true }));
    await page.click('#exp-presets button[data-exp="d"][data-noise="ar1"]');
    await waitForState(page, 'done');
    assert.equal((await progress(page)).value, 20);
    const frames = await longFrames(page);
    t.diagnostic(`${draws.length} redraws; ${frames.count} long frame(s), longest ${frames.longest.toFixed(0)} ms, section scripts ${frames.mine.toFixed(0)} ms`);
    assert.ok(draws.length >= 2, `the figure is redrawn as results arrive (${draws.length} draws)`);
    // Redraws are at least RENDER_MS (300 ms) apart, but for the last, drawn as soon as all is in.
    const gaps = draws.slice(1, -1).map((d, i) => d - draws[i]);
    assert.ok(gaps.every((g) => g >= 250), `at most a few redraws a second (gaps ${gaps} ms)`);
    assert.ok(frames.mine < 50, `the section's scripts never hold a frame for 50 ms (longest ${frames.mine} ms)`);
    checkClean(seen, env.server.url);
  } finally {
    await solo.close();
  }
});
