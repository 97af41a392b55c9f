// Bad input everywhere, as seeded property tests: random URLs into the page's URL reader
// (url.js, validate.js) and random configuration files into the loader (config.js), under Node;
// random parameter objects into the wasm's checkParams, in a page. Each must give a valid state
// or a clear message, never a throw (or, in the wasm, never a trap).
//
// Cases per property: 1000 (URLs), 1000 (configurations), 2000 (checkParams), or PROPERTY_CASES
// from the environment for all three (`npm run test:props` runs 20000). Seeds are fixed, so a
// failure names its case number and reproduces.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseConfig, configJson } from '../../www/state/config.js';
import { FIELDS, field } from '../../www/state/fields.js';
import { METHODS } from '../../www/lib/methods.js';
import { checkQuery, readAccess, toQuery } from '../../www/state/url.js';
import { CONTROL_KEYS } from '../../www/state/validate.js';
import { startServer } from '../../scripts/serve.mjs';
import { launch } from './helpers.mjs';
import { caseCount, jsonValue, junk, numberText, rng, textValue } from './random.mjs';

/** The wasm's defaultParams() (checked against it in the checkParams test). */
const DEFAULTS = { d1: 500, d2: 500, p: 4, n: 20000, mean_t: 50, noise: 'spike', c: 0.2, rho: 0.8, tau2: 1, signal: 1, seed: 1 };
const PARAM_KEYS = Object.keys(DEFAULTS);
const EXTRA_KEYS = ['methods', 'view', 'hide', 'lock', 'debug', 'bogus', '', 'D1', 'd1 ', 'mean-t'];

// Reference check of one raw parameter value, written apart from validate.js: the value the
// page must use, or undefined when it must fall back to the default.
function expectedValue(key, raw) {
  const f = field(key);
  if (f.kind === 'select') return f.options.some(([v]) => v === raw) ? raw : undefined;
  if (typeof raw !== 'number' && typeof raw !== 'string') return undefined;
  const text = String(raw).trim();
  const x = Number(text);
  const ok = text !== '' && Number.isFinite(x) && (!f.int || Number.isInteger(x)) && x >= f.min && x <= f.max;
  return ok ? x + 0 : undefined; // -0 + 0 is 0: the page uses 0
}

// Asserts that a state is one the page can run: every parameter valid, methods known and
// distinct, the view among them, hide/lock known keys; problems are readable.
function checkUsable({ params, methods, view, hide, lock, problems }, where) {
  assert.deepEqual(Object.keys(params).sort(), [...PARAM_KEYS].sort(), `${where}: every parameter`);
  for (const key of PARAM_KEYS) assert.ok(expectedValue(key, params[key]) === params[key] || params[key] === DEFAULTS[key], `${where}: ${key}=${params[key]} is valid`);
  assert.ok(methods.length > 0 && methods.every((m) => METHODS.includes(m)) && new Set(methods).size === methods.length, `${where}: methods ${methods}`);
  assert.ok(methods.includes(view), `${where}: view ${view} among the methods`);
  for (const list of [hide, lock]) assert.ok(list.every((k) => CONTROL_KEYS.includes(k)), `${where}: hide/lock keys`);
  for (const p of problems ?? []) {
    for (const part of ['key', 'text', 'fallback']) assert.equal(typeof p[part], 'string', `${where}: problem.${part}`);
    assert.ok(p.text.length > 0 && p.text.length < 400 && !p.text.includes('[object'), `${where}: readable problem "${p.text}"`);
  }
}

