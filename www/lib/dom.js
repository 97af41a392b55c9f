// DOM helpers shared by every section: an element by id, the HTML and SVG element builders,
// the status lines and blob download links.

// The element with this id (or null).
export function $(id) {
  return document.getElementById(id);
}

// Creates an element with attributes (null and undefined ones skipped) and children.
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  node.append(...children);
  return node;
}

/** The SVG namespace, for the charts the page draws itself. */
const SVG_NS = 'http://www.w3.org/2000/svg';

// Creates an SVG element with attributes (null and undefined ones skipped) and children (text
// or nodes; null and undefined ones skipped).
export function svgEl(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  }
  node.append(...children.filter((c) => c !== undefined && c !== null));
  return node;
}

// Shows `text` in the status line `id` with data-kind = `kind`; `section` (an id), when given,
// gets data-state = `kind` too.
export function setStatus(id, text, kind = 'info', section = null) {
  Object.assign($(id), { textContent: text }).dataset.kind = kind;
  if (section) $(section).dataset.state = kind;
}

// A setStatus bound to one status line (and section): (text, kind) => void.
export function statusLine(id, section = null) {
  return (text, kind = 'info') => setStatus(id, text, kind, section);
}

/** Points a download link at a Blob of `text` (revoking the link's previous Blob URL). */
export function setBlobLink(link, text, filename, type = 'text/plain') {
  if (link.href.startsWith('blob:')) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = filename;
  link.hidden = false;
}
