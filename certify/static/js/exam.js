/* certify exam pages: autosave that never loses an answer, the server's clock, navigation, flags.
 *
 * The page gives everything as JSON blocks (no inline script, CSP):
 *   #exam-config   {attemptId, position, total, itemType, urls: {save, state, submit, done, item
 *                   ("…/items/{n}")}, clock: {state, deadline, server_time, remaining_seconds},
 *                   lastSeq, graceSeconds, warnings: [600, 60], storageKey}
 *   #exam-strings  translated texts (certify/exams/strings.py)
 *   #task-data     practical items: {task, records, config, values} (templates/items/…)
 *   #widget-strings (optional) translated texts for the labeling widgets
 *
 * Saving (docs/contracts.md §3): every change goes into a queue that is written to localStorage at
 * once, then sent (debounced) to POST urls.save with a per-attempt sequence number. An answer leaves
 * the queue only when the server acknowledged a save carrying it (after its commit); until then the
 * page says "not saved yet". Offline, the queue stays on this computer and is sent when the
 * connection returns (also from another page or after a reload: the queue outlives the page).
 *
 * Time: the countdown is the server's deadline minus the server's time, corrected by the offset
 * measured on every save and state response (half the round trip is allowed for), never the
 * computer's own clock alone. At 0 the page sends what is queued and submits by itself.
 *
 * Keys: Alt+← / Alt+→ previous / next question, Alt+M flag. Widgets keep their own keys.
 *
 * An ES module (<script type="module">, CSP-clean under script-src 'self'), wiring its parts:
 * exam/queue.js (the save queue: what waits, acknowledgements; no network, no DOM — unit-tested in
 * the browser harness), exam/clock.js (the server's clock), exam/answers.js (reading and restoring
 * answers, the overview panel), exam/navigation.js (moving, flagging, the submit form), and
 * ../countdown.js (the countdown's one format). This file sends and receives.
 */
import {formatClock} from "./countdown.js";
import {ItemAnswer, fill, markOverview} from "./exam/answers.js";
import {ServerClock} from "./exam/clock.js";
import {withTimeout, wireNavigation} from "./exam/navigation.js";
import {SavedCopy, forgetAttempt, isOfflineCopy, keepPagesOffline} from "./exam/offline.js";
import {SaveQueue, keyOf} from "./exam/queue.js";
import {siteTime} from "./sitetime.js";
import {TaskClock} from "./exam/taskclock.js";

function readJSON(id) {
  const el = document.getElementById(id);
  if (!el) { return null; }
  try { return JSON.parse(el.textContent); } catch (e) { return null; }
}

function storage() {
  try { return window.localStorage; } catch (e) { return null; } // private mode
}

/**
 * The confirmation page: answers still queued on this computer (entered before the deadline, not
 * acknowledged in time) are sent as a late delivery (docs/contracts.md §3). Each leaves the local
 * copy only once the server answered for it; the page says which are waiting, kept for the
 * invigilator, or refused, and keeps trying while the server cannot be reached.
 */
