// Browser tests of the "Training" section: Play advances the iteration counter and the loss
// chart grows, Pause stops it, Step advances exactly one step, a converged trainer pauses
// itself, τ is disabled for trainers without one, the charts keep their reference levels in
// view, and changing the temperature (or the trainer) restarts training, with the numbers of a
// trainer built on a fresh page. Small parameters (d1 = d2 = 60, n = 2000) keep it quick.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkClean, download, openPage } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const SMALL = '?d1=60&d2=60&n=2000&signal=3';
const TIMEOUT = 60_000;

const env = useBrowser();

const iteration = async (page) => Number(await page.textContent('#train-iter'));
const chartPoints = (page, id) => page.$eval(`#${id} polyline.series`, (l) => l.getAttribute('points').trim().split(/\s+/).filter(Boolean).length);

// Waits until the iteration counter is above `n`.
function waitForIteration(page, n) {
  return page.waitForFunction((k) => Number(document.getElementById('train-iter').textContent) > k, n, { timeout: TIMEOUT });
}

// Waits until the iteration counter reads `n` exactly.
function waitForIterationIs(page, n) {
  return page.waitForFunction((k) => document.getElementById('train-iter').textContent === k, String(n), { timeout: TIMEOUT });
}

// Takes the first step of a fresh trainer: Step, then iteration 1 on the counter.
async function firstStep(page) {
  await page.click('#train-step');
  await waitForIterationIs(page, 1);
}

// Opens the page and waits until the training worker is ready.
async function openTraining() {
  const opened = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await opened.page.waitForSelector('#training[data-state="idle"]', { timeout: TIMEOUT });
  return opened;
}

test('play advances the counter and the charts grow; pause stops; step takes one step', { timeout: 120_000 }, async () => {
  const { page, seen } = await openTraining();
  // The temperature trainer (minibatches and Adam) does not converge within this test, so Play
  // runs until paused (CLAIME-GD here would converge and pause itself: the next test).
  await page.selectOption('#train-trainer', 'claime-temp');
  await page.click('#train-step');
  await waitForIteration(page, 0);
  await page.waitForFunction(() => document.getElementById('train-chart-align').innerHTML.startsWith('<svg'));
  const frame = await page.$eval('#train-chart-align', (el) => el.innerHTML); // after one step
  await page.click('#train-play');
  await waitForIteration(page, 20);
  const early = await chartPoints(page, 'train-chart-loss');
  await waitForIteration(page, (await iteration(page)) + 20);
  await page.waitForFunction((k) => {
    const l = document.querySelector('#train-chart-loss polyline.series');
    return l && l.getAttribute('points').trim().split(/\s+/).length > k;
  }, early, { timeout: TIMEOUT });
  assert.ok((await chartPoints(page, 'train-chart-loss')) > early, 'the loss chart grows while playing');
  assert.ok((await chartPoints(page, 'train-chart-error')) >= 2, 'the error chart has a line');
  assert.ok((await chartPoints(page, 'train-chart-dist')) >= 2, 'the distance chart has a line');
  // The alignment view animated: redrawn with the points moved since the first step.
  assert.match(frame, /^<svg/);
  assert.notEqual(await page.$eval('#train-chart-align', (el) => el.innerHTML), frame, 'the alignment view moved');
  assert.ok(Number(await page.getAttribute('#training', 'data-frames')) > 2, 'several frames drawn');

  await page.click('#train-pause');
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  const paused = await iteration(page);
  await page.waitForTimeout(600);
  assert.equal(await iteration(page), paused, 'pause stops the counter');

  await page.click('#train-step');
  await waitForIteration(page, paused);
  await page.waitForTimeout(400);
  assert.equal(await iteration(page), paused + 1, 'step advances exactly one step');
  await page.click('#train-step');
  await waitForIteration(page, paused + 1);
  await page.waitForTimeout(300);
  assert.equal(await iteration(page), paused + 2, 'a second step advances one more');

  const dist = Number(await page.textContent('#train-dist'));
  assert.ok(Number.isFinite(dist) && dist >= 0, `distance to SVD ${dist} is a number`);
  checkClean(seen, env.server.url);
  await page.close();
});

