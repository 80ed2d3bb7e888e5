/* certify labeling widgets: the record frame every widget is built in (navigator, record area,
 * shortcuts, messages), the record's content view, and the frame of the single-choice widgets. */

import {clone, digitFor, digitIndex, h, isTextField, keyName, shortcutList} from "./dom.js";
import {makeT} from "./strings.js";

/**
 * The frame every widget uses: a record navigator (records listed with done / not done), the
 * current record's area, the shortcut list, a visible message line and an aria-live status.
 *
 * spec: {type, isDone(value) -> bool, render(record, value, area, index), keys: [[keys], text],
 *        onKey(name, event, record) -> bool (handled), autoAdvance: bool (offer the toggle),
 *        altNote: bool (the widget has text boxes: say that keys need Alt there),
 *        undo: bool (keep each record's earlier values for api.undo()),
 *        leave() (before another record is shown), cleanup()}
 * Returns the frame API: record(), index(), value(id), set(id, value, message), go(i),
 * next(), previous(), nextTodo(), say(message), warn(message), t, opts, root, readOnly.
 */
export function frame(root, opts, spec) {
  var t = makeT(opts.strings);
  var records = opts.records || [];
  var values = {};
  var readOnly = !!opts.readOnly;
  Object.keys(opts.values || {}).forEach(function (id) { values[id] = clone(opts.values[id]); });
  var current = 0;
  var listeners = [];
  var undo = {};
  var api = {t: t, opts: opts, root: root, readOnly: readOnly, records: records, h: h};

  root.textContent = "";
  root.classList.add("lw", "lw-widget-" + spec.type);
  if (readOnly) { root.classList.add("lw-readonly"); }
  var addedTabindex = !root.hasAttribute("tabindex");
  if (addedTabindex) { root.setAttribute("tabindex", "-1"); }
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", (opts.task && opts.task.title) || spec.type);

  var status = h("div", {class: "sr-only", "aria-live": "polite", "aria-atomic": "true"});
  // Warnings show here and are read out through the status region below.
  var message = h("p", {class: "lw-message", hidden: true});
  var position = h("span", {class: "lw-position"});
  var progress = h("span", {class: "lw-progress"});
  var prevButton = h("button", {type: "button", class: "btn btn-small lw-prev",
                                title: t("previous") + " (P)"},
                     [h("span", {"aria-hidden": "true", text: "‹ "}), t("previous")]);
  var nextButton = h("button", {type: "button", class: "btn btn-small lw-next",
                                title: t("next") + " (N)"},
                     [t("next"), h("span", {"aria-hidden": "true", text: " ›"})]);
  prevButton.addEventListener("click", function () { api.previous(); });
  nextButton.addEventListener("click", function () { api.next(); });
  var chips = h("ol", {class: "lw-chips"});
  var nav = h("nav", {class: "lw-records", "aria-label": t("records")}, [chips]);
  var area = h("div", {class: "lw-record"});
  var bar = h("div", {class: "lw-bar"}, [
    h("div", {class: "lw-bar-nav"}, [prevButton, position, nextButton]),
    progress,
    readOnly ? h("span", {class: "badge badge-quiet", text: t("read_only")}) : null
  ]);
  var autoBox = null;
  if (spec.autoAdvance && !readOnly && records.length > 1) {
    autoBox = h("input", {type: "checkbox", class: "lw-auto", checked: true});
    bar.appendChild(h("label", {class: "lw-auto-label"}, [autoBox, " " + t("auto_advance")]));
  }
  var keys = (records.length > 1 ? [[["N", "P"], t("key_records")], [["T"], t("key_next_todo")]] : [])
    .concat(spec.keys || []);
  if (records.length < 2) { bar.classList.add("lw-bar-single"); }
  root.appendChild(bar);
  var table = tableView(records, t, function (i) { api.go(i); });
  root.appendChild(h("div", {class: "lw-layout" + (records.length < 2 ? " lw-single" : "")},
                     [nav, h("div", {class: "lw-main" + (table ? " lw-with-table" : "")},
                             [h("div", {class: "lw-one"}, [message, area]), table ? table.element : null])]));
  if (!readOnly && keys.length && records.length) { root.appendChild(shortcutList(t, keys, spec.altNote)); }
  root.appendChild(status);

  records.forEach(function (record, i) {
    var chip = h("button", {type: "button", class: "lw-chip", "data-record": record.id,
                            text: String(i + 1)});
    chip.addEventListener("click", function () { api.go(i); });
    chips.appendChild(h("li", null, [chip]));
  });

  function isDone(id) { return spec.isDone(values[id]); }

  function refreshNav() {
    var done = 0;
    records.forEach(function (record, i) {
      var chip = chips.children[i].firstChild;
      var ok = isDone(record.id);
      if (ok) { done++; }
      chip.classList.toggle("is-done", ok);
      chip.classList.toggle("is-current", i === current);
      if (i === current) { chip.setAttribute("aria-current", "step"); }
      else { chip.removeAttribute("aria-current"); }
      chip.setAttribute("aria-label", t("record_chip", {n: i + 1}) + ", " +
                        t(ok ? "record_done" : "record_todo"));
    });
    if (table) { table.show(current, isDone); }
    position.textContent = t("record_n", {n: current + 1, total: records.length});
    progress.textContent = t("progress", {done: done, total: records.length});
    prevButton.disabled = current === 0;
    nextButton.disabled = current >= records.length - 1;
    root.classList.toggle("lw-all-done", done === records.length && records.length > 0);
  }

  api.record = function () { return records[current]; };
  api.index = function () { return current; };
  api.value = function (id) { return clone(values[id === undefined ? records[current].id : id]); };
  api.isDone = isDone;
  api.say = function (text) {
    // Re-set so that the same message is announced again.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 30);
  };
  api.warn = function (text) {
    message.textContent = text || "";
    message.hidden = !text;
    if (text) { api.say(text); }
  };
  /** Store the record's new value and report it (the caller re-renders what it needs). */
  api.set = function (id, value, announcement) {
    if (readOnly) { return; }
    if (spec.undo) { (undo[id] = undo[id] || []).push(clone(values[id])); }
    values[id] = clone(value);
    refreshNav();
    if (typeof opts.onChange === "function") { opts.onChange(id, clone(value)); }
    if (announcement) { api.say(announcement); }
  };
  api.go = function (i, silent) {
    if (!records.length) { return; }
    i = Math.max(0, Math.min(records.length - 1, i));
    var changed = i !== current || !area.firstChild;
    current = i;
    if (changed) {
      if (spec.leave) { spec.leave(); }
      area.textContent = "";
      api.warn("");
      spec.render(records[i], clone(values[records[i].id]), area, i);
      // Keep the current record's chip visible in a long list, scrolling the list only (not
      // the page, which would jump away from the record being labelled).
      var chip = chips.children[i] && chips.children[i].firstChild;
      if (chip && nav.scrollHeight > nav.clientHeight) {
        var c = chip.getBoundingClientRect();
        var n = nav.getBoundingClientRect();
        if (c.top < n.top) { nav.scrollTop -= n.top - c.top + 4; }
        else if (c.bottom > n.bottom) { nav.scrollTop += c.bottom - n.bottom + 4; }
      }
    }
    refreshNav();
    if (!silent && changed) { api.say(t("opened_record", {n: i + 1, total: records.length})); }
  };
  /** Undo the current record's last change (spec.undo): the value it had before, restored and
   * reported (null when it had none), or undefined when there is nothing to undo. */
  api.undo = function () {
    var id = records[current].id;
    var stack = undo[id] || [];
    if (readOnly || !stack.length) { api.say(t("nothing_to_undo")); return undefined; }
    var before = stack.pop();
    values[id] = clone(before);
    refreshNav();
    if (typeof opts.onChange === "function") { opts.onChange(id, before === undefined ? null : clone(before)); }
    api.say(t("undone"));
    return before === undefined ? null : before;
  };
  api.next = function () { api.go(current + 1); };
  api.previous = function () { api.go(current - 1); };
  api.nextTodo = function () {
    for (var k = 1; k <= records.length; k++) {
      var j = (current + k) % records.length;
      if (!isDone(records[j].id)) { api.go(j); return true; }
    }
    return false;
  };
  /** After a one-key answer: go on to the next record when the toggle is on, at once (a fast
   * labeller's next key is for the next record), announcing the answer and the new record. */
  api.advance = function (announcement) {
    if (autoBox && autoBox.checked && current < records.length - 1) {
      api.go(current + 1, true);
      api.say((announcement ? announcement + " " : "") +
              t("opened_record", {n: current + 1, total: records.length}));
    }
  };
  api.listen = function (target, type, fn, options) {
    target.addEventListener(type, fn, options);
    listeners.push([target, type, fn, options]);
  };
  api.rerender = function () {
    area.textContent = "";
    spec.render(records[current], clone(values[records[current].id]), area, current);
  };

  function onKeyDown(event) {
    if (event.defaultPrevented || event.isComposing || event.keyCode === 229) { return; }
    var inText = isTextField(event.target);
    if (inText && !event.altKey) { return; }
    var name = keyName(event);
    var handled = spec.onKey ? spec.onKey(name, event, records[current]) : false;
    if (!handled && !event.ctrlKey && !event.metaKey) {
      if (name === "n") { api.next(); handled = true; }
      else if (name === "p") { api.previous(); handled = true; }
      else if (name === "t") { api.nextTodo(); handled = true; }
    }
    if (handled) { event.preventDefault(); event.stopPropagation(); }
  }
  api.listen(root, "keydown", onKeyDown);
  api.keyDown = onKeyDown;

  /** Show the first record (or opts.record); widgets call it once their own state is ready. */
  api.start = function () {
    if (!records.length) {
      area.appendChild(h("p", {class: "muted", text: t("no_records")}));
      refreshNav();
      return api;
    }
    var first = 0;
    if (opts.record !== undefined) {
      records.forEach(function (r, i) { if (String(r.id) === String(opts.record)) { first = i; } });
    }
    current = -1;
    api.go(first, true);
    return api;
  };

  api.destroy = function () {
    if (spec.leave) { spec.leave(); }
    if (spec.cleanup) { spec.cleanup(); }
    listeners.forEach(function (l) { l[0].removeEventListener(l[1], l[2], l[3]); });
    listeners = [];
    root.textContent = "";
    root.classList.remove("lw", "lw-widget-" + spec.type, "lw-readonly", "lw-all-done");
    ["role", "aria-label"].forEach(function (name) { root.removeAttribute(name); });
    if (addedTabindex) { root.removeAttribute("tabindex"); }
  };
  return api;
}

