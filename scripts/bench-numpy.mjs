// The numpy baseline for `npm run bench`: installs numpy and scipy when they are missing (and
// says so), then runs scripts/numpy_baseline.py tasks with the BLAS held to `threads` threads.

import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCRIPT = join(ROOT, 'scripts', 'numpy_baseline.py');
const PYTHON = process.env.PYTHON ?? 'python3';

// numpy and scipy versions as "numpy X, scipy Y", or null when either is missing.
function versions() {
  const r = spawnSync(PYTHON, ['-c', 'import numpy, scipy; print(f"numpy {numpy.__version__}, scipy {scipy.__version__}")'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

// Runs one install command with its output shown; true when it succeeded.
function attempt(log, cmd, args) {
  log(`installing numpy and scipy: ${cmd} ${args.join(' ')}`);
  return spawnSync(cmd, args, { stdio: 'inherit' }).status === 0;
}

/**
 * Makes sure numpy and scipy import: pip --user, then pip --break-system-packages (an
 * "externally managed" system Python refuses the first), then apt-get (as root). Returns the
 * versions; throws with what was tried when nothing worked.
 */
export function ensureNumpy(log) {
  const have = versions();
  if (have) return have;
  const pip = [PYTHON, ['-m', 'pip', 'install', '--user', 'numpy', 'scipy']];
  const tries = [pip, [PYTHON, [...pip[1], '--break-system-packages']]];
  if (process.getuid?.() === 0) tries.push(['apt-get', ['install', '-y', 'python3-numpy', 'python3-scipy']]);
  for (const [cmd, args] of tries) {
    if (attempt(log, cmd, args) && versions()) return versions();
  }
  throw new Error(`numpy/scipy missing and could not be installed (tried ${tries.map(([c, a]) => `${c} ${a.join(' ')}`).join('; ')})`);
}

/** Runs one task of scripts/numpy_baseline.py with `flags`; returns its JSON. */
export function runNumpy(task, flags, threads = 1) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
  const args = [SCRIPT, task, ...Object.entries(flags).flatMap(([k, v]) => [`--${k.replace('_', '-')}`, String(v)])];
  return JSON.parse(execFileSync(PYTHON, args, { encoding: 'utf8', env, maxBuffer: 1 << 24 }));
}
