// Unit tests of the experiments' verdicts (www/experiments/verdict.js) on planted tables taken
// from docs/reproduction.md (500 replicates at the paper's scale): the claim holds (n, spike),
// fails for the baselines (d, spike; n, AR(1)), fails for CLAIME (noise, AR(1)), and a change of
// exactly the threshold counts as flat (a tie with the rule).

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FLAT, verdict } from '../../www/experiments/verdict.js';

// A table of one experiment: `lines` = {method: [mean at each x]}.
function table(experiment, xName, xs, lines, reps = 500) {
  const rows = [];
  xs.forEach((x, i) => {
    for (const [method, means] of Object.entries(lines)) rows.push({ experiment, x_name: xName, x, method, reps, mean: means[i] });
  });
  return { experiment, rows };
}
const N = [20000, 40000, 60000, 80000, 100000];

test('verdict: experiment n under spike noise, the claim holds', () => {
  const v = verdict(table('n', 'n', N, {
    claime: [2.80, 2.74, 2.63, 2.47, 2.29], concate: [2.79, 2.80, 2.80, 2.79, 2.79], cl: [2.82, 2.82, 2.81, 2.81, 2.81],
  }), 'spike');
  assert.equal(v.holds, true);
  assert.match(v.text, /^From n = 20000 to 100000 \(500 replicates\): CLAIME falls 2\.80 → 2\.29; Concate and CL stay flat within 0\.01 \(2\.79 → 2\.79, 2\.82 → 2\.81\)\./);
  assert.match(v.text, /claim \(CLAIME’s error falls as n grows while Concate and CL stay flat\) holds here\.$/);
  assert.deepEqual(v.breakers, []);
});

test('verdict: experiment d under spike noise, the baselines break the claim', () => {
  // Read from d = 1000 down to d = 200: the claim is about d shrinking.
  const v = verdict(table('d', 'd', [200, 400, 600, 800, 1000], {
    claime: [0.37, 0.73, 1.21, 1.73, 2.29], concate: [2.33, 2.62, 2.73, 2.77, 2.79], cl: [2.45, 2.72, 2.79, 2.80, 2.81],
  }), 'spike');
  assert.equal(v.holds, false);
  assert.match(v.text, /^From d = 1000 to 200 \(500 replicates\): CLAIME falls 2\.29 → 0\.37; Concate falls 2\.79 → 2\.33; CL falls 2\.81 → 2\.45\./);
  assert.match(v.text, /does not hold here: Concate falls but should stay flat and CL falls but should stay flat\. It holds for CLAIME and fails for Concate and CL\.$/);
  assert.deepEqual(v.breakers, ['Concate', 'CL']);
});

test('verdict: experiment noise under AR(1), CLAIME stays flat where the claim has it rise', () => {
  const v = verdict(table('noise', 'rho', [0, 0.3, 0.6, 0.9], {
    claime: [2.28, 2.27, 2.27, 2.28], concate: [1.75, 1.76, 1.80, 2.78],
  }), 'ar1');
  assert.equal(v.holds, false);
  assert.match(v.text, /^From rho = 0 to 0\.9 \(500 replicates\): Concate rises 1\.75 → 2\.78; CLAIME stays flat within 0\.00 \(2\.28 → 2\.28\)\./);
  assert.match(v.text, /CLAIME stays flat but should rise\. It holds for Concate and fails for CLAIME\.$/);
});

test('verdict: under spike noise the noise grows as c falls, so the grid is read from c = 1 down', () => {
  const v = verdict(table('noise', 'c', [0.2, 0.6, 1], { claime: [2.29, 2.22, 2.22], concate: [2.79, 1.82, 1.71] }), 'spike');
  assert.equal(v.holds, true, v.text);
  assert.match(v.text, /^From c = 1 to 0\.2 .*CLAIME rises 2\.22 → 2\.29; Concate rises 1\.71 → 2\.79\./);
});

test('verdict: a change of exactly the threshold is flat, one hundredth more is not (a tie with the rule)', () => {
  assert.equal(FLAT, 0.05);
  const at = verdict(table('n', 'n', [1, 2], { claime: [2.80, 2.75], concate: [2.80, 2.85] }, 5), 'spike');
  assert.equal(at.holds, false);
  assert.match(at.text, /CLAIME and Concate stay flat within 0\.05 \(2\.80 → 2\.75, 2\.80 → 2\.85\)/);
  assert.deepEqual(at.breakers, ['CLAIME']);
  const beyond = verdict(table('n', 'n', [1, 2], { claime: [2.80, 2.74], concate: [2.80, 2.85] }, 5), 'spike');
  assert.equal(beyond.holds, true, beyond.text);
  assert.match(beyond.text, /\(5 replicates\): CLAIME falls 2\.80 → 2\.74; Concate stays flat within 0\.05/);
});

test('verdict: waits for both ends of the grid, and counts the fewest replicates at them', () => {
  const partial = table('n', 'n', [20000], { claime: [2.8], concate: [2.79] });
  assert.equal(verdict(partial, 'spike').holds, null);
  const t = table('n', 'n', N, { claime: [2.80, 2.74, 2.63, 2.47, 2.29], concate: [2.79, 2.80, 2.80, 2.79, 2.79] }, 3);
  t.rows = t.rows.filter((r) => !(r.method === 'concate' && r.x === 100000));
  assert.equal(verdict(t, 'spike').holds, null, 'Concate has not reached the last n');
  t.rows[0].reps = 2;
  t.rows.push({ experiment: 'n', x_name: 'n', x: 100000, method: 'concate', reps: 3, mean: 2.79 });
  assert.match(verdict(t, 'spike').text, /\(2 replicates\)/);
  assert.throws(() => verdict({ experiment: 'x', rows: [] }, 'spike'), /unknown experiment/);
});

test('verdict: with every method at the no-recovery level at both ends there is nothing to test', () => {
  const level = Math.sqrt(8);
  const lines = { claime: [2.81, 2.81], concate: [2.82, 2.80], cl: [2.81, 2.81] };
  const v = verdict(table('n', 'n', [1000, 5000], lines, 2), 'ar1', level);
  assert.equal(v.holds, null);
  assert.match(v.text, /^From n = 1000 to 5000 \(2 replicates\): every method is within 0\.05 of the no-recovery level √\(2p\) = 2\.83 at both ends \(CLAIME 2\.81 → 2\.81, Concate 2\.82 → 2\.80, CL 2\.81 → 2\.81\): nothing is recovered/);
  assert.equal(verdict(table('n', 'n', [1000, 5000], lines, 2), 'ar1').holds, false, 'without the level, the rule alone');
  // One method below the level at one end (2.77 < 2.83 - 0.05): a verdict again.
  const some = verdict(table('n', 'n', [1000, 5000], { ...lines, claime: [2.81, 2.77] }, 2), 'ar1', level);
  assert.equal(some.holds, false);
  assert.match(some.text, /CLAIME stays flat but should fall/);
});
