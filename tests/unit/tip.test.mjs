// Unit tests of the explorer's tip (www/explorer/tip.js) on planted numbers: the words follow
// the numbers (which method leads, by how much, whether any recovers, whether the paper's claim
// shows), and no sentence claims a CLAIME lead that the numbers do not give.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tipText } from '../../www/explorer/tip.js';

const LEVEL = Math.sqrt(8); // p = 4
const report = (errors, patients = 20000) => ({
  patients,
  no_recovery: LEVEL,
  methods: Object.fromEntries(Object.entries(errors).map(([m, e]) => [m, { projection_distance: e }])),
});
const CLAIME_AHEAD = /CLAIME (leads|wins|is ahead)|agrees with the paper|CLAIME has the lowest/;

test('tip: a baseline ahead (signal 4, c = 0.2: Concate 0.467, CL 0.476, CLAIME 0.511)', () => {
  const text = tipText(report({ claime: 0.511, concate: 0.467, cl: 0.476 }));
  assert.match(text, /lowest error first: Concate 0\.467, CL 0\.476, CLAIME 0\.511/);
  assert.match(text, /Concate and CL are within 0\.02 of each other: a tie/);
  assert.match(text, /Every method recovers beyond the no-recovery level √\(2p\) = 2\.83/);
  assert.match(text, /Here a baseline wins: Concate’s error is 0\.044 below CLAIME’s/);
  assert.doesNotMatch(text, CLAIME_AHEAD);
});

test('tip: CLAIME ahead (signal 2, c = 0.2: CLAIME 1.371, Concate 1.767, CL 2.721)', () => {
  const text = tipText(report({ claime: 1.371, concate: 1.767, cl: 2.721 }));
  assert.match(text, /CLAIME has the lowest error, 0\.396 below Concate/);
  assert.match(text, /CLAIME and Concate recover beyond the no-recovery level √\(2p\) = 2\.83; CL not/);
  assert.match(text, /agrees with the paper’s claim: CLAIME’s error is 0\.396 below the best baseline’s \(Concate\)/);
  assert.doesNotMatch(text, /baseline wins/);
});

test('tip: nothing recovered (the paper’s defaults: 2.80, 2.79, 2.82)', () => {
  const text = tipText(report({ claime: 2.80, concate: 2.79, cl: 2.82 }));
  assert.match(text, /No method recovers much: every error is within 10 % of the no-recovery level/);
  assert.match(text, /cannot test the paper’s claim/);
  assert.doesNotMatch(text, CLAIME_AHEAD);
  assert.doesNotMatch(text, /baseline wins/);
});

test('tip: a tie between CLAIME and the best baseline is called a tie', () => {
  const text = tipText(report({ claime: 1.000, concate: 1.010, cl: 1.5 }));
  assert.match(text, /neither confirms the paper’s claim nor contradicts it/);
  assert.doesNotMatch(text, /agrees with the paper|baseline wins/);
});

test('tip: without CLAIME or without a baseline there is no verdict; without numbers, no tip', () => {
  assert.match(tipText(report({ concate: 0.5, cl: 0.6 })), /Fit CLAIME and a baseline/);
  assert.match(tipText(report({ claime: 0.5 })), /only one method is fitted/);
  assert.equal(tipText(report({})), null);
  assert.equal(tipText(null), null);
  assert.equal(tipText({ ...report({ claime: 0.5 }), no_recovery: undefined }), null);
});

test('tip: the leader is named by the numbers, whichever method it is', () => {
  for (const [lead, others] of [['claime', ['concate', 'cl']], ['concate', ['claime', 'cl']], ['cl', ['claime', 'concate']]]) {
    const text = tipText(report({ [lead]: 0.3, [others[0]]: 0.6, [others[1]]: 0.9 }));
    const name = { claime: 'CLAIME', concate: 'Concate', cl: 'CL' }[lead];
    assert.match(text, new RegExp(`${name} has the lowest error, 0\\.300 below`));
    if (lead !== 'claime') assert.doesNotMatch(text, CLAIME_AHEAD);
  }
});
