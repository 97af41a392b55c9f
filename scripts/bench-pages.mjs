// Browser measurements of the training section (issue 4) and of "Your data" (issue 7), used by
// scripts/bench-browser.mjs. Each function drives one headless Chromium page.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Training benchmark size (issue 4): n = 20000, d1 = d2 = 500, p = 4. */
export const TRAIN = { d1: 500, d2: 500, n: 20000, p: 4 };
/** The paper's real-data size (issue 7): 3500 codes, 1000 CUIs. */
export const REAL = { d1: 3500, d2: 1000, n: 3000, mean_t: 20, p: 4 };

// Runs in the page: ms per full pass of CLAIME-GD (the exact linear loss) with the wasm on the
// main thread, the median over `reps` timings of `steps` passes after one warm-up pass.
async function gdPass({ params, steps, reps }) {
  const m = await import('/www/pkg/claime.js');
  await m.default();
  const s = new m.TrainerSession(params, 'claime-gd', null, Infinity);
  s.step(1);
  const times = [];
  for (let r = 0; r < reps; r += 1) {
    const t0 = performance.now();
    s.step(steps);
    times.push((performance.now() - t0) / steps);
  }
  s.free();
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

// ms per CLAIME-GD pass at TRAIN, in Chromium.
export async function trainPassMs(context, url, reps = 5) {
  const page = await context.newPage();
  await page.goto(`${url}tests/e2e/blank.html`);
  const ms = await page.evaluate(gdPass, { params: TRAIN, steps: 10, reps });
  await page.close();
  return ms;
}

// Frames per second of the training animation at the defaults (the paper's setting, signal 1:
// at the landing's signal 2 CLAIME-GD converges, and pauses itself, in about a second): Play
// for `seconds` (after one second of warm-up) with `trainer`, counting redraws
// (#training[data-frames]). A trainer that converges within the window is measured up to its
// pause (`converged`, and `seconds` the window it had).
export async function trainingFps(context, url, trainer, seconds = 4) {
  const page = await context.newPage();
  await page.goto(`${url}?signal=1`);
  await page.waitForSelector('#training[data-state="idle"]', { timeout: 60_000 });
  await page.selectOption('#train-trainer', trainer);
  await page.click('#train-play');
  await page.waitForFunction(() => Number(document.getElementById('train-iter').textContent) > 0, null, { timeout: 120_000 });
  await page.waitForTimeout(1000);
  const frames = () => page.$eval('#training', (el) => Number(el.dataset.frames ?? 0));
  const it = () => page.$eval('#train-iter', (el) => Number(el.textContent));
  const [f0, i0, t0] = [await frames(), await it(), Date.now()];
  const stopped = () => document.getElementById('training').dataset.state !== 'playing';
  const converged = await page.waitForFunction(stopped, null, { timeout: seconds * 1000 }).then(() => true, () => false);
  const [f1, i1, t1] = [await frames(), await it(), Date.now()];
  if (!converged) await page.click('#train-pause');
  await page.close();
  const s = (t1 - t0) / 1000;
  return { fps: (f1 - f0) / s, stepsPerSecond: (i1 - i0) / s, seconds: s, converged };
}

// Writes a CLAIME-only summary at the real-data size with the native command line (the
// within-modality counts removed, so the page fits CLAIME alone); returns its text.
export function realSizeSummary(bin) {
  const dir = mkdtempSync(join(tmpdir(), 'claime-bench-'));
  try {
    const flags = Object.entries(REAL).filter(([k]) => k !== 'p').flatMap(([k, v]) => [`--${k.replace('_', '-')}`, String(v)]);
    execFileSync(bin, ['simulate', ...flags, '--out', join(dir, 'real')], { stdio: 'ignore' });
    const summary = JSON.parse(readFileSync(join(dir, 'real.summary.json'), 'utf8'));
    delete summary.code_code;
    delete summary.cui_cui;
    return JSON.stringify(summary);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// Runs in the page: reads the summary, then times `fit` (CLAIME at rank p, the spectrum and the
// 2-D points, as the "Your data" worker does): {readMs, fitMs}.
async function ownFit({ text, p }) {
  const m = await import('/www/pkg/claime.js');
  await m.default();
  const d = new m.OwnData();
  const t0 = performance.now();
  d.addSummary('real.summary.json', text);
  d.finish();
  const t1 = performance.now();
  d.fit(p, 1n, 560, 320);
  const t2 = performance.now();
  d.free();
  return { readMs: t1 - t0, fitMs: t2 - t1 };
}

// Times fitting the real-size summary in Chromium, `reps` times; returns the runs.
export async function ownFitMs(context, url, text, reps = 3) {
  const page = await context.newPage();
  await page.goto(`${url}tests/e2e/blank.html`);
  const runs = [];
  for (let r = 0; r < reps; r += 1) runs.push(await page.evaluate(ownFit, { text, p: REAL.p }));
  await page.close();
  return runs;
}
