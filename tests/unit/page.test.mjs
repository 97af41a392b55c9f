// Unit tests of the page's pure functions (no browser): the snapshot schedule, the URL codec,
// the field parser, the tooltip's nearest-point search, the split of a run between helpers, and
// the build's list of modules to preload.

import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { pageModules } from '../../scripts/build-dist.mjs';
import { FIELDS, field, parseField } from '../../www/state/fields.js';
import { METHODS } from '../../www/lib/methods.js';
import { message, schedule } from '../../www/explorer/protocol.js';
import { splitStretch } from '../../www/explorer/sim-pool.js';
import { nearest } from '../../www/explorer/tooltip.js';
import { readUrl, toQuery } from '../../www/state/url.js';

const DEFAULTS = { d1: 500, d2: 500, p: 4, n: 20000, mean_t: 50, noise: 'spike', c: 0.2, rho: 0.8, tau2: 1, signal: 1, seed: 1 };

test('schedule: n/16, n/8, ..., n with the first at least 500', () => {
  assert.deepEqual(schedule(20000), [1250, 2500, 5000, 10000, 20000]);
  assert.deepEqual(schedule(100000), [6250, 12500, 25000, 50000, 100000]);
  assert.deepEqual(schedule(4000), [500, 1000, 2000, 4000]);
  assert.deepEqual(schedule(300), [300], 'fewer than 500 patients: one snapshot');
  assert.deepEqual(schedule(2), [2]);
});

test('splitStretch: parts cover the stretch in order, cut at block multiples', () => {
  assert.deepEqual(splitStretch(50000, 100000, 2, 1000), [[50000, 75000], [75000, 100000]]);
  assert.deepEqual(splitStretch(6250, 12500, 2, 1000), [[6250, 9000], [9000, 12500]]);
  assert.deepEqual(splitStretch(1250, 2500, 4, 1000), [[1250, 2000], [2000, 2500]], 'empty parts dropped');
  assert.deepEqual(splitStretch(0, 300, 3, 1000), [[0, 300]]);
  assert.deepEqual(splitStretch(10, 20, 1, 1000), [[10, 20]]);
  for (const [from, to, parts] of [[500, 1000, 2], [20000, 100000, 3], [1, 99999, 4]]) {
    const got = splitStretch(from, to, parts, 1000);
    assert.equal(got[0][0], from);
    assert.equal(got.at(-1)[1], to);
    for (let j = 1; j < got.length; j++) assert.equal(got[j][0], got[j - 1][1], 'contiguous');
    assert.ok(got.every(([a, b]) => b > a) && got.length <= parts);
  }
});

test('URL: only non-default values (and the signal) are written, and they read back', () => {
  const state = { params: { ...DEFAULTS, noise: 'orthogonal', tau2: 25, signal: 2 }, methods: ['claime', 'cl'], view: 'cl' };
  const query = toQuery(state, DEFAULTS);
  assert.equal(query, '?noise=orthogonal&tau2=25&signal=2&methods=claime%2Ccl&view=cl');
  assert.deepEqual(readUrl(query, DEFAULTS), state);
  // The signal is written even at its default: an address without any parameter opens the
  // landing preset, so the defaults' own permalink must name one.
  assert.equal(toQuery({ params: DEFAULTS, methods: [...METHODS], view: 'claime' }, DEFAULTS), `?signal=${DEFAULTS.signal}`);
});

test('URL: unknown keys and methods are ignored', () => {
  const { params, methods, view } = readUrl('?bogus=1&methods=cl,nope&view=claime', DEFAULTS);
  assert.deepEqual(params, DEFAULTS);
  assert.deepEqual(methods, ['cl']);
  assert.equal(view, 'cl', 'a view outside the methods falls back to the first');
});

test('fields: every model parameter has a control with a hint', () => {
  assert.deepEqual(FIELDS.map((f) => f.key).sort(), Object.keys(DEFAULTS).sort());
  for (const f of FIELDS) assert.ok(f.hint.length > 10, `${f.key} has a hint`);
});

test('fields: empty, non-numeric and fractional integers are refused with the label', () => {
  assert.match(parseField(field('d1'), '').error, /^Codes d1: enter a value/);
  assert.match(parseField(field('signal'), 'abc').error, /not a number/);
  assert.match(parseField(field('n'), '12.5').error, /whole number/);
  assert.deepEqual(parseField(field('signal'), '2.5'), { value: 2.5 });
  assert.match(parseField(field('noise'), 'loud').error, /Noise structure/);
  assert.equal(parseField(field('d1'), '-3').error, 'Codes d1: -3 is out of range 2–20000');
  assert.match(parseField(field('seed'), '-1').error, /^Seed: -1 is out of range/);
  assert.deepEqual(parseField(field('rho'), '-0'), { value: 0 });
});

test('tooltip: the nearest point within the radius, or none', () => {
  const points = [{ x: 10, y: 10 }, { x: 30, y: 10 }, { x: 100, y: 100 }];
  assert.equal(nearest(points, 12, 11, 10), 0);
  assert.equal(nearest(points, 27, 10, 10), 1);
  assert.equal(nearest(points, 60, 60, 10), -1);
  assert.equal(nearest([], 0, 0, 10), -1);
});

test('protocol: unknown message types are refused', () => {
  assert.throws(() => message(1, 'nope'), /unknown message type/);
  assert.deepEqual(message(2, 'run', { methods: 'claime' }), { id: 2, type: 'run', methods: 'claime' });
});

test('build: the modules to preload are the page scripts\' static imports, followed through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'claime-preload-'));
  try {
    mkdirSync(join(dir, 'www', 'pkg'), { recursive: true });
    const files = {
      'index.html': '<script type="module" src="./www/main.js"></script>\n<script type="module" async src="./www/other.js"></script>',
      'www/main.js': "import { a } from './a.js';\nimport {\n  b,\n  c as d,\n} from './b.js';\nimport './side.js';\n// import { x } from './commented.js';\n",
      'www/other.js': "export { e } from './pkg/glue.js';\nexport function start() {\n  return new Worker(new URL('./worker.js', import.meta.url));\n}\n",
      'www/a.js': "export * from '../www/b.js';\nconst lazy = () => import('./lazy.js');\n",
      'www/b.js': "export const b = 1, c = 2;\n",
      'www/side.js': '', 'www/pkg/glue.js': "export const e = './not-a-module.js';\n",
    };
    for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
    assert.deepEqual(pageModules(dir, readFileSync(join(dir, 'index.html'), 'utf8')),
      ['www/a.js', 'www/b.js', 'www/pkg/glue.js', 'www/side.js'],
      'static imports and re-exports only: not comments, workers, dynamic imports or strings');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