function deliverLate(done) {
  const S = readJSON("exam-done-strings") || {};
  const t = (key, params) => fill(S[key] || key, params);
  const queue = new SaveQueue(storage(), done.dataset.storageKey, 0);
  const box = document.getElementById("exam-done-local");
  const list = document.getElementById("exam-done-local-list");
  const status = document.getElementById("exam-done-local-status");
  const safe = document.getElementById("exam-done-safe");
  const name = (e) => (e.record === null || e.record === undefined ?
    t("question", {n: e.position}) : t("question_record", {n: e.position, record: e.record}));
  const show = (text, problems) => {
    if (!box) { return; }
    box.hidden = false;
    if (safe) { safe.hidden = true; }
    if (list) {
      list.textContent = "";
      Object.keys(queue.pending).forEach((k) => {
        const li = document.createElement("li");
        li.textContent = name(queue.pending[k]);
        list.appendChild(li);
      });
      (problems || []).forEach((p) => {
        const li = document.createElement("li");
        li.className = "is-refused";
        li.textContent = p;
        list.appendChild(li);
      });
    }
    if (status) { status.textContent = text; }
  };
  const forget = () => {
    try { window.localStorage.removeItem(done.dataset.storageKey); } catch (e) { /* private mode */ }
  };
  if (!Object.keys(queue.pending).length) { forget(); return; }
  let backoff = 0;
  const send = () => {
    const entries = queue.late();
    show(t("late_waiting", {n: entries.length}));
    const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
    window.fetch(done.dataset.lateUrl, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: {"Accept": "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({answers: entries})
    }).then((response) => {
      const type = response.headers.get("Content-Type") || "";
      if (type.indexOf("application/json") < 0) { throw new Error("status " + response.status); }
      return response.json().then((data) => ({status: response.status, data: data}));
    }).then((result) => {
      const data = result.data || {};
      if (result.status === 200) {
        const refused = (data.received || []).filter((r) => r.status === "refused")
          .map((r) => r.error || "");
        queue.settle((data.received || []).map((r) => keyOf(r.position, r.record)));
        if (!queue.count()) { forget(); }
        if ((data.received || []).some((r) => r.status === "pending")) {
          window.location.reload(); // the page lists what the invigilator will decide on
        } else if (refused.length) {
          show(t("late_refused"), refused);
        } else if (box) { box.hidden = true; if (safe) { safe.hidden = false; } }
        return;
      }
      if (result.status === 409 || result.status === 422) {
        // The server will not take them (the attempt was voided or submitted by the candidate,
        // or an answer is malformed): say so, name them, and stop.
        show(t("late_not_taken", {error: data.error || ""}));
        queue.settle(Object.keys(queue.pending));
        forget();
        return;
      }
      throw new Error("status " + result.status);
    }).catch(() => {
      backoff = Math.min(30000, backoff ? backoff * 2 : 2000);
      show(t("late_retrying", {n: queue.count()}));
      window.setTimeout(send, backoff);
    });
  };
  send();
}

