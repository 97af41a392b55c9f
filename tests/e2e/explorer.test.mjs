// Browser tests of the explorer's interaction: every control restarts the run and changes the
// numbers, Stop stops, a bad value is reported and the page keeps working, and the alignment
// method switches without a restart. (The worker's numbers against the command line's:
// determinism.test.mjs.)
// Small parameters throughout (d1 = d2 = 100, n = 4000) keep the suite quick.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkClean, checkErrorChart, openPage, tableText, waitForDone, waitForNewNumbers } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const SMALL = '?d1=100&d2=100&n=4000&signal=3';

const env = useBrowser();

// Sets a slider's value as a user drag would (an input event per step).
async function setSlider(page, selector, value) {
  await page.$eval(selector, (input, v) => {
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

test('noise, p and signal each restart the run and change the numbers', { timeout: 150_000 }, async () => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await waitForDone(page);
  let numbers = await tableText(page);
  await page.selectOption('#in-noise', 'orthogonal');
  assert.ok(await page.isVisible('#in-tau2'), 'tau2 shows for orthogonal noise');
  assert.ok(!(await page.isVisible('#in-c')), 'c hides for orthogonal noise');
  numbers = await waitForNewNumbers(page, numbers);
  assert.match(page.url(), /noise=orthogonal/, 'the URL holds the new noise');
  await setSlider(page, '#in-p', 3);
  numbers = await waitForNewNumbers(page, numbers);
  assert.equal(await page.textContent('#no-recovery-p'), '3');
  await page.fill('#in-signal', '2');
  numbers = await waitForNewNumbers(page, numbers);
  assert.match(page.url(), /signal=2\b/);
  await checkErrorChart(page);
  checkClean(seen, env.server.url);
  await page.close();
});

test('the alignment method switches without restarting; a bad value is reported', { timeout: 90_000 }, async () => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await waitForDone(page);
  const progress = await page.textContent('#progress');
  const before = await page.$eval('#chart-alignment svg', (s) => s.outerHTML);
  await page.selectOption('#view-method', 'cl');
  await page.waitForFunction((b) => document.querySelector('#chart-alignment svg').outerHTML !== b, before);
  assert.equal(await page.textContent('#progress'), progress, 'no new run');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'done');
  await page.fill('#in-d1', '5');
  await page.waitForSelector('#views[data-state="error"]');
  assert.match(await page.textContent('#status'), /\bp\b.*min\(d1, d2\)/, 'the message names the rule');
  await page.fill('#in-d1', '100');
  await page.waitForSelector('#views:not([data-state="error"])');
  await waitForDone(page);
  checkClean(seen, env.server.url);
  await page.close();
});

test('Stop stops: the progress no longer advances', { timeout: 90_000 }, async () => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}?d1=100&d2=100&n=400000&methods=claime`);
  await page.waitForFunction(() => document.getElementById('progress-bar').value > 0, null, { timeout: 60_000 });
  await page.click('#stop');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'stopped');
  const stoppedAt = await page.textContent('#progress');
  await page.waitForTimeout(2500);
  assert.equal(await page.textContent('#progress'), stoppedAt, 'progress frozen after Stop');
  assert.equal(await page.getAttribute('#views', 'data-state'), 'stopped');
  assert.ok(await page.isEnabled('#rerun'), '"Run again" is offered');
  assert.ok(await page.isDisabled('#stop'));
  checkClean(seen, env.server.url);
  await page.close();
});
