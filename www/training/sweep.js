// The temperature sweep of the "Training" section: on its own worker (so the live trainer keeps
// its state), trains the temperature loss at tau = 0.01, 0.1, ..., 1000 and infinity for a fixed
// number of steps each, and fills in the final recovery error and distance to CLAIME-SVD as each
// run finishes (messages `train` and `train-step` of explorer/protocol.js), on the explorer's
// current parameters (read from the store).

import { Reply, Req, message } from '../explorer/protocol.js';
import { $, setBlobLink } from '../lib/dom.js';
import { WorkerClient } from '../lib/worker-client.js';
import { currentParams } from '../state/store.js';

/** The temperatures swept (null = infinity, the linear loss). */
export const TAUS = [0.01, 0.1, 1, 10, 100, 1000, null];

const sw = { client: null, defaults: null, queue: [], current: null, steps: 0, rows: [] };

// Sends one request to the sweep's worker; returns its id.
function send(type, fields) {
  return sw.client.send(type, fields);
}

const tauText = (tau) => (tau === null ? '∞' : String(tau));

/** Header of the sweep's CSV export. */
export const SWEEP_CSV_HEADER = 'tau,steps,iteration,loss,recovery_error,distance_to_svd,svd_error';

// The finished runs as CSV (tau "inf" for the linear loss), full precision, in sweep order.
export function sweepCsv(rows, steps) {
  const lines = rows.map(({ tau, point: p }) => [
    tau === null ? 'inf' : tau, steps, p.iteration, p.loss, p.error, p.distance_to_svd, p.svd_error,
  ].join(','));
  return `${[SWEEP_CSV_HEADER, ...lines].join('\n')}\n`;
}

// Points the download link at the finished runs so far.
function setCsvLink() {
  const link = $('sweep-csv');
  if (!link || !sw.rows.length) return;
  setBlobLink(link, sweepCsv(sw.rows, sw.steps), `claime-temperature-sweep-${sw.steps}-steps.csv`, 'text/csv');
}

// Redraws the sweep table: one row per temperature, blank until its run finishes.
function render() {
  const body = $('sweep-table').tBodies[0];
  body.replaceChildren(...TAUS.map((tau) => {
    const tr = document.createElement('tr');
    const row = sw.rows.find((r) => r.tau === tau);
    tr.dataset.tau = tauText(tau);
    const cells = [tauText(tau), row ? row.point.error.toFixed(4) : '…', row ? row.point.distance_to_svd.toFixed(4) : '…'];
    if (!row && !sw.queue.includes(tau) && sw.current?.tau !== tau) cells.fill('–', 1);
    for (const text of cells) tr.append(Object.assign(document.createElement('td'), { textContent: text }));
    return tr;
  }));
}

// Starts the next run of the queue (or marks the sweep done).
function next() {
  const tau = sw.queue.shift();
  if (tau === undefined) {
    sw.current = null;
    $('sweep-run').disabled = false;
    $('sweep-status').textContent = `Done: ${TAUS.length} runs of ${sw.steps} steps.`;
    return render();
  }
  const params = currentParams(sw.defaults);
  const lambda = Number($('train-lambda').value);
  sw.current = { tau, id: send(Req.TRAIN, { params, trainer: 'claime-temp', settings: { lambda }, temperature: tau }), built: false };
  $('sweep-status').textContent = `Training at τ = ${tauText(tau)}…`;
  render();
}

function onReply(msg) {
  if (msg.type === Reply.READY) {
    sw.defaults = msg.defaults;
    return sw.current === null && sw.queue.length ? next() : undefined;
  }
  if (msg.type === Reply.ERROR) {
    sw.current = null;
    sw.queue = [];
    $('sweep-run').disabled = false;
    $('sweep-status').textContent = `Error: ${msg.message}`;
    return;
  }
  if (msg.type !== Reply.TRAIN_STATE || !sw.current || msg.session !== sw.current.id || msg.stale) return;
  if (!sw.current.built) {
    sw.current.built = true;
    // One long message: this worker serves only the sweep.
    return send(Req.TRAIN_STEP, { session: sw.current.id, steps: sw.steps, budget: 1e9 });
  }
  sw.rows.push({ tau: sw.current.tau, point: msg.point });
  setCsvLink();
  next();
}

// Runs the sweep with the step count of the input.
function run() {
  sw.steps = Math.max(1, Math.floor(Number($('sweep-steps').value) || 200));
  sw.rows = [];
  sw.queue = [...TAUS];
  if ($('sweep-csv')) $('sweep-csv').hidden = true;
  $('sweep-run').disabled = true;
  if (!sw.client) {
    // The sweep's own worker starts on first use.
    sw.client = new WorkerClient(new URL('../explorer/worker.js', import.meta.url), { onReply, wrap: message }).start();
    send(Req.INIT);
    $('sweep-status').textContent = 'Loading…';
    return render();
  }
  next();
}

// Wires the sweep view; its worker starts on first use.
export function createSweep() {
  $('sweep-run').addEventListener('click', run);
  render();
}