test('CLAIME-GD pauses itself once converged, and says so', { timeout: 120_000 }, async () => {
  const { page, seen } = await openTraining();
  await page.selectOption('#train-trainer', 'claime-gd');
  await page.click('#train-play');
  await page.waitForSelector('#train-status[data-kind="converged"]', { timeout: TIMEOUT });
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  const status = await page.textContent('#train-status');
  const m = status.match(/^Converged at iteration (\d+): the loss changed by ([\d.e+-]+) of its size per epoch, under the tolerance 1e-6/);
  assert.ok(m, `status: ${status}`);
  assert.ok(Number(m[2]) < 1e-6, `the change ${m[2]} is under the tolerance`);
  // Converged means at the SVD solution: gradient descent on the linear loss ends there.
  const dist = Number(await page.textContent('#train-dist'));
  assert.ok(dist < 0.01, `distance to CLAIME-SVD ${dist} at convergence`);
  const stopped = await iteration(page);
  assert.ok(stopped >= Number(m[1]), 'the counter is at or past the converged iteration');
  await page.waitForTimeout(500);
  assert.equal(await iteration(page), stopped, 'the counter stays put once converged');
  checkClean(seen, env.server.url);
  await page.close();
});

test('the temperature control is disabled for trainers without one', { timeout: 60_000 }, async () => {
  const { page, seen } = await openTraining();
  const tauState = () => page.evaluate(() => ({
    slider: document.getElementById('train-logtau').disabled,
    inf: document.getElementById('train-tau-inf').disabled,
    text: document.getElementById('train-tau-out').textContent,
  }));
  assert.deepEqual(await tauState(), { slider: false, inf: false, text: 'τ = 1' }, 'the temperature trainer has τ');
  for (const trainer of ['claime-gd', 'cl-gd']) {
    await page.selectOption('#train-trainer', trainer);
    assert.deepEqual(await tauState(), { slider: true, inf: true, text: 'no τ' }, trainer);
  }
  await page.selectOption('#train-trainer', 'claime-temp');
  assert.equal((await tauState()).slider, false, 'enabled again');
  checkClean(seen, env.server.url);
  await page.close();
});

test('after one step: "1 iteration", distinct loss ends, and the error chart keeps both levels', { timeout: 60_000 }, async () => {
  const { page, seen } = await openTraining();
  await firstStep(page);
  await page.waitForFunction(() => document.querySelector('#train-chart-loss polyline.series')?.getAttribute('points').trim().split(/\s+/).length === 2);
  const labels = (id) => page.$$eval(`#${id} svg text`, (ts) => ts.map((t) => t.textContent));
  const loss = await labels('train-chart-loss');
  assert.equal(loss[3], '1 iteration', `x axis: ${loss[3]}`);
  assert.notEqual(loss[0], loss[1], `the loss axis ends differ (${loss[0]}, ${loss[1]})`);
  // The error chart's range holds the SVD solution's error (dashed) and √(2p) (dotted), both
  // inside the frame, and its ends bracket them: p = 4 here, √8 = 2.828.
  const chart = await page.$eval('#train-chart-error svg', (svg) => {
    const frame = svg.querySelector('rect');
    const [top, bottom] = [Number(frame.getAttribute('y')), Number(frame.getAttribute('y')) + Number(frame.getAttribute('height'))];
    const y = (cls) => Number(svg.querySelector(`line.${cls}`)?.getAttribute('y1'));
    return { top, bottom, floor: y('floor'), ceiling: y('ceiling'), labels: [...svg.querySelectorAll('text')].map((t) => Number(t.textContent)) };
  });
  for (const level of ['floor', 'ceiling']) {
    assert.ok(chart[level] >= chart.top && chart[level] <= chart.bottom, `${level} at ${chart[level]} inside [${chart.top}, ${chart.bottom}]`);
  }
  assert.ok(chart.labels[0] >= Number(Math.sqrt(8).toPrecision(4)), `top of the error axis ${chart.labels[0]} is at least √(2p) (to its 4 digits)`);
  assert.ok(chart.ceiling < chart.floor, 'the no-recovery level is above the SVD solution’s');
  checkClean(seen, env.server.url);
  await page.close();
});

