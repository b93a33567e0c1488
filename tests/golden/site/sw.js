// The bulletin's service worker (site_gen/offline.py says why each rule is so).
const VERSION = "67c7be8c519b8c70";
const PRECACHE = "precache-" + VERSION;
const ASSETS = "assets-" + VERSION;
const PAGES = "pages";
const OFFLINE = "/news/offline/";
const FINGERPRINTED = ["/news/_img/", "/news/pagefind/"];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(PRECACHE)
      .then((cache) => cache.addAll(["/news/", "/news/offline/", "/news/css/site.css", "/news/2025/07/21/afghanistan-names-squad-for-tri-series/", "/news/2025/07/21/torkham-crossing-extends-hours-as-fruit-season-peaks/", "/news/2025/07/20/pakistan-afghanistan-anti-terrorism-cooperation/", "/news/2025/06/10/peshawar-rain/", "/news/2025/06/10/budget-raises-development-spending-on-water-storage/", "/news/2025/01/15/tajik-dam-starts-its-first-turbine/", "/news/2024/12/20/kabuls-winter-power-cuts-ease-as-imports-rise/", "/news/2024/11/05/karachi-port-handles-record-transit-cargo/"]))
      .then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  // A new build deployed: drop the caches of every older worker (the pages a reader opened stay).
  event.waitUntil(
    caches.keys()
      .then((names) => Promise.all(names.filter((n) => n !== PRECACHE && n !== ASSETS && n !== PAGES).map((n) => caches.delete(n))))
      .then(() => self.clients.claim())
  );
});

async function keep(request, response) {
  const cache = await caches.open(PAGES);
  await cache.put(request, response);
  const kept = await cache.keys();
  for (const old of kept.slice(0, Math.max(0, kept.length - 60))) await cache.delete(old);
}

async function networkFirst(request, isPage) {
  try {
    // Asked of the server every time (a revalidation at most): never yesterday's page from the HTTP cache.
    const response = await fetch(request.url, { cache: "no-cache", credentials: "same-origin" });
    if (response.ok) keep(request, response.clone());
    return response;
  } catch (error) {
    const kept = await caches.match(request, { ignoreVary: true });
    if (kept) return kept;
    if (isPage) return (await caches.match(OFFLINE)) || Response.error();
    throw error;
  }
}

async function cacheFirst(request) {
  const kept = await caches.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) (await caches.open(ASSETS)).put(request, response.clone());
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (FINGERPRINTED.some((prefix) => url.pathname.startsWith(prefix))) {
    event.respondWith(cacheFirst(request));
  } else {
    event.respondWith(networkFirst(request, request.mode === "navigate"));
  }
});
