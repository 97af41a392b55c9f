// Unit tests of the page's guards against hostile or huge input (issue 26): files too big to
// read as text refused by size, feature names shown escaped and found again, long URLs served.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { test } from 'node:test';
import { MAX_TEXT_BYTES, readText, textRefusal } from '../../www/lib/files.js';
import { MAX_HEADER_BYTES, startServer } from '../../scripts/serve.mjs';

test('readText: a file over the text limit is refused by size, naming it, before reading', async () => {
  let read = false;
  const big = { name: 'big.summary.json', size: 600 * 2 ** 20, text: async () => { read = true; return ''; } };
  assert.match(textRefusal(big), /^big\.summary\.json: 600 MiB is more than this page can read as text \(at most 511 MiB\)/);
  await assert.rejects(readText(big), /big\.summary\.json: 600 MiB/);
  assert.equal(read, false, 'refused before reading');
  assert.equal(textRefusal({ name: 'a', size: MAX_TEXT_BYTES }), null);
  assert.equal(await readText({ name: 'ok', size: 2, text: async () => '{}' }), '{}');
  await assert.rejects(readText({ name: 'lost.csv', size: 10, text: async () => '' }), /lost\.csv: could not be read as text/);
});

// GETs `path` from `url`'s server; resolves to {status, body}.
function get(url, path) {
  return new Promise((ok, fail) => {
    const req = request(new URL(path, url), (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => ok({ status: res.statusCode, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

test('serve.mjs: a 20 KB page URL is served; a URL over the limit gets a readable page', async () => {
  const server = await startServer({ port: 0 });
  try {
    const long = await get(server.url, `?notes=${'x'.repeat(20_000)}`);
    assert.equal(long.status, 200);
    assert.match(long.body, /<html/i);
    const huge = await get(server.url, `?notes=${'x'.repeat(MAX_HEADER_BYTES + 10)}`);
    assert.equal(huge.status, 431);
    assert.match(huge.body, /longer than this server reads/);
  } finally {
    await server.close();
  }
});

test('inspector: names with edge spaces, line breaks or backslashes are shown escaped and found again', async () => {
  const { findName, nameIndex, shownName } = await import('../../www/lib/inspector.js');
  const names = [' lead', 'trail ', 'a\nb', 'c\rd', 'tab\there', 'back\\slash', 'plain', 'bell\x07'];
  const shown = names.map(shownName);
  assert.deepEqual(shown, ['\\x20lead', 'trail\\x20', 'a\\nb', 'c\\rd', 'tab\\there', 'back\\\\slash', 'plain', 'bell\\x07']);
  const byShown = nameIndex(names);
  // What a text box gives back after a suggestion is picked: the shown name (no line breaks).
  for (const [i, s] of shown.entries()) {
    assert.ok(!/[\r\n]/.test(s), `${s}: a text box keeps it whole`);
    assert.equal(findName(byShown, s), names[i], `${s} finds ${JSON.stringify(names[i])}`);
  }
  assert.equal(findName(byShown, '  plain '), 'plain', 'spaces typed by accident are ignored');
  assert.equal(findName(byShown, ' lead'), ' lead', 'a name typed as it is');
  assert.equal(findName(byShown, 'nope'), null);
});
