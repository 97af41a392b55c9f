// Browser tests of the contrastive picture beside the temperature trainer (training/contrast.js,
// src/train/contrast.rs): after a few steps the picture shows 12 patients of a minibatch, each
// row's weights are the softmax of its similarities at τ (recomputed here from the cells'
// numbers) and sum to 1, the sentence's numbers are the picture's; moving τ while paused redraws
// it at the new τ, and τ = ∞ weighs each negative by its CUI tokens alone, whatever its
// similarity. A trainer without in-batch negatives shows no picture. Small parameters keep it quick.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkClean, openPage } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const SMALL = '?d1=60&d2=60&n=2000&signal=3';
const TIMEOUT = 60_000;

const env = useBrowser();

// The picture's numbers: {tau (null = ∞), iteration, rows: [{sum, t2, sims, weights}], text}.
function picture(page) {
  return page.$eval('#train-contrast', (host) => {
    const frame = host.querySelector('.contrast-picture');
    const rows = [...frame.querySelectorAll('g.contrast-row')].map((g) => ({
      sum: Number(g.dataset.sum),
      t2: Number(g.dataset.t2),
      sims: [...g.querySelectorAll('rect[data-sim]')].map((r) => Number(r.dataset.sim)),
      weights: [...g.querySelectorAll('rect[data-weight]')].map((r) => Number(r.dataset.weight)),
    }));
    const tau = frame.dataset.tau === 'inf' ? null : Number(frame.dataset.tau);
    return { hidden: host.hidden, tau, iteration: Number(frame.dataset.iteration), rows, text: host.querySelector('.contrast-text').textContent };
  });
}