/** The columns of tabular records (every record has a `row` of [column, value] pairs, in the
 * table's order), in first-seen order, or null when the records are not a table. */
export function tableColumns(records) {
  if (records.length < 2) { return null; }
  var columns = [];
  for (var i = 0; i < records.length; i++) {
    var row = records[i].row;
    if (!Array.isArray(row)) { return null; }
    row.forEach(function (pair) {
      if (Array.isArray(pair) && columns.indexOf(String(pair[0])) < 0) { columns.push(String(pair[0])); }
    });
  }
  return columns.length ? columns : null;
}

/**
 * The table view of tabular records (issue 12 §9: spotting "a duplicate of an earlier row" needs
 * the whole table): a real <table> of every record's row data (never anything else), sortable by
 * any column with the header buttons, the current record highlighted; a row's number button (or a
 * click on the row) opens that record. Returns {element, show(current, isDone)} or null.
 */
export function tableView(records, t, go) {
  var columns = tableColumns(records);
  if (!columns) { return null; }
  var sort = {column: -1, ascending: true};  // -1: the records' own order
  var tbody = h("tbody");
  var headers = [];
  var state = {current: 0, isDone: function () { return false; }};
  var keys = ["#"].concat(columns);
  var head = h("tr", null, keys.map(function (name, k) {
    var button = h("button", {type: "button", class: "lw-sort", "data-column": k === 0 ? "" : name},
                   [h("span", {text: k === 0 ? "#" : name}), h("span", {class: "lw-sort-mark", "aria-hidden": "true"})]);
    button.addEventListener("click", function () {
      var column = k - 1;
      sort = {column: column, ascending: sort.column === column ? !sort.ascending : true};
      draw();
    });
    var th = h("th", {scope: "col", title: t("sort_by", {column: k === 0 ? "#" : name})}, [button]);
    headers.push(th);
    return th;
  }));
  var caption = h("caption", {class: "lw-table-caption", text: t("table_view_caption")});
  var element = h("section", {class: "lw-table-view", "aria-label": t("table_view")}, [
    h("h4", {class: "lw-subtitle", text: t("table_view")}),
    h("div", {class: "lw-table-scroll"}, [
      h("table", {class: "table table-compact lw-record-table"}, [caption, h("thead", null, [head]), tbody])])]);

  function cell(record, column) {
    for (var k = 0; k < record.row.length; k++) {
      var pair = record.row[k];
      if (Array.isArray(pair) && String(pair[0]) === column) {
        return pair[1] === undefined || pair[1] === null ? "" : String(pair[1]);
      }
    }
    return "";
  }
  function compare(a, b) {
    if (sort.column < 0) { return a - b; }
    var column = columns[sort.column];
    var x = cell(records[a], column);
    var y = cell(records[b], column);
    var nx = x.trim() === "" ? NaN : Number(x);
    var ny = y.trim() === "" ? NaN : Number(y);
    var r = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y, undefined, {numeric: true});
    return r || a - b;
  }
  function draw() {
    var order = records.map(function (r, i) { return i; }).sort(compare);
    if (!sort.ascending) { order.reverse(); }
    tbody.textContent = "";
    order.forEach(function (i) {
      var record = records[i];
      var here = i === state.current;
      var open = h("button", {type: "button", class: "lw-row-open",
                              "aria-label": t("open_record", {n: i + 1}), text: String(i + 1)});
      open.addEventListener("click", function (event) { event.stopPropagation(); go(i); });
      var tr = h("tr", {class: "lw-table-row" + (here ? " is-current" : "") +
                                  (state.isDone(record.id) ? " is-done" : ""),
                        "data-record": record.id, "aria-current": here ? "true" : null},
                 [h("th", {scope: "row"}, [open])].concat(columns.map(function (c) {
                   var v = cell(record, c);
                   return v === "" ? h("td", {class: "lw-empty-cell", text: t("empty_cell")}) : h("td", {text: v});
                 })));
      tr.addEventListener("click", function () { go(i); });
      tbody.appendChild(tr);
    });
    headers.forEach(function (th, k) {
      var on = k - 1 === sort.column;
      if (on) { th.setAttribute("aria-sort", sort.ascending ? "ascending" : "descending"); }
      else { th.removeAttribute("aria-sort"); }
      th.querySelector(".lw-sort-mark").textContent = on ? (sort.ascending ? " ▲" : " ▼") : "";
    });
  }
  return {
    element: element,
    show: function (current, isDone) {
      state = {current: current, isDone: isDone};
      draw();
      var row = tbody.querySelector("tr.is-current");
      var scroller = element.querySelector(".lw-table-scroll");
      if (row && scroller.scrollHeight > scroller.clientHeight) {
        var r = row.getBoundingClientRect();
        var s = scroller.getBoundingClientRect();
        if (r.top < s.top + 30) { scroller.scrollTop -= s.top + 30 - r.top; }
        else if (r.bottom > s.bottom) { scroller.scrollTop += r.bottom - s.bottom + 4; }
      }
    }
  };
}

