// Offline use: registers the service worker (sw.js at the site root, so its scope covers the
// page, found relative to this module so any sub-path works) once the page has loaded, when the
// browser has service workers and the page is served over http(s) (a file: page has none).

// Registers ../sw.js after the load event; resolves to the registration, or null when skipped.
export function registerOffline() {
  if (!('serviceWorker' in navigator) || !/^https?:$/.test(location.protocol)) return Promise.resolve(null);
  const register = () => navigator.serviceWorker.register(new URL('../sw.js', import.meta.url))
    .catch((e) => {
      console.warn(`Offline use is unavailable: ${e.message}`);
      return null;
    });
  if (document.readyState === 'complete') return register();
  return new Promise((resolve) => window.addEventListener('load', () => resolve(register()), { once: true }));
}
