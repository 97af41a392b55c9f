// The native command line for the browser tests: the debug-directory `claime` that `cargo test`
// builds (rebuilt only when a source is newer), its flags for a parameter object, and its runs.

import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The dev build of the command line (same sources as the wasm); CLAIME_CLI names another. */
export const CLI = process.env.CLAIME_CLI ?? join(ROOT, 'target', 'debug', 'claime');

// Newest modification time (ms) of the files under `dir`.
function newest(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);
}

// Whether the binary exists and is newer than src/ and Cargo.toml.
function isFresh(bin) {
  if (!existsSync(bin)) return false;
  const built = statSync(bin).mtimeMs;
  return built > newest(join(ROOT, 'src')) && built > statSync(join(ROOT, 'Cargo.toml')).mtimeMs;
}

// Builds the dev `claime` when it is missing or older than a source. Rust never reassociates
// or fuses floating-point operations at any optimisation level, so the dev build computes the
// release build's numbers.
export function ensureCli() {
  if (process.env.CLAIME_CLI || isFresh(CLI)) return CLI;
  const r = spawnSync('cargo', ['build', '--bin', 'claime'], { cwd: ROOT, stdio: 'inherit' });
  assert.equal(r.status, 0, 'cargo build --bin claime');
  return CLI;
}

// Command-line flags of a parameter object ({mean_t: 50} -> ['--mean-t', '50']).
export function flags(params) {
  return Object.entries(params).flatMap(([k, v]) => [`--${k.replace('_', '-')}`, String(v)]);
}

// Runs `claime run --json` with `params`, `methods` and extra arguments; returns the report.
export function cliReport(params, methods = 'claime,concate,cl', extra = []) {
  return JSON.parse(execFileSync(CLI, ['run', '--json', '--methods', methods, ...flags(params), ...extra], { encoding: 'utf8' }));
}