/** The record's content: prompt and reply, text, image, audio, attachment (whatever it has). */
export function recordView(record, api, options) {
  var t = api.t;
  options = options || {};
  var n = api.index() + 1;
  var view = h("div", {class: "lw-content"});
  if (record.prompt !== undefined && record.prompt !== null) {
    view.appendChild(h("div", {class: "lw-block lw-prompt"}, [
      h("div", {class: "lw-block-title", text: t("prompt")}),
      h("div", {class: "lw-text-view", text: String(record.prompt)})]));
  }
  if (record.reply !== undefined && record.reply !== null) {
    view.appendChild(h("div", {class: "lw-block lw-reply"}, [
      h("div", {class: "lw-block-title", text: t("reply")}),
      h("div", {class: "lw-text-view", text: String(record.reply)})]));
  }
  if (record.image && !options.noImage) {
    view.appendChild(h("figure", {class: "lw-figure"}, [
      h("img", {class: "lw-image", src: record.image, alt: t("image_of", {n: n}),
                draggable: "false"})]));
  }
  if (record.audio && !options.noAudio) {
    view.appendChild(h("audio", {class: "lw-audio", controls: true, preload: "metadata",
                                 src: record.audio, "aria-label": t("audio_of", {n: n})}));
  }
  if (record.text !== undefined && record.text !== null && !options.noText) {
    var large = !record.image && !record.prompt;
    view.appendChild(h("div", {class: "lw-text-view" + (large ? " lw-text-large" : " lw-caption"),
                               text: String(record.text)}));
  }
  if (record.attachment) {
    view.appendChild(h("p", {class: "lw-attachment"}, [
      h("a", {href: record.attachment, download: "", text: String(record.attachment).split("/").pop()})]));
  }
  return view;
}

