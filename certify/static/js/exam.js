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
 */
(function (window, document) {
  "use strict";

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function fill(text, params) {
    return String(text || "").replace(/\{(\w+)\}/g, function (whole, name) {
      return params && Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
    });
  }

  // The confirmation page: forget this attempt's local queue (shared exam-room computers).
  var done = document.getElementById("exam-done");
  if (done && done.dataset.storageKey) {
    try { window.localStorage.removeItem(done.dataset.storageKey); } catch (e) { /* private mode */ }
    return;
  }

  var config = readJSON("exam-config");
  if (!config) { return; }
  var S = readJSON("exam-strings") || {};
  function t(key, params) { return fill(S[key] || key, params); }

  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var saveEl = document.getElementById("exam-save");
  var clockEl = document.getElementById("exam-clock-value");
  var clockBox = document.getElementById("exam-clock");
  var alertEl = document.getElementById("exam-alert");
  var position = config.position;

  // --- Local state (survives reloads, navigation and going offline) ------------------------------
  var store = {seq: 0, pending: {}, flags: {}, warned: {}};
  var storageOk = true;
  function load() {
    try {
      var raw = window.localStorage.getItem(config.storageKey);
      if (raw) {
        var data = JSON.parse(raw);
        store.seq = data.seq || 0;
        store.pending = data.pending || {};
        store.flags = data.flags || {};
        store.warned = data.warned || {};
      }
    } catch (e) { storageOk = false; }
    store.seq = Math.max(store.seq, config.lastSeq || 0);
  }
  function persist() {
    try { window.localStorage.setItem(config.storageKey, JSON.stringify(store)); }
    catch (e) { storageOk = false; }
  }
  function nextSeq(atLeast) {
    store.seq = Math.max(store.seq, atLeast || 0) + 1;
    return store.seq;
  }
  function keyOf(pos, record) { return pos + "|" + (record === null || record === undefined ? "" : record); }
  function pendingCount() {
    return Object.keys(store.pending).length + Object.keys(store.flags).length;
  }
  load();

  // --- Status line --------------------------------------------------------------------------------
  var mode = "saved"; // saved | saving | offline | error | closed
  var lastSavedAt = null;
  function showStatus() {
    if (!saveEl) { return; }
    var n = pendingCount();
    var text;
    if (mode === "offline") { text = t("offline"); }
    else if (mode === "loggedout") { text = t("logged_out"); }
    else if (mode === "retrying") { text = t("retrying"); }
    else if (mode === "saving") { text = t("saving"); }
    else if (n > 0) { text = t("unsaved", {n: n}); }
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
    window.setTimeout(function () { alertEl.textContent = text; }, 30);
  }

  // --- The server's clock -------------------------------------------------------------------------
  var offset = 0; // server time minus this computer's time, in ms
  var deadline = Date.parse(config.clock.deadline);
  var closed = false; // the server said the attempt is over
  var finishing = false; // the clock ran out: sending what is queued, then submitting
  function serverNow() { return Date.now() + offset; }
  function syncClock(data, sentAt, receivedAt) {
    if (!data || !data.server_time) { return; }
    var mid = sentAt === undefined ? receivedAt : sentAt + (receivedAt - sentAt) / 2;
    offset = Date.parse(data.server_time) - mid;
    var next = Date.parse(data.deadline);
    if (!isNaN(next)) {
      if (next > deadline + 30000) {
        say(t("time_added", {minutes: Math.round((next - deadline) / 60000)}));
        // Earlier warnings may come again for the new deadline.
        store.warned = {};
        persist();
      }
      deadline = next;
    }
  }
  syncClock(config.clock, undefined, Date.now());

  function format(seconds) {
    seconds = Math.max(0, Math.ceil(seconds));
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h > 0 && m < 10 ? "0" : "") + m;
    return (h > 0 ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }
  var shown = "";
  function tick() {
    var remaining = (deadline - serverNow()) / 1000;
    var text = format(remaining);
    if (clockEl && text !== shown) {
      shown = text;
      clockEl.textContent = text;
      if (clockBox) {
        clockBox.setAttribute("aria-label", t("clock_label", {time: text}));
        clockBox.classList.toggle("is-low", remaining <= (config.warnings[0] || 600));
        clockBox.classList.toggle("is-critical", remaining <= (config.warnings[1] || 60));
      }
    }
    var crossed = (config.warnings || []).filter(function (w) {
      return remaining <= w && remaining > 0 && !store.warned[w];
    });
    if (crossed.length) {
      crossed.forEach(function (w) { store.warned[w] = true; });
      persist();
      var most = Math.min.apply(null, crossed);
      say(t("warn_" + Math.round(most / 60)), most <= 60);
    }
    if (remaining <= 0 && !closed && !finishing) { timeUp(); }
  }

  // --- Sending ------------------------------------------------------------------------------------
  var inFlight = null;
  var timer = null;
  var backoff = 0;
  var retried = {}; // key -> seq already re-sent once after a stale acknowledgement

  function schedule(delay) {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(function () { timer = null; flush(); }, delay);
  }

  function request(url, options) {
    options = options || {};
    var headers = {"Accept": "application/json"};
    if (options.body !== undefined) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrf;
    }
    return window.fetch(url, {
      method: options.method || "GET", headers: headers, credentials: "same-origin",
      cache: "no-store", body: options.body === undefined ? undefined : JSON.stringify(options.body)
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.redirected || type.indexOf("application/json") < 0) {
        // The login page answered: the session ended. Keep everything queued.
        var error = new Error("logged out");
        error.loggedOut = true;
        throw error;
      }
      return response.json().then(function (data) { return {status: response.status, data: data}; });
    });
  }

  function goDone(url) {
    closed = true;
    mode = "closed";
    store.pending = {};
    store.flags = {};
    persist();
    window.location.assign(url || config.urls.done);
  }

  /** Send everything queued (one request at a time). Returns a promise that settles when sent. */
  function flush() {
    if (inFlight) { return inFlight; }
    var keys = Object.keys(store.pending);
    var flagKeys = Object.keys(store.flags);
    if (!keys.length && !flagKeys.length) { showStatus(); return Promise.resolve(true); }
    var seq = nextSeq();
    var sent = {};
    var answers = keys.map(function (k) {
      var entry = store.pending[k];
      sent[k] = entry.rev;
      return {position: entry.position, record: entry.record, value: entry.value};
    });
    var flagsSent = {};
    var flags = flagKeys.map(function (p) {
      flagsSent[p] = store.flags[p].rev;
      return {position: Number(p), flagged: store.flags[p].flagged};
    });
    persist();
    mode = "saving";
    showStatus();
    var sentAt = Date.now();
    inFlight = request(config.urls.save, {method: "POST", body: {seq: seq, answers: answers, flags: flags}})
      .then(function (result) {
        var data = result.data || {};
        if (result.status === 200) {
          syncClock(data, sentAt, Date.now());
          if (data.csrf_token) { csrf = data.csrf_token; }
          (data.saved || []).forEach(function (s) {
            var k = keyOf(s.position, s.record);
            var entry = store.pending[k];
            if (!entry || entry.rev !== sent[k]) { return; } // changed again meanwhile: keep it
            if (!s.applied && retried[k] !== entry.rev) {
              // The server holds an answer with a newer number (another tab or device, or this
              // save arrived twice). The answer on this screen is the candidate's latest: send it
              // once more, numbered after everything the server has seen.
              retried[k] = entry.rev;
              store.seq = Math.max(store.seq, data.last_seq || 0);
              return;
            }
            delete store.pending[k];
          });
          Object.keys(flagsSent).forEach(function (p) {
            if (store.flags[p] && store.flags[p].rev === flagsSent[p]) { delete store.flags[p]; }
          });
          persist();
          backoff = 0;
          mode = "saved";
          lastSavedAt = new Date().toLocaleTimeString([], {hour: "2-digit", minute: "2-digit"});
          if (pendingCount()) { schedule(200); }
          return true;
        }
        if (result.status === 409) {
          say(data.error || t("closed"), true);
          window.setTimeout(function () { goDone(data.redirect); }, 2500);
          closed = true;
          return false;
        }
        if (result.status === 422) {
          // One answer has a shape the server refuses: drop it (it would block the rest), say
          // which, and send the others at once.
          var bad = keys.filter(function (k) {
            var e = store.pending[k];
            return e && e.position === data.position &&
              (data.record === null || data.record === undefined || String(e.record) === String(data.record));
          });
          (bad.length ? bad : keys).forEach(function (k) { delete store.pending[k]; });
          persist();
          say(t("rejected", {error: data.error || ""}), true);
          mode = "saved";
          if (pendingCount()) { schedule(100); }
          return false;
        }
        if (result.status === 400 && /form|token|CSRF/i.test(data.error || "")) {
          return refreshState().then(function () { throw new Error("csrf"); });
        }
        throw new Error("status " + result.status);
      })
      .catch(function (error) {
        if (closed) { return false; }
        mode = error && error.loggedOut ? "loggedout" : (navigator.onLine === false ? "offline" : "retrying");
        if (error && error.name === "TypeError") { mode = "offline"; }
        backoff = Math.min(30000, backoff ? backoff * 2 : 2000);
        schedule(backoff);
        return false;
      })
      .then(function (ok) {
        inFlight = null;
        showStatus();
        return ok;
      });
    return inFlight;
  }

  function withTimeout(promise, ms) {
    return Promise.race([promise, new Promise(function (resolve) { window.setTimeout(resolve, ms); })]);
  }

  function queueAnswer(pos, record, value, delay) {
    if (closed || finishing) { return; }
    var k = keyOf(pos, record);
    var rev = (store.pending[k] ? store.pending[k].rev : 0) + 1;
    store.pending[k] = {position: pos, record: record === undefined ? null : record, value: value, rev: rev};
    persist();
    if (mode !== "offline" && mode !== "loggedout" && mode !== "retrying") { mode = "saved"; }
    showStatus();
    if (!inFlight) { schedule(delay === undefined ? 800 : delay); }
  }

  function queueFlag(pos, flagged) {
    if (closed || finishing) { return; }
    var rev = (store.flags[pos] ? store.flags[pos].rev : 0) + 1;
    store.flags[pos] = {flagged: flagged, rev: rev};
    persist();
    showStatus();
    if (!inFlight) { schedule(300); }
  }

  function refreshState() {
    var sentAt = Date.now();
    return request(config.urls.state).then(function (result) {
      if (result.status === 409) { goDone(result.data.redirect); return; }
      if (result.status !== 200) { return; }
      syncClock(result.data, sentAt, Date.now());
      if (result.data.csrf_token) { csrf = result.data.csrf_token; }
      store.seq = Math.max(store.seq, result.data.last_seq || 0);
      if (mode === "offline" || mode === "loggedout") { mode = "saved"; }
      showStatus();
      if (pendingCount()) { schedule(100); }
    }).catch(function (error) {
      if (error && error.loggedOut) { mode = "loggedout"; showStatus(); }
    });
  }

  // --- Reading and restoring answers (markup of contracts §2) -------------------------------------
  var itemRoot = document.querySelector(".item[data-position]");
  var itemType = itemRoot ? itemRoot.getAttribute("data-item-type") : null;

  function readValue() {
    if (!itemRoot) { return null; }
    if (itemType === "single" || itemType === "true_false") {
      var chosen = itemRoot.querySelector('input[name="answer"]:checked');
      if (!chosen) { return null; }
      return itemType === "true_false" ? chosen.value === "true" : chosen.value;
    }
    if (itemType === "multiple") {
      return Array.prototype.map.call(itemRoot.querySelectorAll('input[name="answer"]:checked'),
                                      function (el) { return el.value; });
    }
    if (itemType === "fill_in") {
      var blanks = Array.prototype.slice.call(itemRoot.querySelectorAll('input[name="blank"]'));
      blanks.sort(function (a, b) { return Number(a.dataset.blank) - Number(b.dataset.blank); });
      return blanks.map(function (el) { return el.value; });
    }
    if (itemType === "short_answer") {
      var area = itemRoot.querySelector('textarea[name="answer"]');
      return area ? area.value : null;
    }
    return null;
  }

  function writeValue(value) {
    if (!itemRoot) { return; }
    if (itemType === "single" || itemType === "true_false" || itemType === "multiple") {
      var wanted = Array.isArray(value) ? value.map(String) : [String(value)];
      itemRoot.querySelectorAll('input[name="answer"]').forEach(function (el) {
        el.checked = value !== null && wanted.indexOf(el.value) >= 0;
      });
    } else if (itemType === "fill_in") {
      itemRoot.querySelectorAll('input[name="blank"]').forEach(function (el) {
        var i = Number(el.dataset.blank);
        el.value = Array.isArray(value) && value[i] !== undefined ? value[i] : "";
      });
    } else if (itemType === "short_answer") {
      var area = itemRoot.querySelector('textarea[name="answer"]');
      if (area) { area.value = value || ""; }
    }
  }

  function isAnswered(value) {
    if (value === null || value === undefined) { return false; }
    if (typeof value === "string") { return value.trim() !== ""; }
    if (Array.isArray(value)) {
      return itemType === "fill_in" ? value.some(function (v) { return String(v).trim() !== ""; })
                                    : value.length > 0;
    }
    return true;
  }

  // --- Overview panel -----------------------------------------------------------------------------
  function overviewLink(pos) {
    return document.querySelector('.exam-grid a[data-position="' + pos + '"]');
  }
  function markOverview(pos, answered, flagged) {
    var link = overviewLink(pos);
    if (!link) { return; }
    if (answered !== null && answered !== undefined) { link.classList.toggle("is-answered", answered); }
    if (flagged !== null && flagged !== undefined) { link.classList.toggle("is-flagged", flagged); }
    var parts = [link.getAttribute("data-label")];
    if (link.classList.contains("is-answered")) { parts.push(link.getAttribute("data-answered")); }
    else { parts.push(link.getAttribute("data-unanswered")); }
    if (link.classList.contains("is-flagged")) { parts.push(t("flagged")); }
    link.setAttribute("aria-label", parts.join(", "));
    var counts = document.getElementById("exam-counts");
    if (counts) {
      var all = document.querySelectorAll(".exam-grid a");
      var a = document.querySelectorAll(".exam-grid a.is-answered").length;
      var f = document.querySelectorAll(".exam-grid a.is-flagged").length;
      counts.textContent = fill(counts.getAttribute("data-template"), {answered: a, total: all.length, flagged: f});
    }
  }

  // Queued answers of other questions (from earlier pages) show in the overview too.
  Object.keys(store.pending).forEach(function (k) {
    var entry = store.pending[k];
    if (entry.record === null || entry.record === undefined) { markOverview(entry.position, isAnswered(entry.value), null); }
  });
  Object.keys(store.flags).forEach(function (p) { markOverview(Number(p), null, store.flags[p].flagged); });

  if (itemRoot && itemType !== "practical") {
    var mine = store.pending[keyOf(position, null)];
    if (mine) { writeValue(mine.value); }
    var onChange = function (event) {
      var value = readValue();
      markOverview(position, isAnswered(value), null);
      var typing = event.type === "input";
      queueAnswer(position, null, value, typing ? 1000 : 300);
    };
    itemRoot.addEventListener("change", onChange);
    itemRoot.addEventListener("input", function (event) {
      if (event.target.matches('input[type="text"], textarea')) { onChange(event); }
    });
  }

  // Practical tasks: the labeling widget (contracts §4); one save entry per record.
  var widgetRoot = itemRoot && itemType === "practical" ? itemRoot.querySelector(".task-widget") : null;
  if (widgetRoot) {
    var task = readJSON("task-data") || {};
    var values = {};
    Object.keys(task.values || {}).forEach(function (id) { values[id] = task.values[id]; });
    Object.keys(store.pending).forEach(function (k) {
      var entry = store.pending[k];
      if (entry.position === position && entry.record !== null) {
        if (entry.value === null) { delete values[entry.record]; } else { values[entry.record] = entry.value; }
      }
    });
    var mountWidget = function () {
      if (!window.CertifyWidgets) { return false; }
      window.CertifyWidgets.mount(widgetRoot, {
        task: task.task || {task_type: widgetRoot.getAttribute("data-task-type"), config: task.config},
        records: task.records || [],
        values: values,
        readOnly: false,
        strings: readJSON("widget-strings") || {},
        onChange: function (recordId, value) {
          markOverview(position, true, null);
          queueAnswer(position, String(recordId), value === undefined ? null : value, 600);
        }
      });
      return true;
    };
    if (!mountWidget()) { window.addEventListener("load", mountWidget); }
  }

  // --- Flag ---------------------------------------------------------------------------------------
  var flagButton = document.getElementById("exam-flag");
  function setFlagButton(on) {
    if (!flagButton) { return; }
    flagButton.setAttribute("aria-pressed", on ? "true" : "false");
    var label = flagButton.querySelector(".exam-flag-text");
    if (label) { label.textContent = on ? t("unflag") : t("flag"); }
  }
  if (flagButton) {
    if (store.flags[position]) { setFlagButton(store.flags[position].flagged); }
    flagButton.addEventListener("click", function () {
      var on = flagButton.getAttribute("aria-pressed") !== "true";
      setFlagButton(on);
      markOverview(position, null, on);
      queueFlag(position, on);
    });
  }

  // --- Navigation: send what is queued first (briefly), then go ----------------------------------
  function go(url) {
    withTimeout(flush(), 2500).then(function () { window.location.assign(url); });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-exam-nav]");
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey ||
        event.shiftKey) { return; }
    if (!pendingCount()) { return; }
    event.preventDefault();
    go(link.href);
  });
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.isComposing || !event.altKey || event.ctrlKey || event.metaKey) { return; }
    var target = null;
    if (event.key === "ArrowLeft") { target = document.querySelector('a[data-exam-nav="prev"]'); }
    else if (event.key === "ArrowRight") { target = document.querySelector('a[data-exam-nav="next"]'); }
    else if (event.code === "KeyM" && flagButton) { event.preventDefault(); flagButton.click(); return; }
    if (target) { event.preventDefault(); go(target.href); }
  });

  // The submit form: send what is queued, then submit.
  var submitForm = document.getElementById("exam-submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (event) {
      if (submitForm.dataset.ready === "1" || !pendingCount()) { return; }
      event.preventDefault();
      withTimeout(flush(), 5000).then(function () {
        submitForm.dataset.ready = "1";
        submitForm.submit();
      });
    });
  }

  // --- Time up ------------------------------------------------------------------------------------
  function submitNow() {
    return request(config.urls.submit, {method: "POST", body: {reason: "deadline"}}).then(function (result) {
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
    var attempt = function () {
      if (closed) { return; }
      // Queued answers are still accepted within the grace period: send them, then submit.
      withTimeout(flush(), 8000).then(submitNow).catch(function () {
        say(t("time_up_offline"), true);
        window.setTimeout(attempt, 3000);
      });
    };
    attempt();
  }

  // --- Start --------------------------------------------------------------------------------------
  window.addEventListener("online", function () { if (!closed) { refreshState(); } });
  window.addEventListener("offline", function () { mode = "offline"; showStatus(); });
  window.addEventListener("pagehide", persist);
  window.addEventListener("beforeunload", function (event) {
    // Queued answers are kept on this computer, but warn when they could not reach the server.
    if (pendingCount() && (mode === "offline" || mode === "retrying" || mode === "loggedout")) {
      event.preventDefault();
      event.returnValue = t("leave_unsaved");
      return event.returnValue;
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !closed) { refreshState(); }
  });
  if (!storageOk) { say(t("retrying")); }
  showStatus();
  tick();
  window.setInterval(tick, 250);
  window.setInterval(function () { if (!closed) { refreshState(); } }, 30000);
  refreshState();
  if (pendingCount()) { schedule(300); }

  // For tests and the labeling UI: the state of the queue.
  window.CertifyExam = {
    pending: function () { return pendingCount(); },
    flush: flush,
    remaining: function () { return (deadline - serverNow()) / 1000; },
    offset: function () { return offset; }
  };
})(window, document);
