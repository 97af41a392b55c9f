// Unit tests of the training section's convergence rule (www/training/pace.js `converged`),
// which pauses Play: the loss's relative change per epoch against CONVERGED_TOL, measured from
// an anchor that moves on only once an epoch has passed.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONVERGED_TOL, converged } from '../../www/training/pace.js';

const at = (iteration, loss) => ({ iteration, loss });

test('converged: nothing to measure without an anchor, a point or a finite loss', () => {
  assert.deepEqual(converged(null, at(5, 1), 1), { change: null, anchor: null });
  const a = at(0, 1);
  assert.deepEqual(converged(a, null, 1), { change: null, anchor: a });
  assert.deepEqual(converged(a, at(5, NaN), 1), { change: null, anchor: a });
});

test('converged: within an epoch the anchor stays (steps per epoch 10)', () => {
  const a = at(0, -20);
  assert.deepEqual(converged(a, at(9, -20), 10), { change: null, anchor: a });
  const p = at(10, -20.5);
  assert.deepEqual(converged(a, p, 10), { change: null, anchor: p }, 'a change of 2.5 % is not convergence');
});

test('converged: the relative change per epoch, averaged over the epochs spanned', () => {
  const a = at(100, -20);
  // 3 epochs (1 step each) moving the loss by 3e-5 of 20: 5e-7 per epoch, under 1e-6.
  const p = at(103, -20 - 3e-5);
  const { change, anchor } = converged(a, p, 1);
  assert.equal(anchor, p);
  assert.ok(Math.abs(change - 5e-7) < 1e-12, String(change));
  // The same move over one epoch is 1.5e-6: above the tolerance.
  assert.equal(converged(a, at(101, -20 - 3e-5), 1).change, null);
  assert.equal(CONVERGED_TOL, 1e-6);
});

test('converged: relative to the loss, so a loss near zero uses a floor of 1e-12', () => {
  const near = (x, y) => Math.abs(x - y) < 1e-15;
  assert.ok(near(converged(at(0, 1e3), at(1, 1e3 + 1e-4), 1).change, 1e-7));
  assert.ok(near(converged(at(0, 0), at(1, 1e-19), 1).change, 1e-7));
  assert.equal(converged(at(0, 0), at(1, 1e-17), 1).change, null, '1e-5 of the floor is not convergence');
});
