// Browser tests of access and comfort (issue #6): an axe-core audit in light and dark mode with
// no serious or critical violation; a run driven by the keyboard alone, with a visible focus
// outline on every stop and a tab order that follows the page; dark mode from the system and
// from the toggle (remembered); a 360 px phone viewport without horizontal scrolling; reduced
// motion; the text summaries under the charts; the explanation article and its links.
// At 360 px the run bar is short, tick labels are at least 10 CSS px and a changed control shows
// a note; charts follow dark mode. Screenshots of the lesson at 1280 x 800 (light, dark) and at
// 360 px go to docs/screenshots/, and the light one to docs/screenshot.png (the README's).

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FIELDS } from '../../www/state/fields.js';
import { checkClean, tableRows, tableText, waitForDone, waitForNewNumbers } from './helpers.mjs';
import { useBrowser } from './setup.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SHOTS = join(ROOT, 'docs', 'screenshots');
/** axe-core's browser bundle (a devDependency), injected into the page under test. */
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SMALL = '?d1=100&d2=100&n=4000&signal=3';
const PHONE = { width: 360, height: 780 };

// bypassCSP lets the test inject axe-core as an inline script; the page itself is unchanged.
const env = useBrowser({ bypassCSP: true });

// Opens the page under the given media emulation, recording errors and requests as
// helpers.mjs's openPage does; waits for the run.
async function openDone(query = SMALL, media = {}) {
  const page = await env.browser.context.newPage();
  await page.emulateMedia(media);
  const seen = { errors: [], requests: [] };
  page.on('console', (m) => m.type() === 'error' && seen.errors.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => seen.errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => seen.requests.push(r.url()));
  await page.goto(`${env.server.url}${query}`);
  await waitForDone(page);
  return { page, seen };
}

// Runs axe-core on the whole page; returns its serious and critical violations as text.
async function seriousViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document)).violations);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

// Relative luminance (0 black .. 1 white) of a chart's ground: the computed fill of the first
// rectangle plotters draws (the whole chart's background).
function chartGroundLuminance(page, selector) {
  return page.$eval(`${selector} svg > rect`, (rect) => {
    const [r, g, b] = getComputedStyle(rect).fill.match(/\d+(\.\d+)?/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
}

// The rendered size (CSS px) of the smallest tick label of a chart drawn by plotters: its
// computed font size times the chart's scale (shown width / drawn width).
function smallestTickPx(page, selector) {
  return page.$eval(`${selector} svg`, (svg) => {
    const scale = svg.getBoundingClientRect().width / Number(svg.getAttribute('width'));
    const ticks = [...svg.querySelectorAll('text')].filter((t) => t.getAttribute('font-size').startsWith('11.29'));
    return ticks.length ? Math.min(...ticks.map((t) => parseFloat(getComputedStyle(t).fontSize) * scale)) : NaN;
  });
}

// Relative luminance (0 black .. 1 white) of the page's computed background colour.
function backgroundLuminance(page, selector = 'body') {
  return page.$eval(selector, (el) => {
    const [r, g, b] = getComputedStyle(el).backgroundColor.match(/\d+(\.\d+)?/g).map(Number);
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  });
}

// Presses Tab until the element with id `stopAt` has focus (or, without it, until focus leaves
// the page or wraps); returns each stop: id, tag, document-order index, outline style and width.
async function tabStops(page, stopAt = null, max = 250) {
  const stops = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      return {
        id: el.id, tag: el.tagName.toLowerCase(), text: (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40),
        index: [...document.querySelectorAll('*')].indexOf(el),
        outline: style.outlineStyle, width: parseFloat(style.outlineWidth), focusVisible: el.matches(':focus-visible'),
      };
    });
    if (!stop || (stops.length && stop.index === stops[0].index)) break;
    stops.push(stop);
    if (stopAt && stop.id === stopAt) break;
  }
  return stops;
}

// Asserts each stop showed a focus outline of at least 2 px.
function checkOutlines(stops) {
  for (const s of stops) {
    assert.ok(s.focusVisible && s.outline !== 'none' && s.width >= 2,
      `visible focus on <${s.tag} id="${s.id}"> "${s.text}": outline ${s.outline} ${s.width}px`);
  }
}

