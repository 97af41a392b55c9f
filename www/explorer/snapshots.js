// Shows the explorer's snapshots: the charts (one per task, the hover points handed to the
// tooltip), the metrics table, the charts' summaries, the no-recovery line and the progress.

import { $ } from '../lib/dom.js';
import { fmt } from '../lib/format.js';
import { updateSummaries } from './summaries.js';
import { checkReport, renderTable } from './table.js';
import { renderCharts } from './views.js';

/**
 * Builds the display around the page's tooltip, progress line and setStatus(text, kind).
 * Returns {showCharts(charts, onDrawn?, summarise?), showSnapshot(msg, onDrawn?), run}: run is
 * the id of the run whose snapshot is shown.
 */
export function createSnapshots({ tooltip, progress, setStatus }) {
  const shown = { run: null };

  // Renders the charts (one per task), hands the hover points to the tooltip, then calls
  // `onDrawn`; `summarise` = false when the caller rewrites the summaries itself.
  shown.showCharts = (charts, onDrawn, summarise = true) => {
    try {
      const onError = (e) => setStatus(`Could not show a chart: ${e.message}`, 'error');
      renderCharts(charts, { onAlignment: (c) => tooltip.setPoints(c.hover), onError, onDrawn });
      if (summarise) updateSummaries({ charts });
    } catch (e) {
      setStatus(`Could not show the charts: ${e.message}`, 'error');
      onDrawn?.();
    }
  };

  // Shows one snapshot: charts, table, progress.
  shown.showSnapshot = (msg, onDrawn) => {
    if (checkReport(msg.report)) return setStatus(`Malformed snapshot: ${checkReport(msg.report)}`, 'error');
    shown.run = msg.id;
    shown.showCharts(msg.charts, onDrawn, false);
    renderTable($('metrics'), msg.report);
    updateSummaries({ charts: msg.charts, report: msg.report, history: msg.history }); // once per snapshot
    $('no-recovery').textContent = fmt(msg.report.no_recovery, 3);
    $('no-recovery-p').textContent = String(msg.report.params.p);
    progress.update(msg.patients, msg.total);
  };
  return shown;
}
