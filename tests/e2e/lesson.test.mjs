// Browser tests of the lesson screen (issue 27, items 1 and 2): at 1280 x 800 the controls a
// lecture uses, both lesson charts and the trainer's Play/Step lie within the first screen; the
// pipeline strip gives the current sizes and links to existing views; a trainer's step shows
// in the lesson's alignment view; the bare address lands
// on the preset where CLAIME recovers (labelled, and the command line's numbers for the same
// parameters), with the paper's setting one click away and kept by its permalink.

import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { cliReport, ensureCli } from './cli.mjs';
import { checkClean, waitForDone } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const SCREEN = { width: 1280, height: 800 };
/** What a lecture needs without scrolling: the controls, both charts, the trainer's buttons. */
const ON_SCREEN = [
  '#in-noise', '#in-c', '#in-signal', '#in-n', '#in-d1', '#in-d2', '#in-p', '#train-logtau', '#train-trainer',
  '#chart-error svg', '#chart-alignment svg', '#train-play', '#train-step', '#train-pause', '#pipeline', '#tip',
];
/** Clear margin (projection distance) by which CLAIME must lead at the landing. */
const CLEAR_MARGIN = 0.2;

const env = useBrowser();
before(() => ensureCli());

// Opens `query` at 1280 x 800 and waits for the run.
async function openScreen(query) {
  const page = await env.browser.context.newPage();
  await page.setViewportSize(SCREEN);
  const seen = { errors: [], requests: [] };
  page.on('request', (r) => seen.requests.push(r.url()));
  page.on('console', (m) => m.type() === 'error' && seen.errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => seen.errors.push(`pageerror: ${e.message}`));
  await page.goto(`${env.server.url}${query}`);
  const rows = await waitForDone(page);
  return { page, seen, rows };
}

// The strip's stages as text.
const stripText = (page) => page.$$eval('#pipeline a', (as) => as.map((a) => a.textContent));

test('at 1280 x 800 the lesson is one screen; the strip gives the current sizes', { timeout: 120_000 }, async () => {
  const { page, seen } = await openScreen('?d1=100&d2=100&n=4000&signal=3');
  assert.equal(await page.evaluate(() => window.scrollY), 0, 'not scrolled');
  for (const selector of ON_SCREEN) {
    const box = await page.locator(selector).first().boundingBox();
    assert.ok(box, `${selector} is shown`);
    assert.ok(box.x >= 0 && box.y >= 0 && box.x + box.width <= SCREEN.width && box.y + box.height <= SCREEN.height,
      `${selector} lies within 1280 x 800: ${JSON.stringify(box)}`);
  }
  assert.deepEqual(await stripText(page),
    ['4,000 patients', '100 × 100 counts', 'PMI', 'rank 4 SVD', 'or gradient descent', '200 × 4 embeddings']);
  // Every stage links to a view that exists.
  for (const href of await page.$$eval('#pipeline a', (as) => as.map((a) => a.getAttribute('href')))) {
    assert.ok(await page.$(href), `${href} exists`);
  }
  // The trainer on the same screen: a step shows its embeddings in the lesson's alignment view,
  // within the viewport, and a button brings the SVD fit back.
  await page.waitForSelector('#training[data-state="idle"]', { timeout: 60_000 });
  await page.click('#train-step');
  await page.waitForSelector('#lesson-alignment[data-source="trainer"] #lesson-train-align svg', { timeout: 60_000 });
  const live = await page.locator('#lesson-train-align svg').boundingBox();
  assert.ok(live.y >= 0 && live.y + live.height <= SCREEN.height, `the trainer's view is on screen: ${JSON.stringify(live)}`);
  assert.equal(await page.isVisible('#chart-alignment'), false, 'it takes the SVD fit’s place');
  assert.equal(await page.isVisible('#summary-alignment'), false, 'with the SVD fit’s summary');
  await page.click('#lesson-show-svd');
  assert.equal(await page.getAttribute('#lesson-alignment', 'data-source'), 'svd');
  assert.equal(await page.isVisible('#chart-alignment'), true, 'the SVD fit is back');
  await page.close();

  // Other sizes through the address: the strip follows them.
  const other = await openScreen('?d1=120&d2=80&n=3000&p=3&signal=3');
  assert.deepEqual(await stripText(other.page),
    ['3,000 patients', '120 × 80 counts', 'PMI', 'rank 3 SVD', 'or gradient descent', '200 × 3 embeddings']);
  // ...and a control change too.
  await other.page.fill('#in-n', '2500');
  await other.page.press('#in-n', 'Enter');
  await other.page.waitForFunction(() => document.querySelector('#pipeline a').textContent === '2,500 patients');
  checkClean(seen, env.server.url);
  assert.deepEqual(other.seen.errors, []);
  await other.page.close();
});

test('the bare address lands where CLAIME recovers, labelled; the paper is one click away', { timeout: 180_000 }, async () => {
  const { page, seen, rows } = await openScreen('');
  const byMethod = Object.fromEntries(rows.map((r) => [r.method, r.values[0]]));
  const best = Math.min(byMethod.concate, byMethod.cl);
  assert.ok(byMethod.claime + CLEAR_MARGIN <= best,
    `CLAIME ${byMethod.claime} leads the best baseline ${best} by at least ${CLEAR_MARGIN}`);
  assert.match(await page.textContent('#landing'), /^CLAIME recovers here: /);
  assert.equal(await page.inputValue('#in-signal'), '2');
  // The permalink names the landing's parameters, and the command line agrees with the page.
  const url = new URL(page.url());
  assert.equal(url.searchParams.get('signal'), '2');
  const cli = cliReport({ signal: 2 });
  for (const m of ['claime', 'concate', 'cl']) {
    assert.equal(byMethod[m], cli.methods[m].projection_distance, `${m}: page and \`claime run --signal 2\``);
  }

  // One click: the paper's setting (signal 1), explained, and its permalink keeps it.
  await page.click('#landing button:has-text("The paper’s setting")');
  await page.waitForFunction(() => /^The paper’s setting/.test(document.getElementById('landing').textContent));
  await waitForDone(page);
  assert.equal(await page.inputValue('#in-signal'), '1');
  assert.match(await page.textContent('#landing'), /too noisy for any method to recover much/);
  assert.ok(await page.$('#landing button:has-text("Try n = 100,000")'), 'the larger cohort is one click away');
  assert.equal(new URL(page.url()).searchParams.get('signal'), '1', 'the paper’s permalink names its signal');
  await page.reload();
  await waitForDone(page);
  assert.equal(await page.inputValue('#in-signal'), '1', 'a reload keeps the paper’s setting');
  checkClean(seen, env.server.url);
  await page.close();
});
