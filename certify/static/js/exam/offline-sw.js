/* The exam's offline pages (issue 12 §6; docs/contracts.md "Offline navigation").
 *
 * A service worker served at /attempts/<id>/offline-sw.js, so its scope is that one attempt's pages
 * (/attempts/<id>/…) and nothing else. The exam page asks it to prefetch every page of the form
 * (each question and the review page, exactly the pages the candidate is shown online: no key,
 * gold, explanation or model answer is ever in them) and the static files they use. Pages and
 * static files are fetched network first; only when the network fails is the stored copy served,
 * marked data-offline-copy so that exam.js restores the answers and the clock kept on this
 * computer. Saves, the state and the submit (fetch, not navigation) never come from the cache.
 *
 * Nothing outlives the attempt: the cache is deleted and the worker unregistered when a page of the
 * attempt answers with a redirect (submitted, logged out), 403 or 404, when the confirmation page
 * opens (exam.js), and when the login page opens (certify.js), so the next person on a shared
 * computer finds nothing.
 */
const SCOPE = new URL(self.registration.scope).pathname;
const CACHE = "certify-attempt:" + SCOPE;
const MARKER = "data-offline-copy=\"1\"";

self.addEventListener("install", () => { self.skipWaiting(); });
self.addEventListener("activate", (event) => { event.waitUntil(self.clients.claim()); });

let forgotten = false;

async function forget() {
  forgotten = true;
  await caches.delete(CACHE);
  await self.registration.unregister();
}

/** The static files and media a page names (in src/href attributes and in its JSON blocks: a
 * task's images and audio are /bank/assets/<sha256>). */
function assetsOf(html) {
  const found = new Set();
  const pattern = /"(\/(?:static|bank\/assets)\/[^"#?\s]*)"/g;
  let match;
  while ((match = pattern.exec(html)) !== null) { found.add(match[1]); }
  return found;
}

async function store(cache, url, headers) {
  const response = await fetch(url, {credentials: "same-origin", cache: "no-store",
                                     redirect: "manual", headers: headers || {}});
  if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
    await forget();
    throw new Error("attempt over");
  }
  if (response.ok) { await cache.put(url, response.clone()); }
  return response;
}

async function prefetch(pages, assets) {
  if (forgotten) { return; }
  const cache = await caches.open(CACHE);
  const more = new Set(assets);
  for (const url of pages) {
    try {
      // The header tells the server this is not the candidate opening the question.
      const response = await store(cache, url, {"X-Certify-Prefetch": "1"});
      if (response.ok) { assetsOf(await response.text()).forEach((a) => more.add(a)); }
    } catch (error) {
      if (error.message === "attempt over") { return; }
    }
  }
  for (const url of more) {
    if (await cache.match(url)) { continue; }
    try { await store(cache, url); } catch (error) { if (error.message === "attempt over") { return; } }
  }
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type === "prefetch") { event.waitUntil(prefetch(data.pages || [], data.assets || [])); }
  if (data.type === "forget") { event.waitUntil(forget()); }
});

async function offlineCopy(cached) {
  const html = await cached.text();
  return new Response(html.replace("<html", "<html " + MARKER), {
    status: 200, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

async function networkFirst(request, page) {
  if (page && !/\/(items\/\d+|submit)$/.test(new URL(request.url).pathname)) {
    // The confirmation page (or the resume redirect): the attempt ends here, or nothing to keep.
    const response = await fetch(request);
    if (new URL(request.url).pathname.endsWith("/done")) { await forget(); }
    return response;
  }
  if (forgotten || (!page && !(await caches.has(CACHE)))) { return fetch(request); }
  const cache = await caches.open(CACHE);
  let response;
  try {
    response = await fetch(request);
  } catch (error) {
    const cached = await cache.match(request.url, {ignoreSearch: true});
    if (!cached) { throw error; }
    return page ? offlineCopy(cached) : cached;
  }
  if (page && (response.type === "opaqueredirect" || response.redirected ||
               response.status === 403 || response.status === 404)) {
    await forget(); // the attempt is over, or not this person's
  } else if (response.ok) {
    await cache.put(request.url, response.clone());
  }
  return response;
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") { return; }
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  const page = request.mode === "navigate" && url.pathname.startsWith(SCOPE) &&
    !url.pathname.endsWith("/state");
  const asset = !page && request.mode !== "navigate" &&
    (url.pathname.startsWith("/static/") || ["image", "audio", "video", "script", "style", "font"]
      .indexOf(request.destination) >= 0);
  if (!page && !asset) { return; }
  event.respondWith(networkFirst(request, page));
});
