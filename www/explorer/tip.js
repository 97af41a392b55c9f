// The tip above the explorer's charts, written from the current results (issue 27, build 3):
// which method leads and by how much, whether any method recovers beyond the no-recovery
// level sqrt(2p), and whether this setting agrees with the paper's claim (CLAIME ahead of the
// baselines) or is one where a baseline wins. No sentence here is true regardless of the
// numbers, so no control can make the tip false.
// Input: a Report (src/session.rs): {patients, no_recovery, methods: {m: {projection_distance}}}.

import { LABELS, METHODS } from '../lib/methods.js';
import { fmt, fmtInt } from '../lib/format.js';

/** An error below this fraction of sqrt(2p) counts as recovering something. */
export const RECOVERS_BELOW = 0.9;
/** Errors closer than this (one replicate) are called a tie. */
export const TIE_WITHIN = 0.02;

const BASELINES = ['concate', 'cl'];
const label = (m) => LABELS[m] ?? m;

/** The tip's sentences for a report, or null when it has no finite error to speak of. */
export function tipText(report) {
  const pd = (m) => report?.methods?.[m]?.projection_distance;
  const names = METHODS.filter((m) => Number.isFinite(pd(m)));
  const level = report?.no_recovery;
  if (!names.length || !Number.isFinite(level)) return null;
  const order = [...names].sort((a, b) => pd(a) - pd(b));
  const [lead, next] = order;
  const out = [];
  const after = Number.isFinite(report.patients) ? `After ${fmtInt(report.patients)} patients` : 'Now';
  const listed = order.map((m) => `${label(m)} ${fmt(pd(m), 3)}`).join(', ');
  if (!next) out.push(`${after}: ${listed} (only one method is fitted).`);
  else if (pd(next) - pd(lead) < TIE_WITHIN) {
    out.push(`${after}, lowest error first: ${listed}. ${label(lead)} and ${label(next)} are within `
      + `${fmt(TIE_WITHIN, 2)} of each other: a tie in one replicate.`);
  } else {
    out.push(`${after}, lowest error first: ${listed}. ${label(lead)} has the lowest error, `
      + `${fmt(pd(next) - pd(lead), 3)} below ${label(next)}.`);
  }
  const recovering = order.filter((m) => pd(m) < RECOVERS_BELOW * level);
  if (!recovering.length) {
    out.push(`No method recovers much: every error is within ${Math.round((1 - RECOVERS_BELOW) * 100)} % `
      + `of the no-recovery level √(2p) = ${fmt(level, 2)}, so this setting cannot test the paper’s `
      + 'claim. A larger signal or more patients give every method more to find.');
    return out.join(' ');
  }
  const all = recovering.length === order.length;
  const who = all ? 'Every method' : recovering.map(label).join(' and ');
  const verb = !all && recovering.length > 1 ? 'recover' : 'recovers';
  const rest = order.filter((m) => !recovering.includes(m)).map(label).join(' and ');
  out.push(`${who} ${verb} beyond the no-recovery level √(2p) = ${fmt(level, 2)}${all ? '' : `; ${rest} not`}.`);
  const bases = BASELINES.filter((m) => names.includes(m));
  if (!names.includes('claime') || !bases.length) {
    out.push('Fit CLAIME and a baseline (Concate or CL) to compare them with the paper’s claim.');
    return out.join(' ');
  }
  const best = bases.reduce((a, b) => (pd(b) < pd(a) ? b : a));
  const diff = pd('claime') - pd(best);
  if (diff <= -TIE_WITHIN) {
    out.push(`This setting agrees with the paper’s claim: CLAIME’s error is ${fmt(-diff, 3)} below the best `
      + `baseline’s (${label(best)}).`);
  } else if (diff < TIE_WITHIN) {
    out.push(`CLAIME and the best baseline (${label(best)}) are within ${fmt(TIE_WITHIN, 2)}: this setting `
      + 'neither confirms the paper’s claim nor contradicts it.');
  } else {
    out.push(`Here a baseline wins: ${label(best)}’s error is ${fmt(diff, 3)} below CLAIME’s, against the `
      + 'paper’s claim. The regime map (Experiments) shows where the patient noise is strong enough '
      + 'for CLAIME to win.');
  }
  return out.join(' ');
}
