// "Customise for a class": a <details> panel with a hide and a lock checkbox per control. It
// writes a link that opens the page in educator mode with the current state (for instance
// `?n=4000&hide=n,seed&lock=p`) and an <iframe> snippet that embeds it, each with a copy button.

import { el } from '../lib/dom.js';
import { FIELDS } from '../state/fields.js';
import { copyText } from './links.js';
import { pageBase, toQuery } from '../state/url.js';
import { CONTROL_KEYS } from '../state/validate.js';

/** Labels of the keys that are not parameters. */
const OTHER_LABELS = Object.freeze({ methods: 'Methods to show', presets: 'Presets' });

// The label of a control key.
function labelOf(key) {
  return FIELDS.find((f) => f.key === key)?.label ?? OTHER_LABELS[key] ?? key;
}

// One table row: the control's name, its hide and its lock checkbox.
function keyRow(key, access) {
  const box = (kind) => {
    const input = el('input', { type: 'checkbox', id: `edu-${kind}-${key}`, 'data-kind': kind, 'data-key': key, 'aria-label': `${kind === 'hide' ? 'Hide' : 'Lock'} ${labelOf(key)}` });
    input.checked = access[kind].includes(key);
    return el('td', {}, input);
  };
  return el('tr', {}, el('th', { scope: 'row' }, labelOf(key)), box('hide'), box('lock'));
}

// A read-only output (input or textarea) with its label and a copy button.
function outputBlock(tag, id, label, copyLabel) {
  const output = el(tag, { id, readonly: '', spellcheck: 'false' });
  const copy = el('button', { type: 'button', id: `${id}-copy` }, copyLabel);
  return { output, copy, block: el('p', { class: 'edu-output' }, el('label', { for: id }, label), output, copy) };
}

// Escapes text for a double-quoted HTML attribute.
function attr(text) {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

// The <iframe> snippet that embeds `link`.
export function embedSnippet(link) {
  return `<iframe src="${attr(link)}" title="CLAIME explorer" width="100%" height="900" style="border:0" loading="lazy"></iframe>`;
}

/**
 * Fills the panel `body` (inside the <details>); access: the {hide, lock} the page opened with
 * (the boxes start ticked as they are). setStatus(text) reports copies. Returns {update(state,
 * defaults)}: call it whenever the page's state changes, so the link carries the current values.
 */
export function createEducator(body, { access, setStatus }) {
  if (!body) throw new Error('educator: missing the panel body');
  const table = el('table', { class: 'edu-table' },
    el('caption', {}, 'Tick what students should not see (hide) or not change (lock).'),
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Control'), el('th', { scope: 'col' }, 'Hide'), el('th', { scope: 'col' }, 'Lock'))),
    el('tbody', {}, ...CONTROL_KEYS.map((k) => keyRow(k, access))));
  const link = outputBlock('input', 'edu-link', 'Link for the class', 'Copy link');
  const embed = outputBlock('textarea', 'edu-embed', 'Embed in a web page', 'Copy snippet');
  embed.output.rows = 3;
  body.replaceChildren(table, link.block, embed.block);
  let last = null; // {state, defaults} of the latest update
  const ticked = (kind) => CONTROL_KEYS.filter((k) => body.querySelector(`#edu-${kind}-${k}`).checked);
  const refresh = () => {
    if (!last) return;
    const base = pageBase();
    link.output.value = `${base}${toQuery({ ...last.state, hide: ticked('hide'), lock: ticked('lock') }, last.defaults)}`;
    embed.output.value = embedSnippet(link.output.value);
  };
  table.addEventListener('change', refresh);
  const copier = (block, what) => async () => {
    const copied = await copyText(block.output.value, block.output);
    setStatus(copied ? `${what} copied.` : `The browser refused the clipboard: the ${what.toLowerCase()} is selected, press Ctrl+C (⌘C).`);
  };
  link.copy.addEventListener('click', copier(link, 'Class link'));
  embed.copy.addEventListener('click', copier(embed, 'Embed snippet'));
  return {
    update(state, defaults) {
      last = { state, defaults };
      refresh();
    },
  };
}
