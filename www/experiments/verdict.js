// The verdict under each panel of Figure 1: what each method's mean error did from one end of
// the grid to the other, and whether that is what the paper claims (model.md §7,
// docs/reproduction.md): CLAIME's error falls as n grows and as d shrinks while Concate and CL
// stay flat; every error rises as the noise grows (c falls, ρ grows). Pure: it reads only the
// table's rows ({x, method, reps, mean}), so every number it writes is in the table. A change
// is read from the means as shown (two decimals): more than FLAT down "falls", more than FLAT up
// "rises", else "flat".

import { LABELS } from '../lib/methods.js';

/** Largest change (shown to two decimals) that counts as flat. */
export const FLAT = 0.05;

/** The CLAIME family (the paper's claim is about these) and the baselines. */
const FAMILY = Object.freeze({ claime: 'claime', 'claime-gd': 'claime', concate: 'base', cl: 'base', 'cl-gd': 'base' });

/** Per experiment: which end of the grid the claim starts from ('low' or 'high' x), what
 * each family should do, and the claim in words. The noise grows as c falls (spike) and as ρ
 * grows (AR(1)). */
const CLAIMS = Object.freeze({
  n: { from: () => 'low', expect: { claime: 'falls', base: 'flat' }, words: 'CLAIME’s error falls as n grows while Concate and CL stay flat' },
  d: { from: () => 'high', expect: { claime: 'falls', base: 'flat' }, words: 'CLAIME’s error falls as d shrinks while Concate and CL stay flat' },
  noise: {
    from: (noise) => (noise === 'spike' ? 'high' : 'low'),
    expect: { claime: 'rises', base: 'rises' },
    words: 'every error rises as the noise grows',
  },
});

// A mean as shown: two decimals; hundredths as an integer, so that comparisons are exact.
const hundredths = (v) => Math.round(v * 100);
const show = (h) => (h / 100).toFixed(2);

// A grid value as the results table shows it.
const showX = (x) => String(x);

// "a", "a and b", "a, b and c".
function list(names) {
  return names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

// The trend of a change in hundredths.
function trend(delta) {
  if (delta < -hundredths(FLAT)) return 'falls';
  if (delta > hundredths(FLAT)) return 'rises';
  return 'flat';
}

// Each known method's move between the claim's two ends of the grid: {method, label, family,
// from, to, delta (hundredths), trend, expected, ok}; null when a method lacks either end.
function moves(rows, start, end) {
  const out = [];
  for (const method of [...new Set(rows.map((r) => r.method))]) {
    const family = FAMILY[method];
    if (!family) continue;
    const a = rows.find((r) => r.method === method && r.x === start);
    const b = rows.find((r) => r.method === method && r.x === end);
    if (!a || !b) return null;
    const [from, to] = [hundredths(a.mean), hundredths(b.mean)];
    out.push({ method, label: LABELS[method] ?? method, family, from, to, delta: to - from, trend: trend(to - from), reps: Math.min(a.reps, b.reps) });
  }
  return out;
}

// "CLAIME falls 2.80 → 2.24" for each moving method; "Concate and CL flat within 0.02" for the
// flat ones together.
function describe(ms) {
  const parts = ms.filter((m) => m.trend !== 'flat').map((m) => `${m.label} ${m.trend} ${show(m.from)} → ${show(m.to)}`);
  const flat = ms.filter((m) => m.trend === 'flat');
  if (flat.length) {
    const within = Math.max(...flat.map((m) => Math.abs(m.delta)));
    const values = flat.map((m) => `${show(m.from)} → ${show(m.to)}`).join(', ');
    parts.push(`${list(flat.map((m) => m.label))} ${flat.length > 1 ? 'stay' : 'stays'} flat within ${show(within)} (${values})`);
  }
  return parts.join('; ');
}

/**
 * The verdict of one panel: `table` = {experiment: 'n'|'d'|'noise', rows}, `noise` = 'spike'
 * or 'ar1', `level` the no-recovery level √(2p) (optional). Returns {holds (true, false, or
 * null when the grid's ends are not in yet or, with `level`, every method is within FLAT of it
 * at both ends: nothing recovered, nothing to test), text, breakers (labels of the methods that
 * break the claim)}.
 */
export function verdict(table, noise, level = null) {
  const claim = CLAIMS[table?.experiment];
  if (!claim || !Array.isArray(table.rows)) throw new Error(`verdict: unknown experiment ${table?.experiment}`);
  const xs = [...new Set(table.rows.map((r) => r.x))].sort((a, b) => a - b);
  const wait = { holds: null, text: 'The verdict comes once both ends of the grid are in.', breakers: [] };
  if (xs.length < 2) return wait;
  const [start, end] = claim.from(noise) === 'low' ? [xs[0], xs.at(-1)] : [xs.at(-1), xs[0]];
  const ms = moves(table.rows, start, end);
  if (!ms || !ms.length) return wait;
  for (const m of ms) {
    m.expected = claim.expect[m.family];
    m.ok = m.trend === m.expected;
  }
  const name = table.rows[0].x_name ?? 'x';
  const reps = Math.min(...ms.map((m) => m.reps));
  const head = `From ${name} = ${showX(start)} to ${showX(end)} (${reps} replicate${reps === 1 ? '' : 's'}): ${describe(ms)}.`;
  if (level !== null && ms.every((m) => Math.min(m.from, m.to) >= hundredths(level) - hundredths(FLAT))) {
    const values = ms.map((m) => `${m.label} ${show(m.from)} → ${show(m.to)}`).join(', ');
    return {
      holds: null,
      text: `From ${name} = ${showX(start)} to ${showX(end)} (${reps} replicate${reps === 1 ? '' : 's'}): every method is within `
        + `${show(hundredths(FLAT))} of the no-recovery level √(2p) = ${level.toFixed(2)} at both ends (${values}): `
        + `nothing is recovered, so this grid cannot test the paper’s claim (${claim.words}).`,
      breakers: [],
    };
  }
  const breakers = ms.filter((m) => !m.ok);
  if (!breakers.length) {
    return { holds: true, text: `${head} The paper’s claim (${claim.words}) holds here.`, breakers: [] };
  }
  const should = { falls: 'should fall', rises: 'should rise', flat: 'should stay flat' };
  const why = breakers.map((m) => `${m.label} ${m.trend === 'flat' ? 'stays flat' : m.trend} but ${should[m.expected]}`);
  const good = ms.filter((m) => m.ok).map((m) => m.label);
  const partly = good.length ? ` It holds for ${list(good)} and fails for ${list(breakers.map((m) => m.label))}.` : '';
  return {
    holds: false,
    text: `${head} The paper’s claim (${claim.words}) does not hold here: ${list(why)}.${partly}`,
    breakers: breakers.map((m) => m.label),
  };
}
