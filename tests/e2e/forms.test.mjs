// Calm forms (issue 27, item 8): a field's hint never moves the layout, and a typed number runs
// once it is committed (Enter, leaving the box, or a pause), never on its partial values.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TYPING_PAUSE_MS } from '../../www/explorer/controls.js';
import { checkClean, openPage, waitForDone } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const SMALL = '?d1=100&d2=100&n=4000&signal=3';
const env = useBrowser();

// Opens the small page, waits for its run, and starts counting the runs that start after it.
async function openCounting() {
  const opened = await openPage(env.browser.context, `${env.server.url}${SMALL}`);
  await waitForDone(opened.page);
  await opened.page.evaluate(() => {
    const views = document.getElementById('views');
    window.runsStarted = 0;
    new MutationObserver(() => { if (views.dataset.state === 'running') window.runsStarted += 1; })
      .observe(views, { attributes: true, attributeFilter: ['data-state'] });
  });
  return opened;
}

const runs = (page) => page.evaluate(() => window.runsStarted);
const settled = (page) => page.waitForFunction(() => document.getElementById('views').dataset.state === 'done', null, { timeout: 90_000 });

test('typing 50000 slowly starts one run, with 50000 patients, when Enter commits it', { timeout: 120_000 }, async () => {
  const { page, seen } = await openCounting();
  await page.click('#in-n', { clickCount: 3 });
  await page.keyboard.type('50000', { delay: 150 });
  assert.equal(await runs(page), 0, 'no run on the partial values 5, 50, 500, 5000');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.runsStarted > 0);
  await settled(page);
  await page.waitForTimeout(TYPING_PAUSE_MS + 200);
  assert.equal(await runs(page), 1, 'exactly one run');
  assert.equal(await page.getAttribute('#metrics', 'data-patients'), '50000');
  checkClean(seen, env.server.url);
  await page.close();
});

test('a typed number also runs on leaving the box, once, and after a pause', { timeout: 120_000 }, async () => {
  const { page, seen } = await openCounting();
  await page.click('#in-signal', { clickCount: 3 });
  await page.keyboard.type('2');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => window.runsStarted > 0);
  await settled(page);
  await page.waitForTimeout(TYPING_PAUSE_MS + 200);
  assert.equal(await runs(page), 1, 'leaving the box ran it once; the pause did not run it again');

  await page.click('#in-signal', { clickCount: 3 });
  await page.keyboard.type('3');
  await page.waitForFunction(() => window.runsStarted > 1, null, { timeout: 10_000 });
  await settled(page);
  assert.equal(await runs(page), 2, 'a pause after typing ran the new value');
  assert.equal(new URL(page.url()).searchParams.get('signal'), '3');
  checkClean(seen, env.server.url);
  await page.close();
});

test('a field’s hint shows on focus without moving any control, and clicks go through it', { timeout: 120_000 }, async () => {
  const { page, seen } = await openCounting();
  const boxes = () => page.$$eval('#controls-form .field, #controls-form fieldset', (els) => els.map((e) => {
    const r = e.getBoundingClientRect();
    return [e.dataset.key ?? e.className, Math.round(r.x), Math.round(r.y), Math.round(r.width), Math.round(r.height)].join(' ');
  }));
  const before = await boxes();
  await page.focus('#in-d1');
  assert.equal(await page.isVisible('#hint-d1'), true, 'the hint shows');
  assert.deepEqual(await boxes(), before, 'no field moved or resized');
  await page.click('#in-d2');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'in-d2', 'a click on the next field lands on it');
  assert.equal(await page.isVisible('#hint-d1'), false);
  checkClean(seen, env.server.url);
  await page.close();
});
