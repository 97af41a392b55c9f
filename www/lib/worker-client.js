// The page's side of a module worker: starts it, numbers the requests and keeps the map of
// pending requests answered by one reply (`ask`), so every section talks to its worker the
// same way. The protocols themselves are in each worker's protocol.js.

/** A module worker at `url`; hooks: onReply(msg) for every message, onError(event) for an
 * uncaught error in the worker (its default handling prevented), onUnreadable() for a message
 * that cannot be read. `wrap(id, type, fields)` builds a message (default: a plain object). */
export class WorkerClient {
  constructor(url, { onReply, onError, onUnreadable, wrap } = {}) {
    Object.assign(this, { url, onReply, onError, onUnreadable, nextId: 1, pending: new Map(), worker: null });
    this.wrap = wrap ?? ((id, type, fields) => ({ id, type, ...fields }));
  }

  // Starts the worker (terminating the one before, if any) and wires its events.
  start() {
    this.worker?.terminate();
    const worker = new Worker(this.url, { type: 'module' });
    worker.addEventListener('message', (e) => this.onReply?.(e.data ?? {}));
    worker.addEventListener('error', (e) => {
      if (!this.onError) return;
      e.preventDefault();
      this.onError(e);
    });
    worker.addEventListener('messageerror', () => this.onUnreadable?.());
    this.worker = worker;
    return this;
  }

  // Whether the worker is running.
  get started() {
    return this.worker !== null;
  }

  // Sends one request and returns its id (a stopped worker drops it, as a terminated one does).
  send(type, fields = {}) {
    const id = this.nextId++;
    this.worker?.postMessage(this.wrap(id, type, fields));
    return id;
  }

  // Sends one request and resolves to its reply (or rejects with the worker's error).
  ask(type, fields = {}) {
    return new Promise((resolve, reject) => this.pending.set(this.send(type, fields), { resolve, reject }));
  }

  // Settles the pending request `msg` answers (an `error` reply rejects it); returns whether
  // there was one.
  settle(msg) {
    const asked = this.pending.get(msg.id);
    if (!asked) return false;
    this.pending.delete(msg.id);
    if (msg.type === 'error') asked.reject(new Error(msg.message));
    else asked.resolve(msg);
    return true;
  }

  // Rejects every pending request with `reason`.
  rejectAll(reason) {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(new Error(reason));
  }

  // Ends the worker; pending requests are rejected with `reason`.
  terminate(reason = 'the worker was stopped') {
    this.worker?.terminate();
    this.worker = null;
    this.rejectAll(reason);
  }
}
