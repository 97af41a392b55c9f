// Links to another state of this page (the article's "try it" links, `?noise=ar1#views`) open
// that state in place: no reload, so a class link's hidden and locked controls (educator mode,
// `?hide=n&lock=p`) stay as the teacher set them and the wasm is not loaded again. A link
// opened elsewhere (a new tab, a copied address) keeps them too: in educator mode its address
// gains the class link's hide and lock and the current values of the fixed parameters.

import { checkQuery } from '../state/url.js';

/** Parameters a state link may not change in educator mode: the hidden and the locked ones. */
function fixedKeys(access) {
  return [...new Set([...access.hide, ...access.lock])];
}

// The URL of `anchor` when it leads to another state of this page (same document, with a
// query), else null. `page`: the page's own URL.
export function stateLinkUrl(anchor, page) {
  const href = anchor.getAttribute('href');
  if (!href || anchor.target && anchor.target !== '_self' || anchor.hasAttribute('download')) return null;
  const url = new URL(href, page);
  const same = url.origin === page.origin && url.pathname === page.pathname;
  return same && url.search ? url : null;
}

/**
 * The address of state link `url` as a class link: the link's own values, with the fixed
 * parameters (hidden or locked) at their current values `params`, and the class link's hide and
 * lock lists. Outside educator mode (no hide, no lock) the link is unchanged.
 */
export function classHref(url, access, params) {
  if (!access.hide.length && !access.lock.length) return url.href;
  const out = new URL(url.href);
  for (const key of fixedKeys(access)) {
    if (params && params[key] !== undefined) out.searchParams.set(key, String(params[key]));
  }
  out.searchParams.delete('hide');
  out.searchParams.delete('lock');
  if (access.hide.length) out.searchParams.set('hide', access.hide.join(','));
  if (access.lock.length) out.searchParams.set('lock', access.lock.join(','));
  return out.href;
}

// Whether a click is a plain one (no modifier, main button): the page may take it over.
function plainClick(e) {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey && !e.defaultPrevented;
}

/**
 * Takes over state links under `root` (the whole document: the article arrives later).
 * page: {getAccess() -> {hide, lock}, getParams() -> the current parameters, getDefaults(),
 * apply({params, methods, view}) (keeps hidden and locked values), showProblems(problems)}.
 */
export function holdStateLinks(root, page) {
  const here = () => new URL(location.href);
  // Before any way of opening the link elsewhere (middle click, context menu, keyboard), its
  // address becomes the class link's; the original is kept to rewrite it again later.
  const rewrite = (e) => {
    const anchor = e.target.closest?.('a[href]');
    const url = anchor && stateLinkUrl(anchor, here());
    if (!url) return null;
    anchor.dataset.stateHref ??= anchor.getAttribute('href');
    const own = new URL(anchor.dataset.stateHref, here());
    anchor.href = classHref(own, page.getAccess(), page.getParams());
    return { anchor, url: own };
  };
  for (const type of ['pointerdown', 'focusin', 'contextmenu', 'auxclick']) root.addEventListener(type, rewrite);
  root.addEventListener('click', (e) => {
    const link = rewrite(e);
    if (!link || !plainClick(e) || !page.getDefaults()) return;
    e.preventDefault();
    const { params, methods, view, problems } = checkQuery(link.url.search, page.getDefaults());
    page.showProblems(problems);
    history.replaceState(null, '', `${location.pathname}${location.search}${link.url.hash}`);
    page.apply({ params, methods, view });
    const target = link.url.hash && document.getElementById(decodeURIComponent(link.url.hash.slice(1)));
    target?.scrollIntoView();
  });
}
