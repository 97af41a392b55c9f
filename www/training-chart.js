// A tiny inline SVG line chart for the "Training" section: one polyline of a value against the
// iteration, with the range of each axis written at its ends. Built from numbers, no plotters.

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

// Draws `points` ([{iteration, ...}]) of `key` into `host` as an SVG; `floor` (optional) is a
// dashed horizontal reference line (e.g. the SVD solution's own error); `log`: a log10 y axis
// (values floored at 1e-8).
export function drawLine(host, points, key, { title, colour = '#2457c5', floor, log = false } = {}) {
  const value = (y) => (log ? Math.log10(Math.max(y, 1e-8)) : y);
  const pts = points.filter((p) => Number.isFinite(p[key])).map((p) => ({ iteration: p.iteration, [key]: value(p[key]) }));
  const svg = node('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': title });
  const xs = pts.map((p) => p.iteration);
  const ys = pts.map((p) => p[key]);
  if (Number.isFinite(floor)) ys.push(value(floor));
  const [x0, x1] = [Math.min(0, ...xs), Math.max(1, ...xs)];
  let [y0, y1] = ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1];
  if (y1 - y0 < 1e-12) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const px = (x) => PAD_L + ((x - x0) / (x1 - x0)) * (W - PAD_L - PAD_R);
  const py = (y) => H - PAD_B - ((y - y0) / (y1 - y0)) * (H - PAD_B - PAD_T);
  svg.append(node('rect', { x: PAD_L, y: PAD_T, width: W - PAD_L - PAD_R, height: H - PAD_B - PAD_T, fill: 'none', stroke: '#d9dde5' }));
  const label = (x, y, text, anchor) => svg.append(node('text', { x, y, 'font-size': 10, fill: '#5b6475', 'text-anchor': anchor }, text));
  const yText = (y) => short(log ? 10 ** y : y);
  label(PAD_L - 4, PAD_T + 8, yText(y1), 'end');
  label(PAD_L - 4, H - PAD_B, yText(y0), 'end');
  label(PAD_L, H - 6, short(x0), 'start');
  label(W - PAD_R, H - 6, `${short(x1)} iterations`, 'end');
  if (Number.isFinite(floor)) {
    svg.append(node('line', { x1: PAD_L, x2: W - PAD_R, y1: py(value(floor)), y2: py(value(floor)), stroke: '#969696', 'stroke-dasharray': '4 3' }));
  }
  const coords = pts.map((p) => `${px(p.iteration).toFixed(1)},${py(p[key]).toFixed(1)}`).join(' ');
  svg.append(node('polyline', { class: 'series', points: coords, fill: 'none', stroke: colour, 'stroke-width': 2 }));
  host.replaceChildren(svg);
  host.dataset.points = String(pts.length);
}
