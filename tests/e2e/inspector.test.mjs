// The neighbour inspector, in the explorer (truth and each method) and on your own data (the
// sample): a feature picked by name lists its top-k neighbours by cosine in every space, and a
// name that does not exist is said so. Uses the system Chromium (see helpers.mjs).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkClean, openPage, waitForDone } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const TIMEOUT = 90_000;

const env = useBrowser();

// Types a feature name in an inspector and returns its tables: [{caption, rows: [{name, cosine}]}].
async function inspect(page, prefix, name, k = '10') {
  await page.fill(`#${prefix}-feature`, name);
  await page.selectOption(`#${prefix}-k`, k);
  const root = prefix === 'explorer' ? '#inspector' : '#data-inspector';
  await page.$eval(`${root} .inspector-tables`, (el) => el.replaceChildren());
  await page.click(`${root} button[type=submit]`);
  await page.waitForFunction((r) => {
    const note = document.querySelector(`${r} .inspector-note`).textContent;
    return document.querySelector(`${r} .inspector-tables table`) || /No code or CUI|Could not/.test(note);
  }, root, { timeout: TIMEOUT });
  return page.$$eval(`${root} .inspector-tables table`, (tables) => tables.map((t) => ({
    caption: t.caption.textContent,
    rows: [...t.tBodies[0].rows].map((r) => ({ name: r.dataset.name, cosine: Number(r.cells[2].textContent) })),
  })));
}

test('explorer: neighbours in the truth and in each method, sorted by cosine', async () => {
  const { page, seen } = await openPage(env.browser.context, `${env.server.url}?d1=60&d2=50&n=4000&signal=3`);
  await waitForDone(page);
  const tables = await inspect(page, 'explorer', 'code_07');
  assert.deepEqual(tables.map((t) => t.caption.split(':')[0]), ['Truth', 'CLAIME', 'Concate', 'CL']);
  for (const t of tables) {
    assert.equal(t.rows.length, 10, t.caption);
    assert.ok(t.rows.every((r) => r.name !== 'code_07' && r.cosine <= 1 && r.cosine >= -1), t.caption);
    assert.ok(t.rows.every((r, i) => i === 0 || t.rows[i - 1].cosine >= r.cosine), `${t.caption}: sorted`);
  }
  // Strong signal: CLAIME keeps most of the true neighbourhood (chance is about 1 of 10).
  const shared = Number(/(\d+) of 10 also/.exec(tables[1].caption)[1]);
  assert.ok(shared >= 5, tables[1].caption);
  assert.ok(tables[0].rows.some((r) => r.name.startsWith('cui_')), 'both modalities are listed');
  assert.equal((await inspect(page, 'explorer', 'code_07', '5'))[0].rows.length, 5);
  assert.equal((await inspect(page, 'explorer', 'nope')).length, 0);
  assert.match(await page.textContent('#inspector .inspector-note'), /No code or CUI is named “nope”/);
  checkClean(seen, env.server.url);
  await page.close();
});

test('your data: the sample fitted, neighbours in each method', async () => {
  const { page, seen } = await openPage(env.browser.context, env.server.url);
  await page.click('#data-sample');
  await page.waitForSelector('#data-results:not([hidden])', { timeout: TIMEOUT });
  const names = await page.evaluate(async () => {
    const r = await fetch('./www/sample/sample.summary.json');
    return (await r.json()).codes;
  });
  const tables = await inspect(page, 'data', names[0]);
  assert.deepEqual(tables.map((t) => t.caption), ['CLAIME', 'Concate', 'CL']);
  for (const t of tables) assert.equal(t.rows.length, 10);
  checkClean(seen, env.server.url);
  await page.close();
});
