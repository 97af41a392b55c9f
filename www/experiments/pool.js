// A pool of module workers (experiments/worker.js, one per core) that share the independent
// tasks of jobs: an experiment or a regime map. A free worker takes the next task index of the
// oldest unfinished job, so tasks go out in order as workers free up; task t gives the same
// numbers in any worker, so the results do not depend on the pool's size.
//
// Cancel stops handing out the job's tasks and ignores its late results; a worker still busy
// with one of them is left to finish, since a task of the SVD methods takes about a second at
// the default scale and a worker that keeps its loaded wasm is worth more than that second. Only
// a task still running GRACE_MS after the cancel (the paper's scale, the GD trainers) has its
// worker terminated and replaced, so it does not hold a core the next run needs.
//
// A worker that fails (a wasm trap: the worker answers `fatal`; or an uncaught error) is
// replaced, and the job whose task it ran stops with the worker's message.

/** Most workers in a pool, whatever the number of cores. */
export const MAX_WORKERS = 8;
/** How long (ms) a worker may go on with a cancelled job's task before it is replaced. */
export const GRACE_MS = 1500;
/** Workers in a row that may fail before answering `ready` before the pool gives up. */
const MAX_FAILED_STARTS = 3;

/** The pool size for this machine: one worker per core, between 1 and MAX_WORKERS. */
export function poolSize() {
  return Math.max(1, Math.min(MAX_WORKERS, Math.floor(navigator.hardwareConcurrency) || 1));
}

// Compiles the wasm once for all the page's workers (a new worker then only instantiates it);
// resolves to undefined when that fails, and each worker fetches the wasm itself.
export async function compileWasm(url) {
  try {
    return await WebAssembly.compileStreaming(fetch(url));
  } catch {
    try {
      return await WebAssembly.compile(await (await fetch(url)).arrayBuffer());
    } catch {
      return undefined;
    }
  }
}

/** A pool of `size` workers running `url`, each given the compiled `module` at start. */
export class WorkerPool {
  constructor({ url, size = poolSize(), module }) {
    Object.assign(this, { url, module, nextId: 1, jobs: [], failedStarts: 0, broken: null });
    this.slots = Array.from({ length: size }, () => this.start({}));
  }

  get size() {
    return this.slots.length;
  }

  // Starts a worker in `slot` (a fresh object or one whose worker was replaced).
  start(slot) {
    const worker = new Worker(this.url, { type: 'module' });
    Object.assign(slot, { worker, ready: false, busy: null });
    worker.addEventListener('message', (e) => this.onMessage(slot, e.data ?? {}));
    worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.onFailure(slot, `a worker failed: ${e.message || 'it could not start (is www/pkg built?)'}`);
    });
    worker.addEventListener('messageerror', () => this.onFailure(slot, 'a worker sent an unreadable message'));
    worker.postMessage({ id: this.nextId++, type: 'init', module: this.module });
    return slot;
  }

  // Terminates a slot's worker and starts a fresh one in its place.
  replace(slot) {
    slot.worker.terminate();
    this.start(slot);
  }

  // Starts a job of `tasks` tasks; onResult(t, result, ms, job) per task, onEnd({state,
  // message?}) once: state 'done', 'cancelled' or 'error'. Returns the job (see cancel).
  run({ kind, spec, tasks, onResult, onEnd }) {
    const job = { kind, spec, total: tasks, next: 0, done: 0, state: 'running', onResult, onEnd };
    if (this.broken) {
      queueMicrotask(() => this.end(job, 'error', this.broken));
      return job;
    }
    this.jobs.push(job);
    if (tasks === 0) queueMicrotask(() => this.end(job, 'done'));
    this.dispatch();
    return job;
  }

  // Stops handing out a job's tasks and ignores its late results (see the file's comment).
  cancel(job) {
    if (job?.state === 'running') this.end(job, 'cancelled');
  }

  // Ends a job once; workers still busy with its tasks get GRACE_MS to finish.
  end(job, state, message) {
    if (job.state !== 'running') return;
    job.state = state;
    this.jobs = this.jobs.filter((j) => j !== job);
    for (const slot of this.slots) {
      if (slot.busy?.job !== job) continue;
      const busy = slot.busy;
      setTimeout(() => slot.busy === busy && this.replace(slot), GRACE_MS);
    }
    job.onEnd?.({ state, message });
  }

  // Hands the next task of the oldest unfinished job to every free, ready worker.
  dispatch() {
    for (const slot of this.slots) {
      if (!slot.ready || slot.busy) continue;
      const job = this.jobs.find((j) => j.state === 'running' && j.next < j.total);
      if (!job) return;
      const t = job.next++;
      slot.busy = { job, t };
      slot.worker.postMessage({ id: this.nextId++, type: 'task', kind: job.kind, spec: job.spec, t });
    }
  }

  // A worker's answer: `ready`, a task's `result`, or an `error`.
  onMessage(slot, msg) {
    if (msg.type === 'ready') {
      slot.ready = true;
      this.failedStarts = 0;
    } else if (msg.type === 'result') {
      const { job } = slot.busy ?? {};
      slot.busy = null;
      if (job?.state === 'running') {
        job.done += 1;
        job.onResult?.(msg.t, msg.result, msg.ms, job);
        if (job.done === job.total) this.end(job, 'done');
      }
    } else if (msg.type === 'error') {
      if (msg.fatal) return this.onFailure(slot, `a worker crashed (wasm trap: ${msg.message}) and was replaced`);
      if (!slot.ready) return this.onFailure(slot, `a worker could not load the wasm: ${msg.message}`);
      const { job } = slot.busy ?? {};
      slot.busy = null;
      if (job) this.end(job, 'error', msg.message);
    }
    this.dispatch();
  }

  // A broken worker: its job stops with `message`, the worker is replaced (unless workers keep
  // failing before they are ready, when the pool gives up and fails every job).
  onFailure(slot, message) {
    const { job } = slot.busy ?? {};
    const starting = !slot.ready;
    slot.busy = null;
    if (job) this.end(job, 'error', message);
    if (starting && ++this.failedStarts >= MAX_FAILED_STARTS) {
      this.broken = `the experiment workers cannot start: ${message}`;
      for (const j of [...this.jobs]) this.end(j, 'error', this.broken);
      for (const s of this.slots) s.worker.terminate();
      return;
    }
    this.replace(slot);
    this.dispatch();
  }
}
