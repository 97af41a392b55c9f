#!/usr/bin/env node
// Builds the crate for wasm32 (release) and runs wasm-bindgen --target web into www/pkg.
// Usage: node scripts/build-wasm.mjs
// Cargo's own incremental check makes a second call cheap; wasm-bindgen is skipped when
// www/pkg is already newer than the compiled .wasm.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TARGET = 'wasm32-unknown-unknown';
export const PKG_DIR = join(ROOT, 'www', 'pkg');
const PKG_WASM = join(PKG_DIR, 'claime_bg.wasm');
const PKG_JS = join(PKG_DIR, 'claime.js');

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

// Modification time of a file in ms, or -1 when it is absent.
function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : -1;
}

// Formats a byte count as KiB with one decimal.
function kib(bytes) {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

// Builds the wasm and the JS glue; returns {cargoMs, bindgenMs, bytes, gzipBytes}.
export function buildWasm() {
  say(`cargo build --release --lib --target ${TARGET}`);
  const cargoMs = step('cargo', ['build', '--release', '--lib', '--target', TARGET]);
  const crateWasm = join(targetDir(), TARGET, 'release', 'claime.wasm');
  say(`cargo: ${(cargoMs / 1000).toFixed(1)} s`);
  let bindgenMs = 0;
  const fresh = mtime(PKG_WASM) > mtime(crateWasm) && existsSync(PKG_JS);
  if (fresh) {
    say(`wasm-bindgen: skipped, ${relative(ROOT, PKG_DIR)} is up to date`);
  } else {
    // No name or producers sections: function names only serve debuggers, and they were 8 % of
    // the gzipped size.
    const argv = ['--target', 'web', '--remove-name-section', '--remove-producers-section', '--out-dir', PKG_DIR, crateWasm];
    bindgenMs = step('wasm-bindgen', argv);
    say(`wasm-bindgen: ${(bindgenMs / 1000).toFixed(1)} s`);
  }
  const wasm = readFileSync(PKG_WASM);
  const gzipBytes = gzipSync(wasm, { level: 9 }).length;
  say(`${relative(ROOT, PKG_WASM)}: ${kib(wasm.length)} (${kib(gzipBytes)} gzipped)`);
  return { cargoMs, bindgenMs, bytes: wasm.length, gzipBytes };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    buildWasm();
  } catch (e) {
    say(`FAILED: ${e.message}`);
    process.exit(1);
  }
}
