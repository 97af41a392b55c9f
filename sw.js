// The service worker: precaches the page's static files at install, so the explorer works
// offline and can be installed (with www/manifest.webmanifest). URLs are relative to this file,
// which sits at the site root so its scope covers the page from any sub-path (GitHub Pages).
//
// VERSION names the cache; a new VERSION installs a fresh cache and the old ones are dropped.
// No file is listed here by hand: PRECACHE is filled in with every file of the site (index.html
// and www/, `siteFiles` in scripts/build-dist.mjs, which covers the module graph, workers
// included: `siteModules`). scripts/build-dist.mjs stamps dist/sw.js with that list and a hash
// of the shipped files as VERSION; there, same-origin GETs are answered cache first (the network
// only on a miss). scripts/serve.mjs fills in the list when it serves the source tree (VERSION
// 'dev', `npm start`), where same-origin GETs go network first, so an edited file or a rebuilt
// wasm shows on reload; the cache then serves offline. Served as it is, the page alone.

const VERSION = 'dev';
const CACHE = `claime-explorer-${VERSION}`;
const PRECACHE = ['./', './index.html'];

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