// A random query string: known and unknown keys with awkward values, repeats, raw junk.
function randomQuery(r) {
  const parts = [];
  for (let i = r.int(0, 8); i > 0; i -= 1) {
    const key = r.chance(0.7) ? r.pick(PARAM_KEYS) : r.pick(EXTRA_KEYS);
    const value = key === 'methods' || key === 'hide' || key === 'lock'
      ? Array.from({ length: r.int(0, 4) }, () => (r.chance(0.6) ? r.pick([...METHODS, ...CONTROL_KEYS]) : junk(r, 6))).join(r.pick([',', ', ', ',,']))
      : r.pick([() => textValue(r), () => numberText(r), () => r.pick(field(key)?.options?.map(([v]) => v) ?? ['x'])])();
    const raw = r.chance(0.2);
    parts.push(raw ? `${key}=${value}` : `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    if (r.chance(0.05)) parts.push(junk(r));
  }
  return `${r.chance(0.9) ? '?' : ''}${parts.join('&')}${r.chance(0.05) ? `#${junk(r)}` : ''}`;
}

test('property: any URL gives a usable state with each bad value named; it writes back and reads the same', () => {
  const cases = caseCount(1000);
  const r = rng(8001);
  for (let i = 0; i < cases; i += 1) {
    const search = randomQuery(r);
    const where = `URL case ${i} ${JSON.stringify(search)}`;
    const state = checkQuery(search, DEFAULTS);
    checkUsable(state, where);
    // The reference: a present, valid value is used; a present, bad one is named and replaced.
    const query = new URLSearchParams(search);
    for (const key of PARAM_KEYS.filter((k) => query.has(k))) {
      const want = expectedValue(key, query.get(key));
      if (want === undefined) {
        assert.equal(state.params[key], DEFAULTS[key], `${where}: ${key} falls back`);
        assert.ok(state.problems.some((p) => p.key === key), `${where}: ${key} is named`);
      } else {
        assert.equal(state.params[key], want, `${where}: ${key} is used`);
      }
    }
    const access = readAccess(search);
    assert.ok([...access.hide, ...access.lock].every((k) => CONTROL_KEYS.includes(k)), where);
    const again = checkQuery(toQuery(state, DEFAULTS), DEFAULTS);
    assert.deepEqual(again.problems, [], `${where}: its permalink has no problems`);
    for (const k of ['params', 'methods', 'view', 'hide', 'lock']) assert.deepEqual(again[k], state[k], `${where}: ${k} reads back`);
  }
});

// A random configuration text: valid ones, mutated ones, wrong shapes and broken JSON.
function randomConfig(r) {
  const params = {};
  const bad = r.chance(0.5); // half the documents get one or more broken fields
  const valid = (key) => (field(key).kind === 'select' ? r.pick(field(key).options)[0] : String(field(key).min + (field(key).int ? 0 : 0.5)));
  for (const key of PARAM_KEYS) if (r.chance(0.4)) params[key] = bad && r.chance(0.3) ? jsonValue(r) : r.pick([DEFAULTS[key], valid(key)]);
  if (bad && r.chance(0.1)) params[junk(r, 6)] = jsonValue(r);
  const doc = { format: !bad || r.chance(0.9) ? 'claime-explorer-config' : jsonValue(r), version: 1, params };
  if (r.chance(0.6)) doc.methods = !bad || r.chance(0.7) ? METHODS.filter(() => r.chance(0.6)) : jsonValue(r);
  if (r.chance(0.4)) doc.view = !bad || r.chance(0.7) ? r.pick(doc.methods?.length ? doc.methods : METHODS) : jsonValue(r);
  if (r.chance(0.05)) doc[junk(r, 6)] = 1;
  const shapes = [
    () => JSON.stringify(doc),
    () => JSON.stringify(jsonValue(r, 3)),
    () => JSON.stringify(doc).slice(0, r.int(0, 60)),
    () => JSON.stringify({ ...doc, params: jsonValue(r) }),
    () => junk(r, 40),
  ];
  return r.chance(0.6) ? shapes[0]() : r.pick(shapes)();
}

test('property: any configuration file is loaded as a usable state or refused with a message', () => {
  const cases = caseCount(1000);
  const r = rng(8002);
  let loaded = 0;
  for (let i = 0; i < cases; i += 1) {
    const text = randomConfig(r);
    const where = `config case ${i} ${text.slice(0, 200)}`;
    const out = parseConfig(text, DEFAULTS);
    assert.ok(('state' in out) !== ('error' in out), `${where}: a state or an error`);
    if (out.error !== undefined) {
      assert.ok(typeof out.error === 'string' && out.error.length > 0 && !out.error.includes('[object'), `${where}: message "${out.error}"`);
      continue;
    }
    loaded += 1;
    checkUsable({ ...out.state, hide: [], lock: [] }, where);
    assert.deepEqual(parseConfig(configJson(out.state), DEFAULTS), { state: out.state }, `${where}: saves and loads back`);
  }
  assert.ok(loaded > cases / 10 && loaded < cases, `both outcomes occur (${loaded} of ${cases} loaded)`);
});

// Runs in the page: feeds every object to the explorer module's checkParams; resolves to
// {accepted: [params], refused: [message], traps: [message], after (checkParams({}) still works)}.
async function feedCheckParams(inputs) {
  const m = await import('/www/pkg-explorer/claime.js');
  await m.default();
  const out = { defaults: m.defaultParams(), accepted: [], refused: [], traps: [] };
  for (const input of inputs) {
    try {
      out.accepted.push({ input, params: m.checkParams(input) });
    } catch (e) {
      (e instanceof WebAssembly.RuntimeError ? out.traps : out.refused).push(String(e?.message ?? e));
    }
  }
  out.after = m.checkParams({});
  return out;
}

// A random parameter object: valid ones, valid ones with one field broken, random JSON.
function randomParams(r) {
  const valid = { d1: r.int(2, 300), d2: r.int(2, 300), n: r.int(2, 50000), mean_t: 2 + r.next() * 100, noise: r.pick(['spike', 'ar1', 'orthogonal', 'none']), seed: r.int(0, 2 ** 31) };
  valid.p = r.int(1, Math.max(1, Math.min(64, Math.floor(Math.min(valid.d1, valid.d2) / 2))));
  const broken = { ...valid, [r.pick([...PARAM_KEYS, junk(r, 4)])]: jsonValue(r) };
  const random = Object.fromEntries(Array.from({ length: r.int(0, 5) }, () => [r.pick([...PARAM_KEYS, junk(r, 4)]), jsonValue(r)]));
  return r.pick([valid, broken, broken, random, random, jsonValue(r, 2)]);
}

// Whether accepted parameters satisfy src/params.rs's rules (a reference written apart).
function satisfiesRules(p) {
  const intIn = (x, lo, hi) => Number.isInteger(x) && x >= lo && x <= hi;
  return intIn(p.d1, 2, 20000) && intIn(p.d2, 2, 20000) && intIn(p.p, 1, 64) && 2 * p.p <= Math.min(p.d1, p.d2)
    && intIn(p.n, 2, 1e7) && p.mean_t >= 2 && p.mean_t <= 1e4 && p.c > 0 && p.c <= 1000 && p.rho >= 0 && p.rho < 1
    && p.tau2 >= 0 && p.tau2 <= 1e4 && p.signal >= 0 && p.signal <= 1000 && ['spike', 'ar1', 'orthogonal', 'none'].includes(p.noise);
}

// serde-wasm-bindgen reads only the struct's own field names, so `#[serde(deny_unknown_fields)]`
// never sees an unknown key; params_from checks the object's keys first (params::check_keys,
// issue 8 note), so `checkParams({n_: 5})` is refused instead of running with the default n.
test('property: the wasm checkParams accepts valid objects and refuses others with a message, never a trap', { timeout: 120_000 }, async () => {
  const cases = caseCount(2000);
  const r = rng(8003);
  const inputs = Array.from({ length: cases }, () => randomParams(r));
  const server = await startServer({ port: 0 });
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}tests/e2e/blank.html`);
    const out = await page.evaluate(feedCheckParams, inputs);
    assert.deepEqual(out.defaults, DEFAULTS, 'this test\'s DEFAULTS are the wasm\'s');
    assert.deepEqual(out.traps, [], 'no input trapped');
    assert.deepEqual(out.after, DEFAULTS, 'the module still works');
    for (const message of out.refused) assert.ok(message.length > 0 && message.length < 400 && !message.includes('[object'), `readable: "${message}"`);
    const unknownAccepted = [];
    for (const { input, params } of out.accepted) {
      assert.ok(satisfiesRules(params), `accepted only valid parameters: ${JSON.stringify(input)} -> ${JSON.stringify(params)}`);
      const fields = input !== null && typeof input === 'object' && !Array.isArray(input) ? Object.entries(input) : [];
      for (const [k, v] of fields.filter(([k]) => PARAM_KEYS.includes(k))) assert.ok(params[k] === v, `accepted ${k}: ${v} -> ${params[k]}`);
      unknownAccepted.push(...fields.filter(([k]) => !PARAM_KEYS.includes(k)).map(([k]) => k));
    }
    // Params has #[serde(deny_unknown_fields)]: a misspelt key must be refused, not ignored.
    assert.deepEqual(unknownAccepted, [], 'unknown keys were silently ignored (a typo such as n_ for n would run with the default)');
    assert.ok(out.accepted.length > cases / 10 && out.refused.length > cases / 10, `both outcomes occur (${out.accepted.length} accepted)`);
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
});

// Runs in the page: loads the wasm module at `url` and calls `call` ('trainer': builds a
// trainer with the settings object; 'checkParams') on each input; resolves to the error
// message of each (null when it was accepted).
async function wasmMessages({ url, call, inputs }) {
  const m = await import(url);
  await m.default();
  const calls = {
    trainer: (settings) => new m.TrainerSession({ d1: 40, d2: 30, n: 500, p: 2, seed: 3 }, 'claime-gd', settings, Infinity).free(),
    checkParams: (input) => m.checkParams(input),
  };
  return inputs.map((input) => {
    try {
      calls[call](input);
      return null;
    } catch (e) {
      return String(e?.message ?? e);
    }
  });
}

// Runs `fn(page)` on the blank test page of a fresh server and browser, closed afterwards.
async function onBlankPage(fn) {
  const server = await startServer({ port: 0 });
  const browser = await launch();
  try {
    const page = await browser.context.newPage();
    await page.goto(`${server.url}tests/e2e/blank.html`);
    await fn(page);
    await page.close();
  } finally {
    await browser.close();
    await server.close();
  }
}

// The trainer settings' messages (wasmMessages in the page, full module).
const trainerSettingsOutcomes = (page, inputs) => page.evaluate(wasmMessages, { url: '/www/pkg/claime.js', call: 'trainer', inputs });
// checkParams's messages (wasmMessages in the page, explorer module).
const checkParamsMessages = (page, inputs) => page.evaluate(wasmMessages, { url: '/www/pkg-explorer/claime.js', call: 'checkParams', inputs });

// The trainer settings go through the same key check as the parameters: a misspelt setting
// (epoch for epochs) is refused by name, not ignored.
test('the wasm refuses trainer settings with an unknown key, naming it', { timeout: 60_000 }, async () => {
  await onBlankPage(async (page) => {
    const [ok, none, typo, junkKey] = await trainerSettingsOutcomes(page, [
      { lambda: 1, lr: 0.5, epochs: 3 },
      null,
      { lambda: 1, epoch: 3 },
      { 'lr\n': 0.1 },
    ]);
    assert.equal(ok, null, 'known settings are accepted');
    assert.equal(none, null, 'no settings: the defaults');
    assert.match(typo, /^training settings: got the unknown key 'epoch', expected only the keys lambda, lr, batch/);
    assert.match(junkKey, /unknown key 'lr\\n'/);
  });
});

// A value of the wrong type is refused with its field and its kind, not with a dump of the
// value: serde-wasm-bindgen quotes arrays and objects whole, and a 20,000-case property run
// found a message of over 400 characters that named no field.
test('a parameter of the wrong type is refused by its name and kind, in a short message', { timeout: 60_000 }, async () => {
  await onBlankPage(async (page) => {
    const long = Array.from({ length: 200 }, (_, i) => [i, 'x'.repeat(50)]);
    const [array, object, text, whole] = await checkParamsMessages(page, [
      { d1: 40, n: long },
      { mean_t: { a: 1 } },
      { seed: 'seven' },
      [1, 2],
    ]);
    assert.match(array, /^parameters: 'n': invalid type: an array, expected /);
    assert.match(object, /^parameters: 'mean_t': invalid type: an object, expected /);
    assert.match(text, /^parameters: 'seed': invalid type: string "seven", expected /);
    assert.ok(whole.startsWith('parameters: '), whole);
    for (const m of [array, object, text, whole]) assert.ok(m.length < 300, `short: ${m}`);
    const [settings] = await trainerSettingsOutcomes(page, [{ lr: [0.1, 0.2] }]);
    assert.match(settings, /^training settings: 'lr': invalid type: an array, expected /);
  });
});