test('axe-core finds no serious or critical violation, in light and in dark mode', { timeout: 120_000 }, async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, seen } = await openDone(SMALL, { colorScheme });
    const dark = (await backgroundLuminance(page)) < 0.2;
    assert.equal(dark, colorScheme === 'dark', `${colorScheme}: the page background follows the system`);
    assert.deepEqual(await seriousViolations(page), [], `${colorScheme}: axe violations`);
    checkClean(seen, `${new URL(env.server.url).origin}/`);
    await page.close();
  }
});

test('a run driven by the keyboard alone: Tab order, focus outlines, slider arrows, a typed seed', { timeout: 150_000 }, async () => {
  const { page } = await openDone();
  // The whole page: every stop shows a focus outline, in document order (no positive tabindex).
  const all = await tabStops(page);
  checkOutlines(all);
  for (let i = 1; i < all.length; i += 1) {
    assert.ok(all[i].index > all[i - 1].index, `tab order follows the page: ${all[i - 1].id || all[i - 1].tag} then ${all[i].id || all[i].tag}`);
  }
  const ids = all.map((s) => s.id);
  for (const id of ['theme-toggle', 'in-p', 'in-seed', 'rerun', 'view-method', 'chart-alignment-wrap', 'train-play']) {
    assert.ok(ids.includes(id), `#${id} is reachable by Tab`);
  }
  assert.ok(all.some((s) => s.tag === 'a' && /try it/.test(s.text)), 'the article links are reachable by Tab');
  assert.equal(await page.$$eval('[tabindex]', (els) => els.filter((e) => e.tabIndex > 0).length), 0, 'no positive tabindex');

  // A run from the keyboard: Tab to the p slider, ArrowRight, and a new run with new numbers.
  await page.reload();
  await waitForDone(page);
  const first = await tableText(page);
  const toP = await tabStops(page, 'in-p');
  assert.equal(toP.at(-1).id, 'in-p', 'Tab reaches the p slider');
  const p = Number(await page.inputValue('#in-p'));
  await page.keyboard.press('ArrowRight');
  assert.equal(Number(await page.inputValue('#in-p')), p + 1, 'ArrowRight moves the slider one step');
  const second = await waitForNewNumbers(page, first);
  assert.match(page.url(), new RegExp(`[?&]p=${p + 1}(&|$)`), 'the new p is in the URL');

  // Then Tab on to the seed, type a new one and press Enter.
  const toSeed = await tabStops(page, 'in-seed');
  assert.equal(toSeed.at(-1).id, 'in-seed', 'Tab reaches the seed');
  checkOutlines([...toP, ...toSeed]);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('12345');
  await page.keyboard.press('Enter');
  const third = await waitForNewNumbers(page, second);
  assert.notEqual(third, first);
  assert.match(page.url(), /[?&]seed=12345(&|$)/, 'the typed seed is in the URL');
  assert.match(await page.textContent('#status'), /^Done/, 'the live status line reports the run');
  await page.close();
});

test('dark mode follows the system and the toggle switches it (remembered)', { timeout: 120_000 }, async () => {
  const { page } = await openDone('', { colorScheme: 'dark' }); // the landing, as a first visit shows it
  try {
    const html = () => page.$eval('html', (el) => el.dataset.theme ?? null);
    assert.equal(await html(), null, 'no stored choice: the page follows the system');
    assert.ok((await backgroundLuminance(page)) < 0.2, 'system dark: dark background');
    assert.equal(await page.getAttribute('#theme-toggle', 'aria-pressed'), 'true');
    for (const chart of ['#chart-error', '#chart-alignment', '#chart-spectrum']) {
      assert.ok((await chartGroundLuminance(page, chart)) < 0.2, `${chart} follows dark mode: a dark ground`);
    }
    const ink = await page.$eval('#chart-error svg text', (t) => getComputedStyle(t).fill);
    assert.notEqual(ink, 'rgb(0, 0, 0)', 'the charts’ text is not black on the dark ground');
    mkdirSync(SHOTS, { recursive: true });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.screenshot({ path: join(SHOTS, 'lesson-dark.png') });

    await page.focus('#theme-toggle');
    await page.keyboard.press('Enter');
    assert.equal(await html(), 'light', 'the toggle switches to light');
    assert.ok((await backgroundLuminance(page)) > 0.9, 'light background');
    assert.ok((await chartGroundLuminance(page, '#chart-error')) > 0.9, 'light charts in light mode');
    assert.equal(await page.getAttribute('#theme-toggle', 'aria-pressed'), 'false');
    await page.reload();
    assert.equal(await html(), 'light', 'the choice is remembered across a reload');
    assert.ok((await backgroundLuminance(page)) > 0.9);

    await page.click('#theme-toggle');
    assert.equal(await html(), 'dark', 'and back to dark');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.ok((await backgroundLuminance(page)) < 0.2, 'a stored choice wins over the system');
  } finally {
    await page.evaluate(() => localStorage.clear());
    await page.close();
  }
});

