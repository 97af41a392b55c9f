// The teaching tools, wired to the page's state: "Copy link" and the URL notice (links.js),
// "Customise for a class" (educator.js), chart, metrics and embedding exports (lib/exports.js) and
// the configuration file (config-file.js). main.js calls update() on every state change and
// setReport() when a run is done.

import { $ } from '../lib/dom.js';
import { wireConfig } from './config-file.js';
import { createEducator } from './educator.js';
import { addChartExports, saveBlob, setProjectorChoices, wireProjector } from '../lib/exports.js';
import { createCopyLink, showUrlProblems } from './links.js';
import { LABELS, METHODS } from '../lib/methods.js';
import { setCsvDownload } from '../explorer/table.js';


/**
 * Wires the tools. page: {access ({hide, lock} from the URL), setStatus(text, kind),
 * fetchTsv(space) -> Promise<{vectors, metadata}>, apply({params, methods, view})}.
 * Returns {update(state, defaults), setReport(report), showUrlProblems(problems)}.
 */
export function createTeaching({ access, setStatus, fetchTsv, apply }) {
  const now = { state: null, defaults: null, report: null };
  const onError = (text) => setStatus(text, 'error');
  createCopyLink($('copy-link'), $('link-field'), setStatus);
  const educator = createEducator($('educator-body'), { access, setStatus });
  // A class link (some control hidden or locked) is for students: no panel to undo it.
  $('educator').hidden = access.hide.length > 0 || access.lock.length > 0;
  addChartExports(document.querySelector('main'), {
    getSeed: (chart) => (chart.closest('#views') ? now.state?.params.seed : undefined),
    onError,
  });
  const projector = { select: $('tsv-space'), vectorsButton: $('tsv-vectors'), metadataButton: $('tsv-metadata') };
  wireProjector(projector, { fetchTsv, getSeed: () => now.state?.params.seed ?? '', onError });
  wireConfig({ saveButton: $('config-save'), loadInput: $('config-load') }, {
    getState: () => now.state, getDefaults: () => now.defaults, save: saveBlob, apply, setStatus,
  });
  return {
    update(state, defaults) {
      Object.assign(now, { state, defaults });
      educator.update(state, defaults);
    },
    setReport(report) {
      now.report = report;
      setCsvDownload($('download-csv'), report);
      setProjectorChoices(projector.select, METHODS.filter((m) => report.methods[m]), LABELS);
      for (const b of [projector.vectorsButton, projector.metadataButton]) b.disabled = false;
    },
    showUrlProblems: (problems) => showUrlProblems($('url-notice'), problems),
  };
}
