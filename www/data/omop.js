// "Your data", OMOP CDM tables: the choice of which domains are codes and which CUIs (one
// select per domain in #data-omop, default condition as codes and drug as CUIs, as the
// command line's example, or what is present while the user has not chosen), and the line
// that says what the tables gave.

import { $ } from '../lib/dom.js';

// The domain selects: [{domain, value: 'codes' | 'cuis' | ''}].
const selects = () => [...$('data-omop').querySelectorAll('select[data-domain]')];

/** The chosen domains as the command line's comma lists, {codes, cuis}, or {error} when a
 * modality has none. */
export function omopChoice() {
  const of = (kind) => selects().filter((s) => s.value === kind).map((s) => s.dataset.domain).join(',');
  const codes = of('codes');
  const cuis = of('cuis');
  if (!codes || !cuis) return { error: 'OMOP tables: choose at least one domain as codes and one as CUIs.' };
  return { codes, cuis };
}

/** Sets the selects to the domains read ({codes, cuis}, comma lists). */
export function showOmopChoice({ codes, cuis }) {
  const role = (d) => (codes.split(',').includes(d) ? 'codes' : cuis.split(',').includes(d) ? 'cuis' : '');
  for (const s of selects()) s.value = role(s.dataset.domain);
}

/** Calls `onChange()` when a domain's role changes. */
export function wireOmop(onChange) {
  for (const s of selects()) s.addEventListener('change', onChange);
}

/** One line on what the OMOP tables gave: rows, tokens and skipped rows per table, the domains
 * read and the files left aside. */
export function omopText(omop) {
  const tables = omop.report.tables
    .filter((t) => t.table !== 'concept' && t.table !== 'note')
    .map((t) => `${t.table} ${t.rows} rows, ${t.tokens} tokens, ${t.unmapped} unmapped`);
  const roles = ` Codes: ${omop.codes}; CUIs: ${omop.cuis}.`;
  const names = omop.used.some((n) => /^concept\./i.test(n)) ? '' : ' No concept table: features are named by concept id alone.';
  const some = omop.ignored.slice(0, 8).join(', ') + (omop.ignored.length > 8 ? ` and ${omop.ignored.length - 8} more` : '');
  const ignored = omop.ignored.length ? ` Not read (not a table of the chosen domains, nor a summary): ${some}.` : '';
  return `OMOP CDM: ${tables.join('; ')}.${roles}${names}${ignored}`;
}
