/* Panjere's service worker.
 *
 * - Precaches the app shell: the exact files of this Trunk build. The list
 *   and the version below are written by `cargo xtask build` after Trunk
 *   runs (never by hand); a new build is a new worker, which the app offers
 *   to the citizen ("a new version is ready") and activates on consent.
 * - The public catalog API is served stale-while-revalidate, so home,
 *   services, agencies and search work offline after one visit.
 * - The whole catalog: once a page is idle the app asks (message
 *   'catalog'), and the worker fetches every service in one compressed
 *   document (`/api/catalog/offline`) and keeps each under its own address,
 *   so every service, agency, topic and life-event page works offline, not
 *   only those visited. Refreshed at most every 10 minutes, revalidated with
 *   its ETag (304 while the catalog is unchanged); never part of a first
 *   load.
 * - Nothing else under /api is ever cached: profile, requests, inbox, drafts
 *   and sessions go to the network only, so a shared phone cannot show one
 *   citizen's data to the next. Sign-out also purges any such entry.
 * - A navigation that cannot be served offline gets the offline page.
 */
'use strict';

const VERSION = 'development';
const PRECACHE = [];

const SHELL = `panjere-shell-${VERSION}`;
const CATALOG = 'panjere-catalog-v1';
/** What the app asks for on first use: the browser-side search index and the lists. */
const CATALOG_PRELOAD = ['/api/catalog/search-index', '/api/catalog/categories', '/api/catalog/agencies?per_page=100'];
/** The whole catalog in one document, and where its tag and time are kept. */
const OFFLINE_CATALOG = '/api/catalog/offline';
const OFFLINE_MARK = '/__panjere/offline-catalog';
const OFFLINE_REFRESH_MS = 10 * 60 * 1000;
/** Client routes that work offline (their data is the public catalog). */
const OFFLINE_ROUTES = [/^\/$/, /^\/search$/, /^\/services(\/[^/]+)?$/, /^\/agencies(\/[^/]+)?$/, /^\/categories\/[^/]+$/, /^\/life-events\/[^/]+$/];

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const shell = await caches.open(SHELL);
      await shell.addAll(PRECACHE.map((url) => new Request(url, { cache: 'reload' })));
      try {
        const catalog = await caches.open(CATALOG);
        await catalog.addAll(CATALOG_PRELOAD);
      } catch (_) {
        // The catalog is also cached as it is used.
      }
      // The first worker takes over at once; a later one waits for the citizen.
      if (!self.registration.active) await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith('panjere-shell-') && name !== SHELL) await caches.delete(name);
      }
      await purgePersonal();
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'skip-waiting') self.skipWaiting();
  if (event.data === 'sign-out') event.waitUntil(purgePersonal());
  if (event.data === 'catalog') event.waitUntil(keepCatalog().catch(() => undefined));
});

/** Fetches (or revalidates) the whole catalog and keeps every service. */
async function keepCatalog() {
  const cache = await caches.open(CATALOG);
  const mark = await cache.match(OFFLINE_MARK);
  if (mark && Date.now() - Number(mark.headers.get('x-fetched-at')) < OFFLINE_REFRESH_MS) return;
  const asked = Date.now();
  const tag = mark?.headers.get('etag');
  const response = await fetch(OFFLINE_CATALOG, { headers: tag ? { 'If-None-Match': tag } : {}, cache: 'no-store' });
  if (response.status !== 304) {
    if (!response.ok) return;
    const { services } = await response.json();
    await Promise.all(
      services.map((service) =>
        cache.put(
          new URL(`/api/catalog/services/${encodeURIComponent(service.id)}`, self.location.origin).href,
          new Response(JSON.stringify(service), { headers: { 'Content-Type': 'application/json' } }),
        ),
      ),
    );
    // The lists pages are computed from offline, as fresh as the services.
    await Promise.all(CATALOG_PRELOAD.map(async (url) => {
      const list = await fetch(url);
      if (list.ok) await cache.put(new URL(url, self.location.origin).href, list);
    }));
  }
  const etag = response.headers.get('etag') ?? tag ?? '';
  await cache.put(OFFLINE_MARK, new Response('', { headers: { etag, 'x-asked-at': String(asked), 'x-fetched-at': String(Date.now()) } }));
}

/** Removes every cached API answer that is not the public catalog. */
async function purgePersonal() {
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (path.startsWith('/api/') && !path.startsWith('/api/catalog/')) await cache.delete(request);
    }
  }
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/catalog/')) {
    event.respondWith(staleWhileRevalidate(event, request));
    return;
  }
  // Any other API answer: the network only, never a cache.
  if (url.pathname.startsWith('/api/')) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request, url));
    return;
  }
  event.respondWith(cacheFirst(request));
});

/** One cache entry per query, however it is spelt (`?a=1&` is `?a=1`). */
function cacheKey(request) {
  const url = new URL(request.url);
  url.search = new URLSearchParams(url.searchParams).toString();
  return url.href;
}

async function staleWhileRevalidate(event, request) {
  const cache = await caches.open(CATALOG);
  const key = cacheKey(request);
  const cached = await cache.match(key);
  const fresh = fetch(request).then(async (response) => {
    if (response.ok && response.type === 'basic') await cache.put(key, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

async function navigate(request, url) {
  if (OFFLINE_ROUTES.some((r) => r.test(url.pathname))) {
    const shell = await caches.match('/', { cacheName: SHELL });
    if (shell) return shell;
  }
  try {
    return await fetch(request);
  } catch (error) {
    const offline = await caches.match('/offline.html', { cacheName: SHELL });
    if (offline) return offline;
    throw error;
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: false });
  return cached ?? fetch(request);
}