test('changing the temperature restarts training; step works on a fresh page', { timeout: 120_000 }, async () => {
  const { page, seen } = await openTraining();
  await firstStep(page);
  assert.equal(await page.textContent('#train-tau-out'), 'τ = 1');
  await page.click('#train-play');
  await waitForIteration(page, 10);
  const before = await iteration(page);
  await page.$eval('#train-logtau', (input) => {
    input.value = '2';
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
  assert.equal(await page.textContent('#train-tau-out'), 'τ = 100');
  // The counter falls back to 0 (a new trainer) and, still playing, climbs again.
  await page.waitForFunction((b) => Number(document.getElementById('train-iter').textContent) < b, before, { timeout: TIMEOUT });
  await waitForIteration(page, 0);
  assert.equal(await page.getAttribute('#training', 'data-state'), 'playing');

  await page.click('#train-pause');
  await page.check('#train-tau-inf');
  assert.match(await page.textContent('#train-tau-out'), /∞/);
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  assert.equal(await iteration(page), 0, 'the infinite temperature restarts at iteration 0');
  await page.selectOption('#train-trainer', 'cl-gd');
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  await firstStep(page);
  assert.equal(await page.textContent('#train-status').then((t) => /Error/.test(t)), false);
  // These restarts kept the explorer's parameters, so the worker retrained on the patients it
  // held (and fitted CL's SVD solution for CL-GD); a fresh page simulates them again and must
  // show the same numbers after one step.
  const numbers = (p) => p.evaluate(() => ['train-loss', 'train-error', 'train-dist'].map((id) => document.getElementById(id).textContent));
  const retrained = await numbers(page);
  checkClean(seen, env.server.url);
  await page.close();
  const fresh = await openTraining();
  await fresh.page.selectOption('#train-trainer', 'cl-gd');
  await firstStep(fresh.page);
  assert.deepEqual(await numbers(fresh.page), retrained, 'CL-GD after restarts = CL-GD built on a fresh page');
  checkClean(fresh.seen, env.server.url);
  await fresh.page.close();
});

test('the explorer’s finished fits become the trainers’ SVD solutions, with the same numbers', { timeout: 120_000 }, async () => {
  // The explorer's worker has fitted CLAIME and CL at these parameters; the trainers take those
  // fits instead of fitting again (data-reference="adopted"). Without CL among the explorer's
  // methods, the worker fits CL itself ("fitted"). One step of CL-GD must give the same full
  // doubles either way, and so must CLAIME's trainer after it.
  const exact = (p) => p.evaluate(() => ['train-loss', 'train-error', 'train-dist'].map((id) => document.getElementById(id).dataset.value));
  const after = async (page, trainer) => {
    await page.selectOption('#train-trainer', trainer); // a held trainer is rebuilt: iteration 0
    await firstStep(page);
    return { origin: await page.getAttribute('#training', 'data-reference'), numbers: await exact(page) };
  };
  const results = {};
  for (const methods of ['claime,concate,cl', 'claime,concate']) {
    const { page, seen } = await openPage(env.browser.context, `${env.server.url}${SMALL}&methods=${methods}`);
    await page.waitForSelector('#training[data-state="idle"]', { timeout: TIMEOUT });
    await page.waitForSelector('#views[data-state="done"]', { timeout: TIMEOUT });
    results[methods] = { cl: await after(page, 'cl-gd'), claime: await after(page, 'claime-gd') };
    checkClean(seen, env.server.url);
    await page.close();
  }
  const [taken, own] = [results['claime,concate,cl'], results['claime,concate']];
  assert.deepEqual([taken.cl.origin, taken.claime.origin], ['adopted', 'adopted']);
  assert.deepEqual([own.cl.origin, own.claime.origin], ['fitted', 'adopted'], 'CL fitted by the trainer, CLAIME taken');
  assert.ok(taken.cl.numbers.every((x) => Number.isFinite(Number(x))), String(taken.cl.numbers));
  assert.deepEqual(taken.cl.numbers, own.cl.numbers, 'CL-GD: the explorer’s CL fit = the trainer’s own');
  assert.deepEqual(taken.claime.numbers, own.claime.numbers, 'CLAIME-GD after it');
  assert.notDeepEqual(taken.cl.numbers, taken.claime.numbers, 'two trainers, two states');
});

test('a Step right after a τ slider move steps the trainer with the new τ', { timeout: 120_000 }, async () => {
  const { page, seen } = await openTraining();
  await page.selectOption('#train-trainer', 'claime-temp');
  await firstStep(page);
  // The move and the click in one task, well within the slider's 150 ms settling.
  await page.evaluate(() => {
    const input = document.getElementById('train-logtau');
    input.value = '1';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    document.getElementById('train-step').click();
  });
  await waitForIterationIs(page, 1);
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  await page.waitForTimeout(500); // past the settling: nothing else restarts
  assert.equal(await iteration(page), 1, 'the Step was taken by the new trainer, not lost to its restart');
  const exact = () => page.evaluate(() => ['train-loss', 'train-error', 'train-dist'].map((id) => document.getElementById(id).dataset.value));
  const stepped = await exact();
  await page.click('#train-reset'); // τ = 10 still: the same trainer from iteration 0
  await waitForIterationIs(page, 0);
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  await firstStep(page);
  assert.deepEqual(await exact(), stepped, 'the step was one of the τ = 10 trainer');
  checkClean(seen, env.server.url);
  await page.close();
});

test('a new run of the explorer rebuilds the trainer on its parameters', { timeout: 120_000 }, async () => {
  const { page, seen } = await openTraining();
  await firstStep(page);
  await page.waitForSelector('#views[data-state="done"]', { timeout: TIMEOUT });
  const before = await page.$eval('#train-chart-align', (el) => el.innerHTML);
  await page.fill('#in-signal', '1.5');
  await page.press('#in-signal', 'Enter');
  // The trainer is rebuilt (iteration 0) on the new signal, and its first state is drawn.
  await waitForIterationIs(page, 0);
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  await firstStep(page);
  assert.notEqual(await page.$eval('#train-chart-align', (el) => el.innerHTML), before, 'another truth, other embeddings');
  checkClean(seen, env.server.url);
  await page.close();
});

test('the temperature sweep fills in a row per temperature', { timeout: 120_000 }, async () => {
  const { page, seen } = await openTraining();
  await page.fill('#sweep-steps', '30');
  await page.click('#sweep-run');
  await page.waitForFunction(() => /^Done/.test(document.getElementById('sweep-status').textContent), null, { timeout: 90_000 });
  const rows = await page.$$eval('#sweep-table tbody tr', (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
  assert.deepEqual(rows.map((r) => r[0]), ['0.01', '0.1', '1', '10', '100', '1000', '∞']);
  for (const [tau, error, dist] of rows) {
    assert.match(error, /^\d+\.\d{4}$/, `tau ${tau}: recovery error ${error}`);
    assert.match(dist, /^\d+\.\d{4}$/, `tau ${tau}: distance ${dist}`);
  }
  // The sweep as CSV: its header and one full-precision row per temperature, matching the table.
  const csv = (await download(page, '#sweep-csv')).bytes.toString('utf8');
  const lines = csv.trim().split('\n');
  assert.equal(lines[0], 'tau,steps,iteration,loss,recovery_error,distance_to_svd,svd_error');
  assert.deepEqual(lines.slice(1).map((l) => l.split(',')[0]), ['0.01', '0.1', '1', '10', '100', '1000', 'inf']);
  lines.slice(1).forEach((l, i) => {
    const cells = l.split(',').map(Number);
    assert.equal(cells[1], 30, 'steps per run');
    assert.equal(cells[4].toFixed(4), rows[i][1], `row ${i}: recovery error matches the table`);
  });
  checkClean(seen, env.server.url);
  await page.close();
});

test('at the default size (d1 = d2 = 500, n = 20000) training stays responsive', { timeout: 240_000 }, async () => {
  const { page, seen } = await openPage(env.browser.context, env.server.url);
  await page.waitForSelector('#training[data-state="idle"]', { timeout: TIMEOUT });
  // The temperature trainer: CLAIME-GD converges here within about a second and pauses itself.
  await page.selectOption('#train-trainer', 'claime-temp');
  await page.click('#train-play');
  await page.waitForFunction(() => Number(document.getElementById('train-iter').textContent) > 5, null, { timeout: 180_000 });
  // The page's main thread stays free: a timer fires on time while the worker trains.
  const lag = await page.evaluate(() => new Promise((resolve) => {
    const t0 = performance.now();
    setTimeout(() => resolve(performance.now() - t0 - 50), 50);
  }));
  assert.ok(lag < 200, `main-thread timer lag ${lag.toFixed(0)} ms`);
  const t0 = Date.now();
  await page.click('#train-pause');
  await page.waitForSelector('#training[data-state="paused"]', { timeout: TIMEOUT });
  const pauseMs = Date.now() - t0;
  console.log(`[training] pause answered in ${pauseMs} ms at iteration ${await iteration(page)}`);
  assert.ok(pauseMs < 2000, `pause takes effect within 2 s (${pauseMs} ms)`);
  checkClean(seen, env.server.url);
  await page.close();
});
