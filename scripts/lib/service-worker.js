// failover-console's service worker, written into a packaged deployment by scripts/package.sh
// (which fills in VERSION and SHELL). It keeps the app shell (index.html, config.json, the
// hashed script, wasm and styles) so that a console visited once opens when its host is down.
//
// It answers only same-origin GET requests for those files. AWS calls are POSTs to other
// origins and pass straight through: no AWS answer and no credential is ever cached.
// A new deployment installs beside the running one and waits: the page shows a "new version"
// notice and activates it (message "skip-waiting") only when the person reloads.
const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const CACHE = "fc-shell-" + VERSION;

// The routes of the app (src/app.rs), each drawn by index.html.
function isAppRoute(path) {
  return ["/", "/index.html", "/connect", "/runs", "/plans"].includes(path) || path.startsWith("/r/");
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(SHELL.map((path) => new Request(path, { cache: "reload" }))))
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys
        .filter((key) => key.startsWith("fc-shell-") && key !== CACHE)
        .map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("message", (event) => {
  if (event.data === "skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  // The app's routes are index.html (the query, a sign-in's ?code=, is the page's). Other
  // pages of the origin (an identity provider's, when it shares the origin) pass through.
  const path = request.mode === "navigate" && isAppRoute(url.pathname) ? "/index.html" : url.pathname;
  if (!SHELL.includes(path)) return;
  // The shell of this version, from the cache: it opens when the host is down or slow, and
  // never mixes files of two deployments. Missing from the cache: the network.
  event.respondWith(
    caches.open(CACHE)
      .then((cache) => cache.match(path))
      .then((hit) => hit || fetch(request))
  );
});
