// Offline use: registers the service worker (sw.js at the site root, so its scope covers the
// page, found relative to this module so any sub-path works) when the browser has service
// workers and the page is served over http(s) (a file: page has none).
//
// Not before the page's first run has ended: installing the worker downloads every file of the
// site again (about 2.5 MB, into the cache), which on a first visit competed with the first
// result for the network, the disk and the cores.

/** How long after the load event the worker is registered even if the first run goes on (ms). */
const LATEST_MS = 15_000;

// Registers ../sw.js once the page has loaded and `ready` has resolved (or LATEST_MS after the
// load event, whichever comes first); resolves to the registration, or null when skipped.
export function registerOffline(ready = Promise.resolve()) {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return Promise.resolve(null);
  const register = () => navigator.serviceWorker.register(new URL('../../sw.js', import.meta.url))
    .catch((e) => {
      console.warn(`Offline use is unavailable: ${e.message}`);
      return null;
    });
  const loaded = document.readyState === 'complete'
    ? Promise.resolve()
    : new Promise((resolve) => window.addEventListener('load', resolve, { once: true }));
  const latest = loaded.then(() => new Promise((resolve) => setTimeout(resolve, LATEST_MS)));
  return Promise.race([Promise.all([loaded, ready]), latest]).then(register);
}
