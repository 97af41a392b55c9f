// Downloads of what the page shows: each chart as SVG and as PNG (the SVG drawn onto a canvas
// through an Image from a blob: URL, which the CSP allows), and the run's embeddings as the
// Embedding Projector's vectors.tsv and metadata.tsv (asked of the worker). Nothing leaves the
// page: every file is built here and saved through a blob: link.

/** Scale of the PNG over the SVG's own size (2 = sharp on high-density screens and slides). */
export const PNG_SCALE = 2;

// Saves `blob` as a file named `name` through a temporary download link.
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// The SVG document shown in a chart element, as text with its namespace; throws when empty.
export function chartSvg(chart) {
  const svg = chart?.querySelector('svg');
  if (!svg) throw new Error(`${chart?.id ?? 'chart'}: nothing drawn yet`);
  const text = new XMLSerializer().serializeToString(svg);
  return text.includes('xmlns=') ? text : text.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
}

// The pixel size of an SVG element: its width/height attributes, else its viewBox, else its box.
function svgSize(svg) {
  const box = svg.viewBox?.baseVal;
  const width = Number.parseFloat(svg.getAttribute('width')) || box?.width || svg.getBoundingClientRect().width;
  const height = Number.parseFloat(svg.getAttribute('height')) || box?.height || svg.getBoundingClientRect().height;
  if (!(width > 0 && height > 0)) throw new Error('chart: the SVG has no size');
  return { width, height };
}

// Renders a chart element's SVG to a PNG blob (white background, PNG_SCALE times its size).
export async function chartPng(chart) {
  const text = chartSvg(chart);
  const { width, height } = svgSize(chart.querySelector('svg'));
  const url = URL.createObjectURL(new Blob([text], { type: 'image/svg+xml' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = Object.assign(document.createElement('canvas'), { width: Math.round(width * PNG_SCALE), height: Math.round(height * PNG_SCALE) });
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
    const png = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!png) throw new Error(`${chart.id}: the browser could not encode the PNG`);
    return png;
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The file stem of a chart: its id without "chart-", with the seed when known.
function stem(chart, seed) {
  return `claime-${chart.id.replace(/^chart-/, '')}${seed === undefined ? '' : `-seed${seed}`}`;
}

// A small "SVG · PNG" button pair for one chart, named after it for screen readers (a click is
// handled by addChartExports' listener on an ancestor).
export function chartButtons(chart) {
  const name = chart.getAttribute('aria-label') ?? chart.id;
  const make = (format) => Object.assign(document.createElement('button'), {
    type: 'button', textContent: format, className: 'export-button',
  });
  const [svg, png] = [make('SVG'), make('PNG')];
  svg.dataset.export = 'svg';
  png.dataset.export = 'png';
  svg.dataset.chart = chart.id;
  png.dataset.chart = chart.id;
  svg.setAttribute('aria-label', `Download as SVG: ${name}`);
  png.setAttribute('aria-label', `Download as PNG: ${name}`);
  return [svg, png];
}

/**
 * Adds SVG and PNG buttons under every chart (`.chart[id]` inside a figure) in `root`, at the end
 * of the figure's caption. getSeed(chart) names the files (undefined: no seed); onError(message) reports a failure.
 */
export function addChartExports(root, { getSeed, onError }) {
  for (const chart of root.querySelectorAll('figure .chart[id]')) {
    const figure = chart.closest('figure');
    const caption = figure.querySelector('figcaption') ?? figure;
    const line = document.createElement('span');
    line.className = 'chart-exports';
    const several = figure.querySelectorAll('.chart[id]').length > 1;
    line.append(several ? `Download ${chart.id.replace(/^chart-(heat-)?/, '')}: ` : 'Download: ', ...chartButtons(chart));
    caption.append(line);
  }
  root.addEventListener('click', async (e) => {
    const button = e.target.closest('button[data-export]');
    if (!button) return;
    const chart = document.getElementById(button.dataset.chart);
    try {
      const name = stem(chart, getSeed(chart));
      if (button.dataset.export === 'svg') saveBlob(new Blob([chartSvg(chart)], { type: 'image/svg+xml' }), `${name}.svg`);
      else saveBlob(await chartPng(chart), `${name}.png`);
    } catch (err) {
      onError(`Could not export the chart: ${err.message}`);
    }
  });
}

/**
 * Wires the Embedding Projector buttons: `select` picks the space ("truth" or a method),
 * fetchTsv(space) resolves to {vectors, metadata}; getSeed() names the files.
 */
export function wireProjector({ select, vectorsButton, metadataButton }, { fetchTsv, getSeed, onError }) {
  const save = (which) => async () => {
    const space = select.value;
    try {
      const tsv = await fetchTsv(space);
      const name = which === 'vectors' ? `claime-vectors-${space}` : 'claime-metadata';
      saveBlob(new Blob([tsv[which]], { type: 'text/tab-separated-values' }), `${name}-seed${getSeed()}.tsv`);
    } catch (err) {
      onError(`Could not export the embeddings: ${err.message}`);
    }
  };
  vectorsButton.addEventListener('click', save('vectors'));
  metadataButton.addEventListener('click', save('metadata'));
}

// Offers the truth and each method of the run in the projector's select, keeping the choice.
export function setProjectorChoices(select, methods, labels) {
  const keep = select.value;
  const spaces = ['truth', ...methods];
  select.replaceChildren(...spaces.map((s) => new Option(s === 'truth' ? 'Truth' : labels[s] ?? s, s)));
  select.value = spaces.includes(keep) ? keep : methods[0];
}
