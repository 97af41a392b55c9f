#!/usr/bin/env node
// Builds the static site into dist/: the wasm (via build-wasm), index.html and www/ (with pkg).
// All links are relative, so dist/ works from any sub-path (e.g. GitHub Pages).
// Usage: node scripts/build-dist.mjs [--skip-wasm]   (--skip-wasm: reuse the current www/pkg)

import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PKG_DIR, buildWasm } from './build-wasm.mjs';

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

/** Builds dist/ (the wasm first, unless skipWasm); returns the dist path. */
export function buildDist({ skipWasm = false } = {}) {
  const t0 = performance.now();
  if (!skipWasm) buildWasm();
  if (!existsSync(join(PKG_DIR, 'claime_bg.wasm'))) throw new Error('www/pkg is empty: build the wasm first');
  rmSync(DIST, { recursive: true, force: true });
  cpSync(join(ROOT, 'index.html'), join(DIST, 'index.html'));
  cpSync(join(ROOT, 'www'), join(DIST, 'www'), { recursive: true, filter: wanted });
  checkLinks(DIST);
  const files = [...walk(DIST)];
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  say(`dist/: ${files.length} files, ${(bytes / 1024).toFixed(1)} KiB, in ${Math.round(performance.now() - t0)} ms`);
  return DIST;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildDist({ skipWasm: process.argv.includes('--skip-wasm') });
  } catch (e) {
    say(`FAILED: ${e.message}`);
    process.exit(1);
  }
}
