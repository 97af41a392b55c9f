// The neighbour inspector: pick a feature by name (a search box over every code and CUI), and
// see its top-k neighbours by cosine, across both modalities, in each embedding space (the
// truth and each method's estimate, or only the estimates for your own data). Shared by the
// explorer and the "Your data" section; the caller supplies how to fetch names and lists.

import { el } from './dom.js';
import { LABELS } from './methods.js';

const SPACE_LABELS = { truth: 'Truth', ...LABELS };
const K_CHOICES = [5, 10, 20, 50];

// A feature name as the inspector shows it (suggestions, tables, notes): backslashes, control
// characters (a text box drops line breaks) and leading or trailing spaces (which look like
// nothing) written as escapes, so every name can be seen, typed and found again.
export function shownName(name) {
  const escaped = name.replace(/[\\\u0000-\u001f\u007f]/gu, (c) => ({ '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' })[c]
    ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.replace(/^ +| +$/gu, (spaces) => '\\x20'.repeat(spaces.length));
}

// The lookup of typed text to names: each shown name (shownName), and each name as it is.
export function nameIndex(all) {
  const index = new Map(all.map((n) => [shownName(n), n]));
  for (const n of all) if (!index.has(n)) index.set(n, n);
  return index;
}

// The feature a typed text names, among `byShown` (nameIndex): the text as typed, else
// trimmed (spaces typed by accident); null when none.
export function findName(byShown, typed) {
  return byShown.get(typed) ?? byShown.get(typed.trim()) ?? null;
}

// Builds the inspector inside `root`. `fetchNames()` resolves to {codes, cuis};
// `fetchNeighbours(name, k)` resolves to [{space, neighbours: [{name, modality, cosine}]}].
// Returns {reset, refresh}: reset() forgets the names (a new run or new data), refresh()
// re-queries the shown feature (after a refit).
export function createInspector(root, { idPrefix, fetchNames, fetchNeighbours }) {
  const ids = { input: `${idPrefix}-feature`, list: `${idPrefix}-features`, k: `${idPrefix}-k` };
  root.replaceChildren();
  const form = el('form', { class: 'inspector-form' });
  form.append(
    el('label', { for: ids.input }, 'Feature'),
    el('input', { id: ids.input, type: 'search', autocomplete: 'off', placeholder: 'e.g. code_01 or cui_12' }),
    el('datalist', { id: ids.list }),
    el('label', { for: ids.k }, 'Neighbours'),
    select(ids.k, K_CHOICES, 10),
    el('button', { type: 'submit' }, 'Show neighbours'),
  );
  const input = form.querySelector('input');
  input.setAttribute('list', ids.list);
  const note = el('p', { class: 'inspector-note', role: 'status' });
  const out = el('div', { class: 'inspector-tables' });
  root.append(form, note, out);

  let names = null; // Map of every feature's shown name (shownName) to its name, once fetched
  let shown = null; // the feature whose lists are on screen

  // Fetches the names once per run and fills the search box's suggestions.
  async function loadNames() {
    if (names) return names;
    const { codes, cuis } = await fetchNames();
    const all = [...codes, ...cuis];
    names = nameIndex(all);
    const list = form.querySelector('datalist');
    list.replaceChildren(...all.map((n) => el('option', { value: shownName(n) })));
    return names;
  }

  // Looks up the typed feature and shows its neighbour tables (or says what is wrong).
  async function show(typed) {
    const k = Number(form.querySelector('select').value);
    try {
      const name = findName(await loadNames(), typed);
      if (name === null) {
        out.replaceChildren();
        shown = null;
        return say(typed.trim() ? `No code or CUI is named “${typed.trim()}”; pick one from the suggestions.` : 'Type a feature name.');
      }
      const lists = await fetchNeighbours(name, k);
      shown = shownName(name);
      renderTables(out, name, lists);
      say(`Top ${k} neighbours of ${shownName(name)} by cosine similarity, codes and CUIs together.`);
    } catch (e) {
      say(`Could not inspect ${typed.trim()}: ${e.message ?? e}`);
    }
  }

  // Writes the one-line status under the form.
  function say(text) {
    note.textContent = text;
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    show(input.value);
  });
  input.addEventListener('focus', () => loadNames().catch(() => {}), { once: false });
  const waiting = () => say('Fit first, then type a feature name to list its nearest codes and CUIs.');
  waiting();
  return {
    reset() {
      names = null;
      shown = null;
      out.replaceChildren();
      form.querySelector('datalist').replaceChildren();
      waiting();
    },
    // After a fit: redraws the feature shown, or says the inspector is ready.
    refresh() {
      if (shown) show(shown);
      else say('Ready: type a code or CUI name (suggestions appear as you type) to list its nearest features.');
    },
  };
}

// One table per space, side by side; a name also in the truth's list is marked.
function renderTables(out, name, lists) {
  const truth = lists.find((l) => l.space === 'truth');
  const inTruth = new Set(truth ? truth.neighbours.map((x) => x.name) : []);
  out.replaceChildren(...lists.map((list) => {
    const table = el('table', { class: 'inspector-table' });
    const label = SPACE_LABELS[list.space] ?? list.space;
    const shared = list.neighbours.filter((x) => inTruth.has(x.name)).length;
    const caption = truth && list.space !== 'truth'
      ? `${label}: ${shared} of ${list.neighbours.length} also in the truth’s list`
      : label;
    table.append(el('caption', {}, caption));
    const head = el('tr');
    for (const h of ['#', 'Feature', 'Cosine']) head.append(el('th', { scope: 'col' }, h));
    table.append(el('thead'), el('tbody'));
    table.tHead.append(head);
    list.neighbours.forEach((x, i) => {
      const row = el('tr', { class: truth && list.space !== 'truth' && inTruth.has(x.name) ? 'shared' : '' });
      row.dataset.name = x.name;
      const marker = x.modality === 'code' ? '●' : '▲';
      row.append(
        el('td', {}, String(i + 1)),
        el('td', { title: x.modality === 'code' ? 'code' : 'CUI' }, `${marker} ${shownName(x.name)}`),
        el('td', {}, x.cosine.toFixed(3)),
      );
      table.tBodies[0].append(row);
    });
    return table;
  }));
  out.dataset.feature = name;
}

// A <select> of numbers with one chosen.
function select(id, values, chosen) {
  const s = el('select', { id });
  for (const v of values) s.append(el('option', { value: String(v), selected: v === chosen ? '' : null }, String(v)));
  return s;
}