test('a 360 px phone: no horizontal scrolling, lesson first, short run bar, readable ticks, feedback', { timeout: 120_000 }, async () => {
  const page = await env.browser.context.newPage();
  await page.setViewportSize(PHONE);
  await page.goto(`${env.server.url}${SMALL}`);
  await waitForDone(page);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= PHONE.width, `scrollWidth ${width} <= ${PHONE.width}`);
  const [controls, lesson] = await Promise.all(['#controls', '.lesson'].map((s) => page.locator(s).boundingBox()));
  assert.ok(controls.y >= lesson.y + lesson.height, 'the lesson charts come before the controls');
  const charts = await page.$$eval('.chart svg', (svgs) => svgs.map((s) => s.getBoundingClientRect().right));
  assert.ok(charts.length >= 5 && charts.every((r) => r <= PHONE.width), `charts fit: ${charts}`);
  // The sticky run bar stays short, so it covers little of the charts under it.
  const bar = await page.locator('.runbar').boundingBox();
  assert.ok(bar.height <= 64, `run bar ${bar.height} px high (at most 64)`);
  for (const chart of ['#chart-error', '#chart-alignment', '#chart-spectrum']) {
    const px = await smallestTickPx(page, chart);
    assert.ok(px >= 10, `${chart}: tick labels ${px.toFixed(1)} CSS px (at least 10)`);
  }
  assert.deepEqual(await seriousViolations(page), [], 'axe violations at 360 px');
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(SHOTS, 'lesson-phone-360.png') });
  // A control change restarts the run and says so beside that control.
  await page.fill('#in-n', '3000');
  await page.press('#in-n', 'Enter');
  const note = page.locator('.field[data-key="n"] .restart-note');
  await note.waitFor({ timeout: 5000 });
  assert.match(await note.textContent(), /run restarted/);
  const [field, noteBox] = await Promise.all([page.locator('.field[data-key="n"]').boundingBox(), note.boundingBox()]);
  assert.ok(noteBox.y >= field.y && noteBox.y + noteBox.height <= field.y + field.height, 'the note sits on the changed field');
  await waitForDone(page);
  await page.close();
});

test('at 1280 x 800: the lesson in light mode, with ticks of at least 10 CSS px', { timeout: 120_000 }, async () => {
  const page = await env.browser.context.newPage();
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(env.server.url); // the landing: what a first visit shows
  await waitForDone(page);
  for (const chart of ['#chart-error', '#chart-alignment']) {
    const px = await smallestTickPx(page, chart);
    assert.ok(px >= 10, `${chart}: tick labels ${px.toFixed(1)} CSS px (at least 10)`);
  }
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, 'lesson-light.png') });
  await page.screenshot({ path: join(ROOT, 'docs', 'screenshot.png') });
  await page.close();
});

