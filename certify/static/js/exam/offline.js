/* Offline navigation (issue 12 §6; docs/contracts.md "Offline navigation").
 *
 * The exam page registers the attempt's service worker (exam/offline-sw.js, scope: this attempt's
 * URLs) and has it keep every page of the form, so Next, Back and the overview work without a
 * connection. A page served from that copy (<html data-offline-copy>) was rendered earlier: the
 * answers and flags the server acknowledged since, and the clock, are restored from what this
 * computer kept (SavedCopy, beside the save queue's own key), the queue's changes on top.
 * forgetAttempt() removes all of it (the confirmation page, the login page).
 */

export function isOfflineCopy() {
  return document.documentElement.hasAttribute("data-offline-copy");
}

/** Register the worker and have it keep the form's pages, once per attempt and computer. */
export function keepPagesOffline(offline) {
  if (!offline || !("serviceWorker" in navigator) || !window.caches) { return; }
  navigator.serviceWorker.register(offline.worker, {scope: offline.scope}).then(() =>
    navigator.serviceWorker.ready
  ).then((registration) => window.caches.open("certify-attempt:" + offline.scope).then((cache) =>
    cache.keys().then((keys) => {
      const have = new Set(keys.map((request) => new URL(request.url).pathname));
      if (offline.pages.every((page) => have.has(page)) || !registration.active) { return; }
      registration.active.postMessage({type: "prefetch", pages: offline.pages,
                                       assets: offline.assets});
    })
  )).catch(() => { /* no worker (private mode, old browser): online navigation only */ });
}

/** Remove the attempt's worker, its pages and what this computer kept of it. */
export function forgetAttempt(attemptPath) {
  const matches = (scope) => !attemptPath || new URL(scope, window.location.href).pathname === attemptPath;
  const jobs = [];
  if ("serviceWorker" in navigator) {
    jobs.push(navigator.serviceWorker.getRegistrations().then((registrations) => Promise.all(
      registrations.filter((r) => matches(r.scope) && r.scope.indexOf("/attempts/") >= 0)
        .map((r) => r.unregister()))).catch(() => null));
  }
  if (window.caches) {
    jobs.push(window.caches.keys().then((names) => Promise.all(names
      .filter((name) => name.indexOf("certify-attempt:") === 0 &&
                        matches(name.slice("certify-attempt:".length)))
      .map((name) => window.caches.delete(name)))).catch(() => null));
  }
  return Promise.all(jobs);
}

/** What the server acknowledged (answers and flags) and its clock, kept beside the queue. */
export class SavedCopy {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key + ":saved";
    this.data = {answers: {}, flags: {}, clock: null};
    try {
      const raw = storage ? storage.getItem(this.key) : null;
      if (raw) { this.data = Object.assign(this.data, JSON.parse(raw)); }
    } catch (e) { /* private mode: nothing kept */ }
  }

  persist() {
    try { if (this.storage) { this.storage.setItem(this.key, JSON.stringify(this.data)); } }
    catch (e) { /* full or private: the queue still holds what is unsaved */ }
  }

  static keyOf(position, record) {
    return position + "|" + (record === null || record === undefined ? "" : record);
  }

  /** The state response: every saved answer and flag. */
  fromState(data) {
    const answers = {};
    (data.answers || []).forEach((a) => {
      answers[SavedCopy.keyOf(a.position, a.record)] = {position: a.position, record: a.record,
                                                         value: a.value};
    });
    const flags = {};
    (data.flags || []).forEach((f) => { flags[f.position] = !!f.flagged; });
    this.data.answers = answers;
    this.data.flags = flags;
    this.persist();
  }

  /** A save the server acknowledged (its body: {answers, flags}). */
  fromSave(body) {
    (body.answers || []).forEach((a) => {
      this.data.answers[SavedCopy.keyOf(a.position, a.record)] = {position: a.position,
                                                                  record: a.record, value: a.value};
    });
    (body.flags || []).forEach((f) => { this.data.flags[f.position] = !!f.flagged; });
    this.persist();
  }

  clock(clock) {
    this.data.clock = {offset: clock.offset, deadline: clock.deadline};
    this.persist();
  }

  answers() { return Object.keys(this.data.answers).map((k) => this.data.answers[k]); }
}