/**
 * A one-answer-per-record widget (classification, rating): the record's content and one button
 * per choice; digit keys choose, Delete clears, and the frame moves on when auto-advance is on.
 *
 * spec: {type, choices: [{value, label, key, title}], view(record, api) -> element,
 *        announce(record, choice, n) -> text}
 */
export function singleChoice(root, opts, spec) {
  var f;
  var buttons = [];
  var keyed = {};
  spec.choices.forEach(function (choice) { if (choice.key) { keyed[choice.key] = choice; } });
  var keyHint = spec.choices.filter(function (c) { return c.key; }).map(function (c) { return c.key; });
  var keyLabel = keyHint.length > 1 ? keyHint[0] + "–" + keyHint[keyHint.length - 1] : keyHint[0];

  function choose(choice) {
    if (f.readOnly) { return; }
    var record = f.record();
    var announcement = spec.announce(record, choice, f.index() + 1);
    f.set(record.id, choice.value, announcement);
    mark(choice.value);
    f.advance(announcement);
  }
  function mark(value) {
    buttons.forEach(function (b) {
      var on = b.choice.value === value;
      b.el.setAttribute("aria-checked", on ? "true" : "false");
      b.el.classList.toggle("is-on", on);
      b.el.tabIndex = on || (value === undefined && b === buttons[0]) ? 0 : -1;
    });
  }
  function render(record, value, area) {
    var layout = h("div", {class: "lw-choice-layout" + (record.image ? " lw-has-image" : "")});
    layout.appendChild(spec.view(record, f));
    var group = h("div", {class: "lw-choices", role: "radiogroup",
                          "aria-label": f.t(spec.groupLabel || "labels")});
    buttons = spec.choices.map(function (choice, i) {
      var el = h("button", {type: "button", role: "radio", class: "lw-choice",
                            "aria-checked": "false", disabled: f.readOnly, title: choice.title || null},
                 [choice.key ? h("kbd", {class: "lw-choice-key", text: choice.key}) : null,
                  h("span", {class: "lw-choice-text", text: choice.label})]);
      el.addEventListener("click", function () { choose(choice); });
      el.addEventListener("keydown", function (event) {
        // Arrow keys move between the choices, like a native radio group.
        var step = {ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1}[event.key];
        if (!step) { return; }
        event.preventDefault();
        var next = buttons[(i + step + buttons.length) % buttons.length];
        next.el.focus();
      });
      group.appendChild(el);
      return {el: el, choice: choice};
    });
    if (!f.readOnly) {
      group.appendChild(h("button", {type: "button", class: "btn btn-small btn-quiet lw-clear",
                                     text: f.t("clear"), title: f.t("key_clear") + " (Delete)",
                                     onclick: function () { clear(); }}));
    }
    layout.appendChild(group);
    area.appendChild(layout);
    mark(value);
  }
  function clear() {
    var record = f.record();
    if (f.readOnly || f.value(record.id) === undefined) { return; }
    f.set(record.id, null, f.t("cleared", {n: f.index() + 1}));
    mark(null);
  }
  f = frame(root, opts, {
    type: spec.type,
    autoAdvance: true,
    isDone: function (value) { return value !== undefined && value !== null; },
    render: render,
    keys: (keyLabel ? [[[keyLabel], makeT(opts.strings)(spec.keyText || "key_choose")]] : [])
      .concat([[["Delete"], makeT(opts.strings)("key_clear")]]),
    onKey: function (name) {
      if (f.readOnly) { return false; }
      if (keyed[name]) { choose(keyed[name]); return true; }
      if (name === "Delete" || name === "Backspace") { clear(); return true; }
      return false;
    }
  });
  f.start();
  return {destroy: f.destroy, keyDown: f.keyDown, frame: f};
}
