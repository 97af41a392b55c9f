// The article "How CLAIME works": its text lives in article.html beside this file (a static
// file of the site, so index.html stays a shell of controls and sections) and is inserted into
// #article-body when the page starts. A failed load says so in its place.

import { $ } from '../lib/dom.js';

/** Loads the article into #article-body; resolves when it is in the page (or the failure is shown). */
export async function loadArticle() {
  const body = $('article-body');
  if (!body) return;
  try {
    const r = await fetch(new URL('./article.html', import.meta.url));
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    body.innerHTML = await r.text();
  } catch (e) {
    body.textContent = `The article could not be loaded (${e.message}); reload the page to try again.`;
  } finally {
    body.removeAttribute('aria-busy');
  }
}
