// The worker's side of the page's workers (explorer, data, experiments): the wasm loaded once,
// requests dispatched to handlers by type, and every failure answered as an `error` reply
// (fatal when the wasm trapped). Each worker's messages are in its protocol.js.

// Turns anything thrown (Error, JsError, string) into a readable message.
export function errorText(e) {
  if (e instanceof Error) return e.message || String(e);
  if (e && typeof e === 'object' && 'message' in e) return String(e.message) || String(e);
  return String(e);
}

// A loader that runs `init(arg)` the first time and hands every later call the same promise;
// a failed load is forgotten, so a later request tries again.
export function loadOnce(init) {
  let ready = null;
  return (arg) => {
    ready ??= init(arg).catch((e) => {
      ready = null;
      throw e;
    });
    return ready;
  };
}

// Posts one message `{id, type, ...fields}` to the page.
export function post(id, type, fields = {}) {
  self.postMessage({ id, type, ...fields });
}

// Frees a wasm object; a trapped module may refuse, which changes nothing.
export function release(object) {
  try {
    object?.free();
  } catch {
    // the original error is the one worth reporting
  }
}

/** Answers the page's messages with `handlers` (type -> async handler(msg)); an unknown type
 * or a thrown error becomes `{id, type: 'error', message, fatal}`, fatal when the wasm trapped
 * (e instanceof WebAssembly.RuntimeError). `name` names the worker in messages; `describe(e,
 * fatal)` may word the message. */
export function serve(name, handlers, { describe = (e) => errorText(e), send = post } = {}) {
  self.addEventListener('message', async (event) => {
    const msg = event.data ?? {};
    try {
      const handler = handlers[msg.type];
      if (!handler) throw new Error(`${name}: unknown request type "${msg.type}"`);
      await handler(msg);
    } catch (e) {
      const fatal = e instanceof WebAssembly.RuntimeError;
      send(msg.id, 'error', { message: describe(e, fatal), fatal });
    }
  });
}
