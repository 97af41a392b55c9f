#!/usr/bin/env node
// Builds the crate for wasm32 (release) twice and runs wasm-bindgen --target web after each:
//   www/pkg           the full module (default features: training, your own data, experiments)
//   www/pkg-explorer  the explorer's module (--no-default-features): what the page's first run
//                     downloads, so it stays small
// Usage: node scripts/build-wasm.mjs
// Each module has its own cargo target directory, so a second call is cheap; wasm-bindgen takes
// a fraction of a second and always runs.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = 'wasm32-unknown-unknown';
export const PKG_DIR = join(ROOT, 'www', 'pkg');
/** The two modules: output directory and cargo's feature flags. */
/** The two modules: output directory, cargo's feature flags and target sub-directory (a cdylib's
 * file name does not depend on the features, so one shared directory would rebuild each time). */
export const MODULES = Object.freeze([
  { name: 'full', dir: PKG_DIR, features: [], subdir: null },
  { name: 'explorer', dir: join(ROOT, 'www', 'pkg-explorer'), features: ['--no-default-features'], subdir: 'wasm-explorer' },
]);

// Prints one line prefixed with the script's name.
function say(msg) {
  console.log(`[build-wasm] ${msg}`);
}

// Runs a command with inherited output; throws when it fails. Returns elapsed ms.
function step(cmd, argv) {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd: ROOT, stdio: 'inherit' });
  if (r.error) throw new Error(`${cmd}: ${r.error.message} (run: node scripts/setup.mjs)`);
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}`);
  return performance.now() - t0;
}

// Cargo's target directory (honours CARGO_TARGET_DIR and .cargo/config).
function targetDir() {
  const r = spawnSync('cargo', ['metadata', '--format-version', '1', '--no-deps'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) return join(ROOT, 'target');
  return JSON.parse(r.stdout).target_directory;
}

// Formats a byte count as KiB with one decimal.
function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

// Builds one module and its JS glue; returns {name, cargoMs, bindgenMs, bytes, gzipBytes}.
function buildModule({ name, dir, features, subdir }) {
  const target = subdir ? join(targetDir(), subdir) : targetDir();
  const args = ['build', '--release', '--lib', '--target', TARGET, ...features, ...(subdir ? ['--target-dir', target] : [])];
  say(`${name}: cargo ${args.join(' ')}`);
  const cargoMs = step('cargo', args);
  const crateWasm = join(target, TARGET, 'release', 'claime.wasm');
  // No name or producers sections: function names only serve debuggers, and they were 8 % of
  // the gzipped size.
  const argv = ['--target', 'web', '--remove-name-section', '--remove-producers-section', '--out-dir', dir, crateWasm];
  const bindgenMs = step('wasm-bindgen', argv);
  const wasm = readFileSync(join(dir, 'claime_bg.wasm'));
  const gzipBytes = gzipSync(wasm, { level: 9 }).length;
  say(`${name}: cargo ${(cargoMs / 1000).toFixed(1)} s, wasm-bindgen ${(bindgenMs / 1000).toFixed(1)} s; `
    + `${relative(ROOT, join(dir, 'claime_bg.wasm'))}: ${kib(wasm.length)} (${kib(gzipBytes)} gzipped)`);
  return { name, cargoMs, bindgenMs, bytes: wasm.length, gzipBytes };
}

// Builds both modules; returns their figures.
export function buildWasm() {
  return MODULES.map(buildModule);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildWasm();
  } catch (e) {
    say(`FAILED: ${e.message}`);
    process.exit(1);
  }
}
