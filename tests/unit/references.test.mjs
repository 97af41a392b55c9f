// Unit tests of the training section's hand-over of the explorer's fits
// (www/training/references.js): only at the parameters of the explorer's finished run, and once
// per worker session.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { update } from '../../www/state/store.js';
import { referencesFor } from '../../www/training/references.js';

const P = { d1: 60, d2: 60, n: 2000, signal: 3 };
const FITS = [{ method: 'claime', v1: new Float64Array(240), v2: new Float64Array(240) }];

test('references: none before a run has finished, or for other parameters', () => {
  update({ finished: null });
  assert.equal(referencesFor(JSON.stringify(P), false), undefined);
  update({ finished: { params: P, references: [] } });
  assert.equal(referencesFor(JSON.stringify(P), false), undefined, 'a finished run without fits');
  update({ finished: { params: P, references: FITS } });
  assert.equal(referencesFor(JSON.stringify({ ...P, seed: 2 }), false), undefined);
});

test('references: given with a new session, not again to the same session', () => {
  update({ finished: { params: P, references: FITS } });
  const json = JSON.stringify(P);
  assert.equal(referencesFor(json, false), FITS, 'a new session gets them');
  assert.equal(referencesFor(json, true), undefined, 'the same session holds them');
  assert.equal(referencesFor(json, false), FITS, 'a new session (the worker simulated again) gets them again');
});