// Row i's weights from its similarities and the CUI tokens: T2_j exp(s_ij / τ) over j != i.
function softmax(rows, i, tau) {
  const z = rows.map((r, j) => (j === i ? -Infinity : (tau === null ? 0 : rows[i].sims[j] / tau) + Math.log(r.t2)));
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

// Checks that every row is that softmax, with a zero diagonal, summing to 1.
function checkRows(p) {
  assert.equal(p.rows.length, 12, '12 patients');
  p.rows.forEach((r, i) => {
    assert.equal(r.sims.length, 12);
    assert.ok(Math.abs(r.sum - 1) < 1e-12, `row ${i + 1} sums to ${r.sum}`);
    assert.equal(r.weights[i], 0, 'the positive is not a negative');
    const want = softmax(p.rows, i, p.tau);
    r.weights.forEach((w, j) => assert.ok(Math.abs(w - want[j]) < 1e-9, `p_${i + 1},${j + 1} = ${w}, closed form ${want[j]}`));
  });
}

const pct = (w) => `${(100 * w).toFixed(1)} %`;

// Sets log10 τ on the slider as a reader would (an input event).
function setLogTau(page, v) {
  return page.$eval('#train-logtau', (el, x) => {
    el.value = String(x);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, v);
}

test('the temperature trainer shows its minibatch; τ sharpens or flattens the weights; τ = ∞ weighs by tokens alone', { timeout: 120_000 }, async (t) => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await page.waitForSelector('#training[data-state="idle"]', { timeout: TIMEOUT });
  assert.ok(await page.isHidden('#train-contrast'), 'no picture before a trainer');
  await page.selectOption('#train-trainer', 'claime-temp');
  await setLogTau(page, -1); // τ = 0.1
  await page.waitForTimeout(300); // past the slider's 150 ms settling, which would restart a trainer being built
  for (let k = 1; k <= 3; k += 1) {
    await page.click('#train-step');
    await page.waitForFunction((n) => Number(document.querySelector('#train-contrast .contrast-picture')?.dataset.iteration) >= n, k, { timeout: TIMEOUT });
  }
  const sharp = await picture(page);
  assert.equal(sharp.hidden, false);
  assert.ok(await page.isVisible('#train-contrast .contrast-picture svg'), 'the picture is on screen');
  assert.equal(sharp.tau, 0.1);
  assert.equal(sharp.iteration, 3);
  checkRows(sharp);
  // The sentence's numbers are the picture's: row 1's hardest negative (most similar) and the
  // range over rows.
  const hardIndex = (p, i) => p.rows[i].sims.reduce((b, s, k) => (k !== i && (b < 0 || s > p.rows[i].sims[b]) ? k : b), -1);
  const hardest = sharp.rows.map((r, i) => r.weights[hardIndex(sharp, i)]);
  const j = hardIndex(sharp, 0);
  assert.ok(sharp.text.includes(`At τ = 0.1 the hardest negative of row 1 (the most similar, patient ${j + 1}’s CUIs) takes ${pct(hardest[0])}`), sharp.text);
  assert.ok(sharp.text.includes(`takes ${pct(Math.min(...hardest))} to ${pct(Math.max(...hardest))}`), sharp.text);
  assert.ok(sharp.text.endsWith('each would take 1/11 = 9.1 %.'), sharp.text);
  t.diagnostic(sharp.text);

  // Paused, a larger τ redraws the same trainer's block at once (before the section restarts
  // training at the new τ): the same similarities, flatter weights.
  await setLogTau(page, 2);
  await page.waitForFunction(() => {
    const d = document.querySelector('#train-contrast .contrast-picture').dataset;
    return d.tau === '100' && d.iteration === '3';
  }, null, { timeout: TIMEOUT, polling: 5 });
  const flat = await picture(page);
  checkRows(flat);
  assert.deepEqual(flat.rows.map((r) => r.sims), sharp.rows.map((r) => r.sims), 'the same block');
  // The weight on the most similar negative grows with 1/τ (its derivative is s_ij* minus the
  // weighted mean similarity, >= 0), so τ = 100 gives each hardest negative less.
  flat.rows.forEach((r, i) => assert.ok(r.weights[hardIndex(flat, i)] < hardest[i], `row ${i + 1}: τ = 100 spreads the weight`));

  // The section restarts training at τ = 100; the picture follows the new trainer. Its own lens
  // then weighs that trainer's block at another τ without restarting training, and keeps that
  // τ for the pictures of later steps.
  const pictureAt = (tau, it) => page.waitForFunction(([t, i]) => {
    const d = document.querySelector('#train-contrast .contrast-picture').dataset;
    return d.tau === t && d.iteration === i;
  }, [tau, it], { timeout: TIMEOUT, polling: 5 });
  await pictureAt('100', '0');
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  await page.click('#train-step');
  await pictureAt('100', '1');
  assert.equal(await page.inputValue('#contrast-logtau'), '2', 'the lens followed the trainer’s τ');
  await page.$eval('#contrast-logtau', (el) => {
    el.value = '-1';
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
  await pictureAt('0.1', '1');
  const lens = await picture(page);
  checkRows(lens);
  assert.equal(await page.textContent('#train-iter'), '1', 'the lens does not restart training');
  assert.equal(await page.textContent('#train-tau-out'), 'τ = 100', 'nor change the trainer’s τ');
  assert.match(lens.text, /^At τ = 0\.1 the hardest negative/);
  await page.click('#train-step');
  await pictureAt('0.1', '2');
  checkRows(await picture(page));

  // τ = ∞: each negative's weight is its CUI tokens' share, whatever its similarity.
  await page.check('#train-tau-inf');
  await page.waitForFunction(() => document.querySelector('#train-contrast .contrast-picture').dataset.tau === 'inf', null, { timeout: TIMEOUT });
  const inf = await picture(page);
  checkRows(inf);
  inf.rows.forEach((r, i) => {
    const total = inf.rows.reduce((a, s, k) => (k === i ? a : a + s.t2), 0);
    r.weights.forEach((w, k) => k === i || assert.ok(Math.abs(w - inf.rows[k].t2 / total) < 1e-12, `p_${i + 1},${k + 1} is T2 share`));
  });
  const off = inf.rows.flatMap((r, i) => r.weights.filter((_, k) => k !== i));
  assert.match(inf.text, /^At τ = ∞ the weights no longer depend on the similarities/);
  assert.ok(inf.text.includes(`${pct(Math.min(...off))} to ${pct(Math.max(...off))} of its row, near the uniform 9.1 %`), inf.text);
  t.diagnostic(inf.text);

  // A trainer without in-batch negatives: no picture.
  await page.selectOption('#train-trainer', 'claime-gd');
  await page.click('#train-step');
  await page.waitForFunction(() => document.getElementById('train-contrast').hidden, null, { timeout: TIMEOUT });
  assert.ok(await page.isHidden('#train-contrast'), 'and none on screen');
  checkClean(seen, env.server.url);
  await page.close();
});