function start() {
  // The confirmation page: deliver what is still queued, then forget this attempt's local copy.
  const done = document.getElementById("exam-done");
  if (done && done.dataset.storageKey) {
    try { window.localStorage.removeItem(done.dataset.storageKey + ":saved"); } catch (e) { /* private mode */ }
    forgetAttempt(done.dataset.offlineScope);
    deliverLate(done);
    return;
  }

  const config = readJSON("exam-config");
  if (!config) { return; }
  const S = readJSON("exam-strings") || {};
  const t = (key, params) => fill(S[key] || key, params);

  let csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  const saveEl = document.getElementById("exam-save");
  const clockEl = document.getElementById("exam-clock-value");
  const clockBox = document.getElementById("exam-clock");
  const alertEl = document.getElementById("exam-alert");
  const position = config.position;

  // --- Local state (survives reloads, navigation and going offline) ------------------------------
  const queue = new SaveQueue(storage(), config.storageKey, config.lastSeq);
  // What the server acknowledged, for pages shown from the offline copy (exam/offline.js).
  const savedCopy = new SavedCopy(storage(), config.storageKey);
  const offlineCopy = isOfflineCopy();

  // --- Status line --------------------------------------------------------------------------------
  let mode = offlineCopy ? "offline" : "saved"; // saved | saving | offline | unavailable | retrying | loggedout | closed
  let lastSavedAt = null;
  function showStatus() {
    if (!saveEl) { return; }
    const n = queue.count();
    let text;
    if (mode === "offline" || mode === "unavailable") {
      text = t(mode === "offline" ? "offline" : "server_unavailable");
      // Chinese sentences follow each other without a space.
      if (n > 0) { text += (/[\u3000-\u9fff]$/.test(text) ? "" : " ") + t(n === 1 ? "waiting_one" : "waiting_many", {n: n}); }
    }
    else if (mode === "loggedout") { text = t("logged_out"); }
    else if (mode === "retrying") { text = t("retrying"); }
    else if (mode === "saving") { text = t("saving"); }
    else if (n > 0) { text = t(n === 1 ? "unsaved_one" : "unsaved", {n: n}); }
    else if (lastSavedAt) { text = t("saved_at", {time: lastSavedAt}); }
    else { text = t("saved"); }
    saveEl.textContent = text;
    saveEl.setAttribute("data-state", mode === "saved" && n > 0 ? "unsaved" : mode);
  }
  function say(text, urgent) {
    if (!alertEl) { return; }
    alertEl.hidden = false;
    alertEl.textContent = "";
    alertEl.classList.toggle("is-urgent", !!urgent);
    window.setTimeout(() => { alertEl.textContent = text; }, 30);
  }

  // --- The server's clock -------------------------------------------------------------------------
  const clock = new ServerClock(config.clock);
  if (offlineCopy && savedCopy.data.clock) {
    // The page is an earlier copy: its server time is old; the last measured offset is not.
    clock.offset = savedCopy.data.clock.offset;
    clock.deadline = Math.max(clock.deadline, savedCopy.data.clock.deadline);
  }
  let closed = false; // the server said the attempt is over
  let finishing = false; // the clock ran out: sending what is queued, then submitting
  function syncClock(data, sentAt, receivedAt) {
    const added = clock.sync(data, sentAt, receivedAt);
    savedCopy.clock(clock);
    if (added) {
      say(t(added === 1 ? "time_added_one" : "time_added", {minutes: added}));
      // Earlier warnings may come again for the new deadline.
      queue.warned = {};
      queue.persist();
    }
  }

  let shown = "";
  function tick() {
    const remaining = clock.remaining();
    const text = formatClock(remaining);
    if (clockEl && text !== shown) {
      shown = text;
      clockEl.textContent = text;
      if (clockBox) {
        clockBox.setAttribute("aria-label", t("clock_label", {time: text}));
        clockBox.classList.toggle("is-low", remaining <= (config.warnings[0] || 600));
        clockBox.classList.toggle("is-critical", remaining <= (config.warnings[1] || 60));
      }
    }
    const crossed = (config.warnings || []).filter((w) => remaining <= w && remaining > 0 &&
                                                          !queue.warned[w]);
    if (crossed.length) {
      crossed.forEach((w) => { queue.warned[w] = true; });
      queue.persist();
      const most = Math.min.apply(null, crossed);
      say(t("warn_" + Math.round(most / 60)), most <= 60);
    }
    if (taskClock) { taskClock.tick(); }
    if (remaining <= 0 && !closed && !finishing) { timeUp(); }
  }

  // --- Sending ------------------------------------------------------------------------------------
  let inFlight = null;
  let timer = null;
  let backoff = 0;

  function schedule(delay) {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(() => { timer = null; flush(); }, delay);
  }

  function request(url, options) {
    options = options || {};
    const headers = {"Accept": "application/json"};
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrf;
    }
    return window.fetch(url, {
      method: options.method || "GET", headers: headers, credentials: "same-origin",
      cache: "no-store", body: options.body === undefined ? undefined : JSON.stringify(options.body)
    }).then((response) => {
      const type = response.headers.get("Content-Type") || "";
      if (response.status >= 500 && type.indexOf("application/json") < 0) {
        // A proxy's or the WSGI server's own error page: the server is down, not the session.
        const error = new Error("server unavailable");
        error.unavailable = true;
        throw error;
      }
      if (response.redirected || response.status === 401 || type.indexOf("application/json") < 0) {
        // The login page answered: the session ended. Keep everything queued.
        const error = new Error("logged out");
        error.loggedOut = true;
        throw error;
      }
      return response.json().then((data) => ({status: response.status, data: data}));
    });
  }

  function goDone(url) {
    // What is still queued stays on this computer: the confirmation page delivers it late.
    closed = true;
    mode = "closed";
    queue.persist();
    window.location.assign(url || config.urls.done);
  }

  /** Send everything queued (one request at a time). Returns a promise that settles when sent. */
  function flush() {
    if (inFlight) { return inFlight; }
    const batch = queue.batch();
    if (!batch) { showStatus(); return Promise.resolve(true); }
    mode = "saving";
    showStatus();
    const sentAt = Date.now();
    inFlight = request(config.urls.save, {method: "POST", body: batch.body})
      .then((result) => {
        const data = result.data || {};
        if (result.status === 200) {
          syncClock(data, sentAt, Date.now());
          if (data.csrf_token) { csrf = data.csrf_token; }
          queue.acknowledge(batch, data);
          savedCopy.fromSave(batch.body);
          backoff = 0;
          mode = "saved";
          // The server's time of the save, in the site's zone, 24-hour (issue 12 §21).
          lastSavedAt = siteTime(data.server_time || Date.now());
          if (queue.count()) { schedule(200); }
          return true;
        }
        if (result.status === 423 && data.code === "task_locked") {
          // A task past its stop: the server refused (nothing of this save was kept). Its answers
          // stay on this computer and on the screen; the others are sent again at once.
          queue.setAside(data.position);
          say(t("task_refused", {error: data.error || ""}), true);
          if (data.position === position && remountWidget) { remountWidget(true); }
          mode = "saved";
          if (queue.count()) { schedule(100); }
          return false;
        }
        if (result.status === 409) {
          say(data.error || t("closed"), true);
          window.setTimeout(() => { goDone(data.redirect); }, 2500);
          closed = true;
          return false;
        }
        if (result.status === 422) {
          // One answer has a shape the server refuses: drop it (it would block the rest), say
          // which, and send the others at once.
          if (queue.reject(batch, data)) { say(t("rejected", {error: data.error || ""}), true); }
          mode = "saved";
          if (queue.count()) { schedule(100); }
          return false;
        }
        if (result.status === 400 && /form|token|CSRF/i.test(data.error || "")) {
          return refreshState().then(() => { throw new Error("csrf"); });
        }
        const failed = new Error("status " + result.status);
        failed.unavailable = result.status >= 500;
        throw failed;
      })
      .catch((error) => {
        if (closed) { return false; }
        mode = error && error.loggedOut ? "loggedout" : (navigator.onLine === false ? "offline" :
          (error && error.unavailable ? "unavailable" : "retrying"));
        if (error && error.name === "TypeError") { mode = "offline"; }
        backoff = Math.min(30000, backoff ? backoff * 2 : 2000);
        schedule(backoff);
        return false;
      })
      .then((ok) => {
        inFlight = null;
        showStatus();
        return ok;
      });
    return inFlight;
  }

  function queueAnswer(pos, record, value, delay) {
    if (closed || finishing) { return; }
    queue.answer(pos, record, value, clock.now());
    if (pos === position && taskClock && taskClock.locked()) {
      // Locked by the task's clock: not sent (it would be refused); kept on this computer.
      queue.setAside(pos);
      say(t("task_locked"), true);
      showStatus();
      return;
    }
    if (["offline", "unavailable", "loggedout", "retrying"].indexOf(mode) < 0) { mode = "saved"; }
    showStatus();
    if (!inFlight) { schedule(delay === undefined ? 800 : delay); }
  }

  function queueFlag(pos, flagged) {
    if (closed || finishing) { return; }
    queue.flag(pos, flagged, clock.now());
    showStatus();
    if (!inFlight) { schedule(300); }
  }

  function refreshState() {
    const sentAt = Date.now();
    return request(config.urls.state).then((result) => {
      if (result.status === 409) { goDone(result.data.redirect); return; }
      if (result.status >= 500) { mode = "unavailable"; showStatus(); return; }
      if (result.status !== 200) { return; }
      syncClock(result.data, sentAt, Date.now());
      savedCopy.fromState(result.data);
      if (result.data.csrf_token) { csrf = result.data.csrf_token; }
      queue.seen(result.data.last_seq);
      showCurrent(result.data.answers || []);
      if (mode === "offline" || mode === "loggedout" || mode === "unavailable") { mode = "saved"; }
      showStatus();
      if (queue.count()) { schedule(100); }
    }).catch((error) => {
      if (error && error.loggedOut) { mode = "loggedout"; showStatus(); }
      else if (error && error.unavailable) { mode = "unavailable"; showStatus(); }
      else if (error && error.name === "TypeError") { mode = "offline"; showStatus(); }
    });
  }

  // --- A skills task's own clock (exam/taskclock.js) -----------------------------------------------
  let remountWidget = null; // set when a widget is mounted: (readOnly) => mount it again
  const taskClock = config.taskClock ? new TaskClock({
    data: config.taskClock, clock: clock, t: t, say: say,
    start: () => request(config.urls.startTask.replace("{n}", String(position)),
                         {method: "POST", body: {}}).then((result) => {
      if (result.status !== 200) { throw new Error(result.data.error || String(result.status)); }
      return result.data.task_clock;
    }),
    // The work was hidden until now: mount it again now that it shows (sizes are right).
    onStarted: () => { if (remountWidget) { remountWidget(false); } },
    onLocked: () => { if (remountWidget) { remountWidget(true); } }
  }) : null;

  // --- Answers and the overview -------------------------------------------------------------------
  const itemRoot = document.querySelector(".item[data-position]");
  const item = new ItemAnswer(itemRoot);
  const mark = (pos, answered, flagged) => markOverview(pos, answered, flagged, t("flagged"));

  if (offlineCopy) {
    // An earlier copy of the page: show what the server acknowledged since (the queue on top).
    savedCopy.answers().forEach((a) => {
      if (a.record === null || a.record === undefined) { mark(a.position, item.isAnswered(a.value), null); }
      else { mark(a.position, true, null); }
    });
    Object.keys(savedCopy.data.flags).forEach((p) => { mark(Number(p), null, savedCopy.data.flags[p]); });
  }
  // Queued answers of other questions (from earlier pages) show in the overview too.
  Object.keys(queue.pending).forEach((k) => {
    const entry = queue.pending[k];
    if (entry.record === null || entry.record === undefined) {
      mark(entry.position, item.isAnswered(entry.value), null);
    } else if (entry.value !== null) {
      mark(entry.position, true, null); // a task with a record done (e.g. offline, elsewhere)
    }
  });
  Object.keys(queue.flags).forEach((p) => { mark(Number(p), null, queue.flags[p].flagged); });

  if (itemRoot && item.type !== "practical") {
    const mine = queue.entry(position, null) ||
      (offlineCopy ? savedCopy.data.answers[SavedCopy.keyOf(position, null)] : null);
    if (mine) { item.write(mine.value); }
    const onChange = (event) => {
      const value = item.read();
      mark(position, item.isAnswered(value), null);
      queueAnswer(position, null, value, event.type === "input" ? 1000 : 300);
    };
    itemRoot.addEventListener("change", onChange);
    itemRoot.addEventListener("input", (event) => {
      if (event.target.matches('input[type="text"], textarea')) { onChange(event); }
    });
  }

  // Practical tasks: the labeling widget (contracts §4); one save entry per record.
  const widgetRoot = itemRoot && item.type === "practical" ? itemRoot.querySelector(".task-widget") : null;
  let widget = null;
  let mountWidget = null;
  const values = {};
  if (widgetRoot) {
    const task = readJSON("task-data") || {};
    Object.assign(values, task.values || {});
    if (offlineCopy) {
      savedCopy.answers().forEach((a) => {
        if (a.position === position && a.record !== null && a.record !== undefined) {
          if (a.value === null) { delete values[a.record]; } else { values[a.record] = a.value; }
        }
      });
    }
    Object.keys(queue.pending).forEach((k) => {
      const entry = queue.pending[k];
      if (entry.position === position && entry.record !== null) {
        if (entry.value === null) { delete values[entry.record]; } else { values[entry.record] = entry.value; }
      }
    });
    mountWidget = (readOnly) => {
      if (!window.CertifyWidgets) { return false; }
      if (widget && widget.destroy) { widget.destroy(); }
      widget = window.CertifyWidgets.mount(widgetRoot, {
        task: task.task || {task_type: widgetRoot.getAttribute("data-task-type"), config: task.config},
        records: task.records || [],
        values: values,
        readOnly: readOnly === true || !!(taskClock && taskClock.locked()),
        strings: readJSON("widget-strings") || {},
        onChange: (recordId, value) => {
          if (value === null || value === undefined) { delete values[recordId]; } else { values[recordId] = value; }
          mark(position, true, null);
          queueAnswer(position, String(recordId), value === undefined ? null : value, 600);
        }
      });
      return true;
    };
    remountWidget = mountWidget;
    if (!mountWidget()) { window.addEventListener("load", () => mountWidget()); }
  }

  /**
   * Show the answers the server holds for this page where nothing is queued here: another tab or
   * device may have changed them (``answers``: the state's [{position, record, value}]).
   */
  function typing() {
    const el = document.activeElement;
    return !!el && itemRoot.contains(el) && el.matches('input[type="text"], textarea');
  }
  function showCurrent(answers) {
    if (!itemRoot) { return; }
    let remount = false;
    answers.forEach((a) => {
      if (a.position !== position || queue.entry(position, a.record)) { return; }
      if (item.type === "practical" && a.record !== null && a.record !== undefined) {
        if (JSON.stringify(values[a.record]) !== JSON.stringify(a.value)) {
          if (a.value === null) { delete values[a.record]; } else { values[a.record] = a.value; }
          remount = true;
        }
      } else if (item.type !== "practical" && !typing() &&
                 JSON.stringify(item.read()) !== JSON.stringify(a.value)) {
        item.write(a.value);
        mark(position, item.isAnswered(a.value), null);
      }
    });
    if (remount && mountWidget && !widgetRoot.contains(document.activeElement)) { mountWidget(); }
  }

  /** Another tab of this attempt changed the queue: take its entries for this page too. */
  function takeFromOtherTab() {
    const changed = queue.sync();
    if (!changed.length) { return; }
    let remount = false;
    changed.forEach((k) => {
      const entry = queue.pending[k];
      if (!entry || entry.position !== position) { return; }
      if (entry.record === null || entry.record === undefined) {
        if (item.type !== "practical") { item.write(entry.value); }
        mark(position, item.isAnswered(entry.value), null);
      } else {
        if (entry.value === null) { delete values[entry.record]; } else { values[entry.record] = entry.value; }
        remount = true;
      }
    });
    if (remount && mountWidget) { mountWidget(); }
    showStatus();
    if (queue.count() && !inFlight && !closed) { schedule(300); }
  }

  // --- Flag ---------------------------------------------------------------------------------------
  const flagButton = document.getElementById("exam-flag");
  function setFlagButton(on) {
    if (!flagButton) { return; }
    flagButton.setAttribute("aria-pressed", on ? "true" : "false");
    const label = flagButton.querySelector(".exam-flag-text");
    if (label) { label.textContent = on ? t("unflag") : t("flag"); }
  }
  if (flagButton) {
    if (offlineCopy && position in savedCopy.data.flags) { setFlagButton(savedCopy.data.flags[position]); }
    if (queue.flags[position]) { setFlagButton(queue.flags[position].flagged); }
    flagButton.addEventListener("click", () => {
      const on = flagButton.getAttribute("aria-pressed") !== "true";
      setFlagButton(on);
      mark(position, null, on);
      queueFlag(position, on);
    });
  }

  const navigation = wireNavigation({pending: () => queue.count(), flush: flush, flagButton: flagButton});

  // --- Time up ------------------------------------------------------------------------------------
  function submitNow() {
    return request(config.urls.submit, {method: "POST", body: {reason: "deadline"}}).then((result) => {
      if (result.status === 200 || result.status === 409) {
        goDone(result.data && result.data.redirect);
        return true;
      }
      throw new Error("status " + result.status);
    });
  }
  function timeUp() {
    finishing = true;
    say(t("time_up"), true);
    document.body.classList.add("exam-time-up");
    // The server accepts saves until the deadline + its grace period: until then (less a margin
    // for the request itself) the page keeps sending what is queued and submits only once all of
    // it is acknowledged. What is still queued after that is kept and delivered late (the
    // confirmation page sends it; the invigilator decides), never deleted.
    const graceEnd = () => clock.deadline + Math.max(0, (config.graceSeconds || 0) - 3) * 1000;
    const attempt = () => {
      if (closed) { return; }
      const left = graceEnd() - clock.now();
      if (queue.count() && left > 0) {
        withTimeout(flush(), left).then(() => {
          window.setTimeout(attempt, queue.count() ? 1000 : 0);
        });
        return;
      }
      if (queue.count()) { say(t("time_up_unsaved", {n: queue.count()}), true); }
      submitNow().catch(() => {
        say(t("time_up_offline"), true);
        window.setTimeout(attempt, 3000);
      });
    };
    attempt();
  }

  // --- Start --------------------------------------------------------------------------------------
  keepPagesOffline(config.offline);
  window.addEventListener("online", () => { if (!closed) { refreshState(); } });
  window.addEventListener("offline", () => { mode = "offline"; showStatus(); });
  window.addEventListener("pagehide", () => queue.persist());
  window.addEventListener("storage", (event) => {
    if (event.key === config.storageKey && !closed) { takeFromOtherTab(); }
  });
  window.addEventListener("beforeunload", (event) => {
    // Queued answers are kept on this computer, but warn when they could not reach the server.
    // Moving within the exam keeps them too (offline pages): no warning then.
    if (queue.count() && !navigation.moving() &&
        ["offline", "unavailable", "retrying", "loggedout"].indexOf(mode) >= 0) {
      event.preventDefault();
      event.returnValue = t("leave_unsaved");
      return event.returnValue;
    }
    return undefined;
  });
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && !closed) { refreshState(); }
  });
  if (!queue.storageOk) { say(t("retrying")); }
  showStatus();
  tick();
  window.setInterval(tick, 250);
  window.setInterval(() => { if (!closed) { refreshState(); } }, 30000);
  refreshState();
  if (queue.count()) { schedule(300); }

  // For tests and the labeling UI: the state of the queue.
  window.CertifyExam = {
    pending: () => queue.count(),
    flush: flush,
    remaining: () => clock.remaining(),
    offset: () => clock.offset
  };
}

start();