test('reduced motion: no CSS transitions, and training redraws a few times a second', { timeout: 120_000 }, async () => {
  const { page } = await openDone(SMALL, { reducedMotion: 'no-preference' });
  const duration = () => page.$eval('#rerun', (el) => getComputedStyle(el).transitionDuration);
  assert.notEqual(await duration(), '0s', 'buttons fade by default');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  assert.equal(await duration(), '0s', 'no transition under reduced motion');
  const animated = await page.$$eval('*', (els) => els.filter((el) => {
    const s = getComputedStyle(el);
    return s.transitionDuration.split(',').some((d) => parseFloat(d) > 0) || s.animationName !== 'none';
  }).map((el) => el.tagName));
  assert.deepEqual(animated, [], 'no element transitions or animates');

  // Training under reduced motion: large batches, so few redraws while it plays.
  await page.reload();
  await page.waitForSelector('#training[data-state="idle"]', { timeout: 60_000 });
  await page.$eval('#train-trainer', (s) => { s.value = 'claime-gd'; s.dispatchEvent(new Event('change')); });
  await page.click('#train-play');
  await page.waitForFunction(() => Number(document.getElementById('train-iter').textContent) > 0, null, { timeout: 60_000 });
  const redraws = await page.evaluate(() => new Promise((resolve) => {
    let count = 0;
    const watch = new MutationObserver(() => { count += 1; }); // one call per redraw
    // The chart changes its line and labels in place (training-chart.js), hence the subtree.
    watch.observe(document.getElementById('train-chart-loss'), { childList: true, subtree: true, attributes: true, characterData: true });
    setTimeout(() => { watch.disconnect(); resolve(count); }, 2000);
  }));
  // A click in the page, not Playwright's (which waits while the button is disabled): CLAIME-GD
  // may have converged and paused itself already.
  await page.$eval('#train-pause', (b) => b.click());
  assert.ok(redraws <= 10, `at most 10 redraws in 2 s under reduced motion (got ${redraws})`);
  assert.ok(Number(await page.textContent('#train-iter')) > 1, 'training advanced');
  await page.close();
});

test('text summaries under the charts follow the snapshot and the chosen method', { timeout: 120_000 }, async () => {
  const { page } = await openDone();
  const rows = await tableRows(page);
  const summary = await page.textContent('#summary-error');
  assert.match(summary, /^After 4,000 patients: /);
  for (const [label, row] of [['CLAIME', rows[0]], ['Concate', rows[1]], ['CL', rows[2]]]) {
    assert.ok(summary.includes(`${label} ${row.values[0].toFixed(2)}`), `error summary gives ${label}'s distance: ${summary}`);
  }
  assert.match(summary, /no-recovery level 2\.83/);
  assert.equal(await page.getAttribute('#chart-error', 'aria-describedby'), 'summary-error');
  assert.match(await page.textContent('#summary-alignment'), /^CLAIME, \d+ points/);
  assert.match(await page.textContent('#summary-spectrum'), /Leading singular values: [\d.]+/);
  assert.match(await page.textContent('#summary-heat'), /CLAIME’s estimated/);
  await page.selectOption('#view-method', 'cl');
  await page.waitForFunction(() => /^CL, /.test(document.getElementById('summary-alignment').textContent));
  assert.match(await page.textContent('#summary-heat'), /CL’s estimated/, 'the heatmap summary follows the method shown');
  await page.close();
});

test('the article: MathML formulas, links that set the tool to the case discussed', { timeout: 120_000 }, async () => {
  const { page, seen } = await openDone();
  const info = await page.$eval('#article', (a) => ({
    inMain: Boolean(a.closest('main')),
    maths: a.querySelectorAll('math').length,
    blocks: a.querySelectorAll('math[display="block"]').length,
    headings: [...a.querySelectorAll('h3')].map((h) => h.textContent),
    links: [...a.querySelectorAll('a')].map((l) => l.getAttribute('href')),
  }));
  assert.ok(info.inMain, 'the article is part of the main landmark');
  assert.ok(info.blocks >= 8 && info.maths >= 30, `hand-written MathML (${info.blocks} displayed, ${info.maths} in all)`);
  assert.equal(info.headings.length, 4, `four parts: ${info.headings}`);
  const keys = new Set(FIELDS.map((f) => f.key));
  assert.ok(info.links.length >= 6);
  for (const href of info.links) {
    const url = new URL(href, env.server.url);
    assert.equal(url.origin, new URL(env.server.url).origin, `${href} stays on the page`);
    for (const key of url.searchParams.keys()) assert.ok(keys.has(key), `${href}: "${key}" is a parameter the page reads`);
  }
  await page.click('#article a[href*="noise=orthogonal"]');
  await page.waitForFunction(() => document.getElementById('in-noise')?.value === 'orthogonal');
  assert.equal(await page.inputValue('#in-tau2'), '25');
  assert.equal(await page.inputValue('#in-signal'), '2');
  assert.equal(await page.inputValue('#in-d1'), '200');
  await waitForDone(page);
  assert.match(page.url(), /#views$/, 'the link lands on the views');
  assert.deepEqual(seen.errors, []);
  await page.close();
});
