// The service worker: precaches the page's static files at install, so the explorer works
// offline and can be installed (with www/manifest.webmanifest). URLs are relative to this file,
// which sits at the site root so its scope covers the page from any sub-path (GitHub Pages).
//
// VERSION names the cache; a new VERSION installs a fresh cache and the old ones are dropped.
// scripts/build-dist.mjs stamps dist/sw.js with a hash of the shipped files and replaces
// PRECACHE by the list of every shipped file. There, same-origin GETs are answered cache first
// (the network only on a miss). In the source tree (VERSION 'dev', `npm start`) they go network
// first, so an edited file or a rebuilt wasm shows on reload; the cache then serves offline.

const VERSION = 'dev';
const CACHE = `claime-explorer-${VERSION}`;
const PRECACHE = [
  './',
  './index.html',
  './www/style.css',
  './www/manifest.webmanifest',
  './www/icon.svg',
  './www/data/protocol.js', './www/data/render.js', './www/data/section.js',
  './www/data/worker.js', './www/experiments/form.js', './www/experiments/helper.js',
  './www/experiments/pool.js', './www/experiments/protocol.js', './www/experiments/regime.js',
  './www/experiments/section.js', './www/experiments/view.js', './www/experiments/worker.js',
  './www/explorer/controls.js', './www/explorer/debug.js', './www/explorer/progress.js',
  './www/explorer/protocol.js', './www/explorer/sim-pool.js', './www/explorer/sim-protocol.js',
  './www/explorer/sim-worker.js', './www/explorer/snapshots.js', './www/explorer/summaries.js',
  './www/explorer/table.js', './www/explorer/tooltip.js', './www/explorer/views.js',
  './www/explorer/worker.js', './www/lib/dom.js', './www/lib/exports.js', './www/lib/format.js',
  './www/lib/inspector.js', './www/lib/methods.js', './www/lib/offline.js', './www/lib/theme.js',
  './www/lib/worker-client.js', './www/lib/worker-side.js', './www/main.js',
  './www/state/config.js', './www/state/fields.js', './www/state/store.js', './www/state/url.js',
  './www/state/validate.js', './www/teaching/config-file.js', './www/teaching/educator.js',
  './www/teaching/links.js', './www/teaching/tools.js', './www/training/chart.js',
  './www/training/handlers.js', './www/training/live.js', './www/training/section.js',
  './www/training/sweep.js',
  './www/pkg/claime.js',
  './www/pkg/claime_bg.wasm',
  './www/pkg-explorer/claime.js',
  './www/pkg-explorer/claime_bg.wasm',
  './www/sample/sample.pairs.csv',
  './www/sample/sample.records.csv',
  './www/sample/sample.summary.json',
];

// Install: fetch every listed file past the HTTP cache and store it; then take over at once.
self.addEventListener('install', (event) => {
  const requests = PRECACHE.map((url) => new Request(url, { cache: 'reload' }));
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(requests)).then(() => self.skipWaiting()));
});

// Activate: drop the caches of other versions and control the open pages.
self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((keys) => Promise.all(keys.filter((k) => k.startsWith('claime-explorer-') && k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

// The cached answer to a request; a page (navigation) matches whatever its query string.
function fromCache(request) {
  return caches.match(request, { cacheName: CACHE, ignoreSearch: request.mode === 'navigate' });
}

// Fetches from the network and keeps a copy of good same-origin answers (pages excepted:
// their query strings would each make an entry; './' stands for them).
async function fetchAndKeep(request) {
  const response = await fetch(request);
  if (response.ok && response.type === 'basic' && request.mode !== 'navigate') {
    const copy = response.clone();
    caches.open(CACHE).then((cache) => cache.put(request, copy));
  }
  return response;
}

// Cache first: the stored copy, else the network.
async function cacheFirst(request) {
  return (await fromCache(request)) ?? fetchAndKeep(request);
}

// Network first: the network, else (offline) the stored copy.
async function networkFirst(request) {
  try {
    return await fetchAndKeep(request);
  } catch (e) {
    const hit = await fromCache(request);
    if (hit) return hit;
    throw e;
  }
}

// Answers same-origin GETs; anything else goes to the network untouched.
self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(VERSION === 'dev' ? networkFirst(request) : cacheFirst(request));
});
