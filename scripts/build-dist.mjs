#!/usr/bin/env node
// Builds the static site into dist/: the wasm (via build-wasm), index.html, www/ (with both wasm modules) and
// the service worker sw.js, stamped with a hash of the shipped files and the list of them to
// precache. index.html gets a modulepreload link for every module its scripts import, so a first
// visit fetches the whole module graph at once instead of level by level. All links are
// relative, so dist/ works from any sub-path (e.g. GitHub Pages).
// Usage: node scripts/build-dist.mjs [--skip-wasm]   (--skip-wasm: reuse the current www/pkg)

import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MODULES, buildWasm } from './build-wasm.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = join(ROOT, 'dist');
// Files kept out of dist/: type declarations and dotfiles.
const SKIP = [/\.d\.ts$/, /(^|\/)\./];

// Prints one line prefixed with the script's name.
function say(msg) {
  console.log(`[build-dist] ${msg}`);
}

// Whether a path (relative to the project root) belongs in dist/.
function wanted(src) {
  const rel = relative(ROOT, src).split('\\').join('/');
  return !SKIP.some((re) => re.test(rel));
}

// Fails when a shipped text file names an absolute or external URL (no CDN, sub-path safe).
function checkLinks(dir) {
  const bad = [];
  for (const file of walk(dir)) {
    if (!/\.(html|css|js)$/.test(file)) continue;
    const text = readFileSync(file, 'utf8');
    const refs = text.matchAll(/(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)/g);
    for (const m of refs) {
      const ref = m[1] ?? m[2];
      const external = /^(https?:)?\/\//.test(ref) && !ref.startsWith('https://arxiv.org/');
      if (external || ref.startsWith('/')) bad.push(`${relative(dir, file)}: ${ref}`);
    }
  }
  if (bad.length) throw new Error(`absolute or external links in dist:\n  ${bad.join('\n  ')}`);
}

// Lists every file under a folder.
function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

// The files of the site under `dir` (the project root or dist/): index.html and every wanted
// file under www/, relative to `dir`, sorted; what the service worker precaches.
export function siteFiles(dir) {
  const www = existsSync(join(dir, 'www')) ? [...walk(join(dir, 'www'))] : [];
  const files = www.map((f) => relative(dir, f).split('\\').join('/')).filter((f) => !SKIP.some((re) => re.test(f)));
  return ['index.html', ...files].sort();
}

// The source sw.js with VERSION set to `version` and PRECACHE to `files` (relative to the
// site root, after './').
export function stampServiceWorker(version, files) {
  const source = readFileSync(join(ROOT, 'sw.js'), 'utf8');
  const versionLine = /const VERSION = '[^']*';/;
  const precache = /const PRECACHE = \[[^\]]*\];/;
  if (!versionLine.test(source) || !precache.test(source)) throw new Error('sw.js: expected `const VERSION = \'…\';` and `const PRECACHE = [...];`');
  const urls = ['./', ...files.map((f) => `./${f}`)];
  return source
    .replace(versionLine, `const VERSION = '${version}';`)
    .replace(precache, `const PRECACHE = ${JSON.stringify(urls, null, 2)};`);
}

// Writes dist's sw.js from the source one: VERSION becomes a hash of every shipped file (so a
// new build installs a fresh cache) and PRECACHE the list of them (`siteFiles`), computed
// here from dist/ itself: no list of files is kept by hand. Returns how many URLs it lists.
function writeServiceWorker(dir) {
  const files = siteFiles(dir);
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(readFileSync(join(dir, f)));
  writeFileSync(join(dir, 'sw.js'), stampServiceWorker(hash.digest('hex').slice(0, 12), files));
  return files.length + 1;
}

// The module scripts of a page (paths relative to the site root).
function entryScripts(html) {
  return [...html.matchAll(/<script type="module"[^>]*src="\.\/([^"]+)"/g)].map((m) => m[1]);
}

// The modules reached from `entries` (paths relative to `dir`), entries included: their static
// imports and re-exports, followed through, and with `workers` also the module workers they
// start (`new URL('./x.js', import.meta.url)`, when the file exists) and those workers' own.
function moduleGraph(dir, entries, { workers = false } = {}) {
  // `import 'x'`, `import a, { b as c } from 'x'`, `export { a } from 'x'`, `export * from 'x'`.
  const statements = /^(?:import\s+(?:[\w$*{},\s]+\s+from\s+)?|export\s+[\w$*{},\s]*from\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  const urls = /new URL\(\s*['"](\.{1,2}\/[^'"]+\.js)['"],\s*import\.meta\.url\s*\)/g;
  const seen = new Set();
  const todo = [...entries];
  while (todo.length) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(dir, file), 'utf8');
    const found = [...text.matchAll(statements), ...(workers ? text.matchAll(urls) : [])];
    for (const m of found) {
      const path = relative(dir, join(dir, dirname(file), m[1])).split('\\').join('/');
      if (m[0].startsWith('new URL') && !existsSync(join(dir, path))) continue;
      todo.push(path);
    }
  }
  return [...seen].sort();
}

// The modules that the page's module scripts import, directly or not (static imports and
// re-exports), as paths relative to `dir`, the entry scripts excluded: what index.html preloads.
export function pageModules(dir, html) {
  const entries = entryScripts(html);
  return moduleGraph(dir, entries).filter((f) => !entries.includes(f));
}

// Every module the site runs, as paths relative to `dir`: the page's module scripts, what they
// import and the workers they start, with their imports in turn (the wasm glue included). What
// dist/sw.js must precache for the page to work offline (tests/unit/build.test.mjs checks it).
export function siteModules(dir, html) {
  return moduleGraph(dir, entryScripts(html), { workers: true });
}

// Adds to dir/index.html a modulepreload link for each module of `pageModules`, before its first
// module script; returns how many.
function addModulePreloads(dir) {
  const path = join(dir, 'index.html');
  const html = readFileSync(path, 'utf8');
  const modules = pageModules(dir, html);
  const first = html.search(/<script type="module"/);
  if (first < 0) return 0;
  const links = modules.map((f) => `<link rel="modulepreload" href="./${f}">\n  `).join('');
  writeFileSync(path, html.slice(0, first) + links + html.slice(first));
  return modules.length;
}

/** Builds dist/ (or `out`; the wasm first, unless skipWasm); returns the folder's path. */
export function buildDist({ skipWasm = false, out = DIST } = {}) {
  const t0 = performance.now();
  if (!skipWasm) buildWasm();
  for (const m of MODULES) {
    if (!existsSync(join(m.dir, 'claime_bg.wasm'))) throw new Error(`${relative(ROOT, m.dir)} is empty: build the wasm first (npm run build:wasm)`);
  }
  rmSync(out, { recursive: true, force: true });
  cpSync(join(ROOT, 'index.html'), join(out, 'index.html'));
  cpSync(join(ROOT, 'www'), join(out, 'www'), { recursive: true, filter: wanted });
  const preloaded = addModulePreloads(out);
  const cached = writeServiceWorker(out);
  checkLinks(out);
  const files = [...walk(out)];
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  const where = relative(ROOT, out) || '.';
  say(`${where}/: ${files.length} files (${cached} URLs precached by sw.js, ${preloaded} modules preloaded by index.html), ${(bytes / 1024).toFixed(1)} KiB, in ${Math.round(performance.now() - t0)} ms`);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildDist({ skipWasm: process.argv.includes('--skip-wasm') });
  } catch (e) {
    say(`FAILED: ${e.message}`);
    process.exit(1);
  }
}
