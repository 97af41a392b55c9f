// Hover and keyboard tooltip for the alignment chart: finds the point nearest the mouse (in the
// SVG's own pixel space, so CSS scaling does not matter) and shows its name, modality, and true
// and estimated coordinates. The chart is focusable; arrow keys step through the points.

/** Largest distance (screen pixels) from the mouse to a point for it to be picked. */
export const PICK_RADIUS = 10;

// Checks the hover list from the worker (HoverPoint in src/explorer.rs); returns a problem or null.
export function checkPoints(points) {
  if (!Array.isArray(points)) return 'hover: not a list';
  const bad = points.findIndex((q) => typeof q?.name !== 'string' || !Number.isFinite(q.x) || !Number.isFinite(q.y)
    || !Array.isArray(q.truth) || !Array.isArray(q.estimate));
  return bad >= 0 ? `hover[${bad}]: needs name, x, y, truth and estimate` : null;
}

// The SVG pixels per screen pixel of the chart, and its on-screen box; null when not drawn.
function geometry(slot) {
  const svg = slot.querySelector('svg');
  if (!svg) return null;
  const box = svg.getBoundingClientRect();
  const width = Number(svg.getAttribute('width')) || box.width;
  const height = Number(svg.getAttribute('height')) || box.height;
  if (!box.width || !box.height) return null;
  return { box, sx: width / box.width, sy: height / box.height };
}

// Index of the point nearest (x, y) in SVG pixels within `radius`, or -1.
export function nearest(points, x, y, radius) {
  let best = -1;
  let bestD2 = radius * radius;
  points.forEach((q, i) => {
    const d2 = (q.x - x) ** 2 + (q.y - y) ** 2;
    if (d2 <= bestD2) [best, bestD2] = [i, d2];
  });
  return best;
}

// Formats a coordinate vector as fixed-width numbers.
function coords(values) {
  return values.map((v) => (Number.isFinite(v) ? v.toFixed(3) : '–').padStart(7)).join(' ');
}

// Fills the tooltip element with one point's description (text only, no HTML from data).
function describe(tip, q, index, count) {
  const head = document.createElement('strong');
  head.textContent = q.name;
  const kind = q.modality === 'cui' ? 'CUI (notes)' : 'code (structured)';
  const lines = [`${kind} · point ${index + 1} of ${count}`, `true      ${coords(q.truth)}`, `estimate  ${coords(q.estimate)}`];
  tip.replaceChildren(head, ...lines.map((t) => Object.assign(document.createElement('div'), { textContent: t })));
}

/**
 * Wires the tooltip on `slot` (the alignment chart's container, focusable) with the `tip` and
 * `ring` elements inside it. Returns {setPoints(points)} to call after each render.
 */
export function createTooltip(slot, tip, ring) {
  if (!slot || !tip || !ring) throw new Error('tooltip: missing slot, tip or ring element');
  let points = [];
  let index = -1;

  // Hides the tooltip and the ring.
  const hide = () => {
    index = -1;
    tip.hidden = true;
    ring.hidden = true;
  };

  // Shows point i next to its position.
  const show = (i) => {
    const g = geometry(slot);
    if (!g || i < 0 || i >= points.length) return hide();
    index = i;
    const q = points[i];
    const origin = slot.getBoundingClientRect();
    const left = g.box.left - origin.left + q.x / g.sx;
    const top = g.box.top - origin.top + q.y / g.sy;
    describe(tip, q, i, points.length);
    ring.style.transform = `translate(${left}px, ${top}px)`;
    ring.hidden = false;
    tip.hidden = false;
    const flip = left + 16 + tip.offsetWidth > slot.clientWidth;
    tip.style.left = `${Math.max(0, flip ? left - 16 - tip.offsetWidth : left + 16)}px`;
    tip.style.top = `${Math.max(0, Math.min(top - 12, slot.clientHeight - tip.offsetHeight))}px`;
  };

  // Picks the point under the mouse.
  const onMove = (e) => {
    const g = geometry(slot);
    if (!g || !points.length) return hide();
    const x = (e.clientX - g.box.left) * g.sx;
    const y = (e.clientY - g.box.top) * g.sy;
    const i = nearest(points, x, y, PICK_RADIUS * Math.max(g.sx, g.sy));
    if (i < 0) hide();
    else if (i !== index) show(i);
  };

  // Arrow keys step through the points; Escape hides.
  const onKey = (e) => {
    if (!points.length) return;
    const steps = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 };
    if (e.key in steps) show((Math.max(index, steps[e.key] > 0 ? -1 : 0) + steps[e.key] + points.length) % points.length);
    else if (e.key === 'Home') show(0);
    else if (e.key === 'End') show(points.length - 1);
    else if (e.key === 'Escape') hide();
    else return;
    e.preventDefault();
  };

  slot.addEventListener('mousemove', onMove);
  slot.addEventListener('mouseleave', hide);
  slot.addEventListener('keydown', onKey);
  slot.addEventListener('blur', hide);
  hide();

  // Replaces the points (after a render); keeps the shown point when it still exists.
  const setPoints = (next) => {
    const problem = checkPoints(next);
    if (problem) throw new Error(problem);
    points = next;
    if (index >= 0 && index < points.length) show(index);
    else hide();
  };
  return { setPoints };
}
