// Seeded random inputs for the property tests (bad-input.test.mjs) and the soak test: a small
// PRNG (mulberry32) and generators of awkward text, numbers and JSON values.

/** Cases per property: PROPERTY_CASES from the environment, else `fallback`. */
export function caseCount(fallback) {
  const n = Number(process.env.PROPERTY_CASES);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** A seeded generator: {next() in [0, 1), int(lo, hi), pick(list), chance(p)}. */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  return { next, int, pick: (list) => list[int(0, list.length - 1)], chance: (p) => next() < p };
}

/** Texts that break naive parsers. */
export const NASTY = [
  '', ' ', '  12  ', '-0', '0', '1', '2', '-1', '1e3', '1e309', '-1e309', 'NaN', 'Infinity', '-Infinity', '0x10',
  '0b11', '1_000', '12abc', '1,5', '1.5', '.5', '5.', '+7', '9007199254740993', '18446744073709551616', 'null',
  'undefined', 'true', '[]', '{}', '%', '%zz', '%E0%A4%A', '&', '=', '==', '?', '#', '\u0000', '\u202e', '💥', 'é',
  'spike', 'ar1', 'orthogonal', 'none', 'claime', 'concate', 'cl', 'claime,cl', ',,,', 'claime,claime', 'CLAIME',
  'x'.repeat(300), '<script>alert(1)</script>', '"', "'", '\\', '\n', '\t',
];

// A random number written as text: integers, decimals, exponents, signs, edge values.
export function numberText(r) {
  const forms = [
    () => String(r.int(-5, 30)),
    () => String(r.int(0, 25000)),
    () => String(r.int(0, 2e7)),
    () => (r.next() * 2).toFixed(r.int(0, 4)),
    () => `${r.int(1, 9)}e${r.int(-3, 400)}`,
    () => String(-r.next() * 100),
    () => String(r.next()),
  ];
  return r.pick(forms)();
}

// A random short string of printable, control and non-ASCII characters.
export function junk(r, max = 12) {
  const chars = [...'abcxyz019 ,.;:=&?#%+-_/\\"\'[]{}<>é💥\u0000\n']; // code points, not UTF-16 halves
  return Array.from({ length: r.int(0, max) }, () => r.pick(chars)).join('');
}

// A random text value: nasty, numeric or junk.
export function textValue(r) {
  return r.pick([() => r.pick(NASTY), () => numberText(r), () => junk(r)])();
}

/** A random JSON value up to `depth` levels deep (numbers, strings, booleans, null, arrays, objects). */
export function jsonValue(r, depth = 2) {
  const leaves = [
    () => r.int(-3, 25000),
    () => r.next() * 1e3 - 10,
    () => r.pick([0, -0, 1, 2, 0.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2, 2 ** 64, 1e-320]),
    () => textValue(r),
    () => r.chance(0.5),
    () => null,
  ];
  if (depth > 0 && r.chance(0.2)) {
    if (r.chance(0.5)) return Array.from({ length: r.int(0, 3) }, () => jsonValue(r, depth - 1));
    return Object.fromEntries(Array.from({ length: r.int(0, 3) }, () => [junk(r, 5), jsonValue(r, depth - 1)]));
  }
  return r.pick(leaves)();
}
