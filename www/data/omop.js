// "Your data", OMOP CDM tables: the choice of which domains are codes and which CUIs (one
// select per domain in #data-omop, default condition as codes and drug as CUIs, as the
// command line's example), and the line that says what the tables gave.

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

/** Calls `onChange()` when a domain's role changes. */
export function wireOmop(onChange) {
  for (const s of selects()) s.addEventListener('change', onChange);
}

/** One line on what the OMOP tables gave: rows, tokens and skipped rows per table, and the
 * files left aside. */
export function omopText(omop) {
  const tables = omop.report.tables
    .filter((t) => t.table !== 'concept' && t.table !== 'note')
    .map((t) => `${t.table} ${t.rows} rows, ${t.tokens} tokens, ${t.unmapped} unmapped`);
  const choice = omopChoice();
  const roles = choice.error ? '' : ` Codes: ${choice.codes}; CUIs: ${choice.cuis}.`;
  const names = omop.used.some((n) => /^concept\./i.test(n)) ? '' : ' No concept table: features are named by concept id alone.';
  const ignored = omop.ignored.length ? ` Not read (domain not chosen): ${omop.ignored.join(', ')}.` : '';
  return `OMOP CDM: ${tables.join('; ')}.${roles}${names}${ignored}`;
}
