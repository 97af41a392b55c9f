// Unit tests of the build (no browser): the module graph that the service worker must cover,
// on a made-up tree and on the real site, whose dist/sw.js must precache every module the page
// imports, its workers and their imports included (a list kept by hand once missed three).

import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildDist, siteModules } from '../../scripts/build-dist.mjs';
import { MODULES } from '../../scripts/build-wasm.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const wasmBuilt = MODULES.every((m) => existsSync(join(m.dir, 'claime_bg.wasm')));

// Writes `files` ({path: text}) under a fresh temporary folder; returns the folder.
function tree(files) {
  const dir = mkdtempSync(join(tmpdir(), 'claime-graph-'));
  for (const [f, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    writeFileSync(join(dir, f), text);
  }
  return dir;
}

test('build: the site\'s modules are the page scripts\' imports and the workers they start, followed through', () => {
  const dir = tree({
    'index.html': '<script type="module" src="./www/main.js"></script>',
    'www/main.js': "import { a } from './lib/a.js';\nconst w = new Worker(new URL('./feature/worker.js', import.meta.url), { type: 'module' });\n",
    'www/lib/a.js': "export const a = new URL('../pkg/claime_bg.wasm', import.meta.url);\n",
    'www/feature/worker.js': "import init from '../pkg/claime.js';\nnew Worker(new URL('./helper.js', import.meta.url));\nnew URL('./absent.js', import.meta.url);\n",
    'www/feature/helper.js': "import { b } from './protocol.js';\n",
    'www/feature/protocol.js': 'export const b = 1;\n',
    'www/pkg/claime.js': 'export default function init() {}\n',
  });
  try {
    assert.deepEqual(siteModules(dir, readFileSync(join(dir, 'index.html'), 'utf8')), [
      'www/feature/helper.js', 'www/feature/protocol.js', 'www/feature/worker.js', 'www/lib/a.js', 'www/main.js', 'www/pkg/claime.js',
    ], 'workers and their imports; not the wasm, not a missing file');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('build: dist/sw.js precaches every module of the site, workers and their imports included', { skip: !wasmBuilt && 'the wasm is not built' }, () => {
  const out = mkdtempSync(join(tmpdir(), 'claime-dist-'));
  try {
    buildDist({ skipWasm: true, out: join(out, 'site') });
    const site = join(out, 'site');
    const sw = readFileSync(join(site, 'sw.js'), 'utf8');
    const precached = new Set(JSON.parse(sw.match(/const PRECACHE = (\[[^\]]*\]);/)[1]));
    const modules = siteModules(site, readFileSync(join(site, 'index.html'), 'utf8'));
    for (const f of ['www/explorer/debug.js', 'www/explorer/sim-pool.js', 'www/explorer/sim-worker.js', 'www/explorer/worker.js']) {
      assert.ok(modules.includes(f), `the module graph reaches ${f}`);
    }
    // sw.js itself (registered by lib/offline.js) is the one module it need not precache.
    assert.deepEqual(modules.filter((f) => f !== 'sw.js' && !precached.has(`./${f}`)), [], 'every module is precached');
    assert.ok(precached.has('./') && precached.has('./index.html'));
    const source = readFileSync(join(ROOT, 'sw.js'), 'utf8');
    assert.doesNotMatch(source, /\.js'/, 'the source sw.js lists no file by hand');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
