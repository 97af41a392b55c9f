// Permalinks on the page: the "Copy link" button (the clipboard, or, when the browser refuses
// it, a read-only field showing the link, selected for the user to copy), and the notice that
// names the values a link had wrong and says what the page used instead.

import { pageAddress } from '../state/url.js';

// Copies `text` to the clipboard and shows it in the read-only `field`; when the clipboard is
// missing or refused, selects the field instead. Resolves to true when the clipboard took it.
export async function copyText(text, field) {
  field.value = text;
  field.hidden = false;
  try {
    if (!navigator.clipboard?.writeText) throw new Error('no clipboard in this browser');
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    field.focus();
    field.select();
    return false;
  }
}

/**
 * Wires the "Copy link" `button`: it copies the page's address (which state/url.js keeps equal
 * to the current state) and reports in `setStatus(text)` ("Link copied", or how to copy it by hand).
 */
export function createCopyLink(button, field, setStatus) {
  if (!button || !field) throw new Error('links: missing the copy button or the link field');
  button.addEventListener('click', async () => {
    const copied = await copyText(pageAddress(), field);
    setStatus(copied ? 'Link copied: it opens this exact state (parameters, seed, methods, view).'
      : 'The browser refused the clipboard: the link is selected in the field, press Ctrl+C (⌘C) to copy it.');
  });
}

// Shows in `notice` one line per bad URL value ("URL: p=500 is out of range 1–64; using the
// default 4"), or hides it when there is none. problems: [{text, fallback}] (state/validate.js).
export function showUrlProblems(notice, problems) {
  if (!notice) return;
  notice.hidden = problems.length === 0;
  const lines = problems.map(({ text, fallback }) => {
    const li = document.createElement('li');
    li.textContent = `URL: ${text}; ${fallback}.`;
    return li;
  });
  const list = document.createElement('ul');
  list.append(...lines);
  const lead = document.createElement('strong');
  lead.textContent = 'This link had values the page cannot use:';
  notice.replaceChildren(lead, list);
}
