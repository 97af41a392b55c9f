// A tiny inline SVG line chart for the "Training" section: one polyline of a value against the
// iteration, with the range of each axis written at its ends. Built from numbers, no plotters.
// The animation redraws each chart at every frame, so a chart's elements are made once and
// then only their attributes and labels change (making ~10 elements per chart afresh at every
// frame cost the page more than the line itself).

const NS = 'http://www.w3.org/2000/svg';
const [W, H, PAD_L, PAD_B, PAD_T, PAD_R] = [320, 170, 52, 22, 10, 10];

// Short text of a number for the axis labels.
function short(x) {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return x.toExponential(2);
  return String(Number(x.toPrecision(4)));
}

function node(tag, attrs, text) {
  const n = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, String(v));
  if (text !== undefined) n.textContent = text;
  return n;
}

// Sets an attribute only when its value changes.
function set(el, name, value) {
  const text = String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

const drawn = new WeakMap(); // host -> the parts of the chart it shows

// A new, empty chart in `host`: its frame, its four axis labels, the reference line (attached
// when there is a floor) and the series.
function build(host, title, colour) {
  const svg = node('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title });
  svg.append(node('rect', { x: PAD_L, y: PAD_T, width: W - PAD_L - PAD_R, height: H - PAD_B - PAD_T, fill: 'none', style: 'stroke: var(--line, #d9dde5)' }));
  const label = (x, y, anchor) => node('text', { x, y, 'font-size': 10, style: 'fill: var(--muted, #5b6475)', 'text-anchor': anchor }, '');
  const labels = [label(PAD_L - 4, PAD_T + 8, 'end'), label(PAD_L - 4, H - PAD_B, 'end'), label(PAD_L, H - 6, 'start'), label(W - PAD_R, H - 6, 'end')];
  svg.append(...labels);
  const floor = node('line', { x1: PAD_L, x2: W - PAD_R, stroke: '#969696', 'stroke-dasharray': '4 3' });
  const line = node('polyline', { class: 'series', points: '', fill: 'none', stroke: colour, 'stroke-width': 2 });
  svg.append(line);
  host.replaceChildren(svg);
  const parts = { svg, labels, floor, line, title, colour };
  drawn.set(host, parts);
  return parts;
}

// Draws `points` ([{iteration, ...}]) of `key` into `host` as an SVG; `floor` (optional) is a
// dashed horizontal reference line (e.g. the SVD solution's own error); `log`: a log10 y axis
// (values floored at 1e-8). Reuses the chart already in `host` when it drew the same series.
export function drawLine(host, points, key, { title, colour = '#2457c5', floor, log = false } = {}) {
  const value = (y) => (log ? Math.log10(Math.max(y, 1e-8)) : y);
  const xs = [];
  const ys = [];
  for (const p of points) {
    if (!Number.isFinite(p[key])) continue;
    xs.push(p.iteration);
    ys.push(value(p[key]));
  }
  const n = xs.length;
  const hasFloor = Number.isFinite(floor);
  let [x0, x1, y0, y1] = [0, 1, Infinity, -Infinity];
  for (let i = 0; i < n; i += 1) {
    x0 = Math.min(x0, xs[i]);
    x1 = Math.max(x1, xs[i]);
    y0 = Math.min(y0, ys[i]);
    y1 = Math.max(y1, ys[i]);
  }
  if (hasFloor) [y0, y1] = [Math.min(y0, value(floor)), Math.max(y1, value(floor))];
  if (y0 > y1) [y0, y1] = [0, 1];
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (x) => PAD_L + ((x - x0) / (x1 - x0)) * (W - PAD_L - PAD_R);
  const py = (y) => H - PAD_B - ((y - y0) / (y1 - y0)) * (H - PAD_B - PAD_T);

  let parts = drawn.get(host);
  if (!parts || host.firstChild !== parts.svg || host.childNodes.length !== 1 || parts.title !== title || parts.colour !== colour) {
    parts = build(host, title, colour);
  }
  const yText = (y) => short(log ? 10 ** y : y);
  const texts = [yText(y1), yText(y0), short(x0), `${short(x1)} iterations`];
  parts.labels.forEach((el, i) => {
    if (el.textContent !== texts[i]) el.textContent = texts[i];
  });
  if (hasFloor) {
    set(parts.floor, 'y1', py(value(floor)));
    set(parts.floor, 'y2', py(value(floor)));
    if (parts.floor.parentNode !== parts.svg) parts.line.before(parts.floor);
  } else if (parts.floor.parentNode === parts.svg) parts.floor.remove();
  let coords = '';
  for (let i = 0; i < n; i += 1) coords += `${i ? ' ' : ''}${px(xs[i]).toFixed(1)},${py(ys[i]).toFixed(1)}`;
  set(parts.line, 'points', coords);
  host.dataset.points = String(n);
}
