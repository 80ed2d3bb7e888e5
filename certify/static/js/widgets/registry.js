/* certify labeling widgets: the registry and the parts every widget shares.
 *
 * Contract (docs/contracts.md §4):
 *   CertifyWidgets.register("ner", function mount(root, opts) { …; return {destroy: function () {}}; });
 *   CertifyWidgets.mount(root, opts)   // picks the widget named by root.dataset.taskType
 *   opts = {task: {task_type, config, title}, records: [...], values: {recordId: value},
 *           readOnly: false, onChange: function (recordId, value) {}, strings: {...}}
 *
 * Widgets never save: on every change they call opts.onChange(recordId, value) with the full new
 * value of that record (shapes in docs/formats.md §3). Load this file first, then the widget files.
 * Vanilla ES2019, no build step, no inline styles or scripts (CSP): classes from css/labeling.css,
 * element.style only for geometry computed at run time.
 *
 * Optional opts beyond the contract: `autofocus` (focus the widget after mounting) and `record`
 * (the id of the record to open first). Keys typed while nothing is focused go to the widget when
 * exactly one is mounted on the page, so shortcuts work without clicking into it first.
 *
 * Strings: every UI text has an English default below; a page passes translated texts in
 * opts.strings under the same keys ("{name}" placeholders are filled in by the widget).
 */
(function (window, document) {
  "use strict";

  var DEFAULT_STRINGS = {
    // Shared frame
    records: "Records",
    record_n: "Record {n} of {total}",
    record_chip: "Record {n}",
    record_done: "done",
    record_todo: "not done",
    progress: "{done} of {total} done",
    previous: "Previous",
    next: "Next",
    next_todo: "Next not done",
    shortcuts: "Keyboard shortcuts",
    in_text_box: "In a text box, hold Alt with these keys.",
    read_only: "Read only",
    unknown_widget: "This task type cannot be shown: {name}.",
    no_records: "This task has no records.",
    opened_record: "Record {n} of {total}",
    key_records: "next / previous record",
    key_next_todo: "next record not done",
    auto_advance: "Go to the next record after choosing",
    undo: "Undo",
    key_undo: "undo",
    nothing_to_undo: "Nothing to undo.",
    undone: "Undone.",
    saved_value: "Answer changed for record {n}.",
    // Choices (classification, multilabel, rating)
    labels: "Labels",
    chose: "Record {n}: {label}.",
    cleared: "Record {n}: answer cleared.",
    clear: "Clear",
    key_clear: "clear the answer",
    key_choose: "choose",
    key_toggle: "switch a label on or off",
    none_apply: "None apply",
    key_none: "none apply",
    key_no_entities: "no entities in this record",
    key_no_objects: "no objects in this image",
    toggled_on: "{label} on.",
    toggled_off: "{label} off.",
    none_chosen: "Record {n}: no labels apply.",
    // NER
    ner_help: "Select text with the mouse (or Shift + arrow keys), then press a label key or button.",
    entities: "Entities",
    no_entities: "No entities",
    no_entities_yet: "No entities marked in this record.",
    confirm_no_entities: "Confirmed: this record has no entities.",
    select_first: "Select some text first, then choose a label.",
    overlap: "That selection overlaps “{text}” ({label}). Remove that entity first: entities may not overlap.",
    added_span: "Marked “{text}” as {label}.",
    relabelled_span: "“{text}” is now {label}.",
    removed_span: "Removed “{text}” ({label}).",
    remove_span: "Remove “{text}” ({label})",
    key_select_text: "move / extend the selection",
    key_label_span: "label the selection",
    key_remove_span: "remove the focused entity (or click it)",
    text_label: "Text of record {n}",
    // Bounding boxes
    bbox_help: "Drag on the image to draw a box. Drag a box to move it, drag its corners to resize.",
    boxes: "Boxes",
    no_boxes: "No boxes drawn in this record.",
    no_objects: "No objects",
    confirm_no_boxes: "Confirmed: this image has no objects to box.",
    box_item: "{i}. {label} — x {x}, y {y}, {w} × {h}",
    box_pos: "{x}, {y}",
    box_size: "{w}×{h}",
    box_label_for: "Label of box {i}",
    delete_box: "Delete box {i}",
    drew_box: "Box {i} drawn: {label}.",
    moved_box: "Box {i} moved to x {x}, y {y}.",
    resized_box: "Box {i} is now {w} × {h}.",
    relabelled_box: "Box {i} is now {label}.",
    deleted_box: "Box {i} deleted.",
    selected_box: "Box {i} selected: {label}, x {x}, y {y}, {w} × {h}.",
    too_small: "Too small: a box must be at least {min} × {min} pixels.",
    current_label: "Label for new boxes",
    zoom_in: "Zoom in",
    zoom_out: "Zoom out",
    zoom_fit: "Fit",
    zoom_level: "Zoom {pct}%",
    image_of: "Image of record {n}",
    key_draw: "new box in the middle of the view",
    key_label_box: "label for new boxes / relabel the selected box",
    key_select_box: "select previous / next box",
    key_move_box: "move the selected box (Shift: 10 px), or pan",
    key_resize_box: "resize the selected box",
    key_delete_box: "delete the selected box",
    key_zoom: "zoom in / out / fit",
    key_pan: "hold and drag to pan",
    key_deselect: "deselect",
    // Transcription
    transcription: "Transcription",
    play: "Play",
    pause: "Pause",
    rewind: "Back 3 s",
    key_play: "play / pause",
    key_rewind: "back 3 seconds",
    audio_of: "Audio of record {n}",
    chars: "{n} characters",
    words: "{n} words",
    // Rating
    rating: "Rating",
    rated: "Record {n}: {value} — {label}.",
    prompt: "Prompt",
    reply: "Reply",
    // Ranking
    ranking_help: "Best first. Drag a card by its handle, or focus it and use the keys.",
    rank_n: "Rank {n}",
    move_up: "Move up",
    move_down: "Move down",
    drag_handle: "Drag to reorder",
    moved_to: "“{text}” moved to rank {n} of {total}.",
    confirm_order: "Confirm this order",
    order_confirmed: "Order confirmed for record {n}.",
    key_focus_candidate: "focus previous / next candidate",
    key_move_candidate: "move the focused candidate up / down",
    key_rank: "put the focused candidate at that rank",
    key_confirm_order: "confirm the order as it is",
    ranked: "ranked",
    not_ranked: "not ranked yet",
    // Rubric
    answer: "Your answer",
    max_chars: "{n} of {max} characters",
    too_long: "Too long: at most {max} characters.",
    add_row: "Add row",
    delete_row: "Delete row {n}",
    row_n: "Row {n}",
    cell_label: "{column}, row {n}",
    max_rows: "At most {max} rows.",
    added_row: "Row {n} added.",
    deleted_row: "Row {n} deleted.",
    key_add_row: "add a row (in the table)",
    key_delete_row: "delete the focused row"
  };

  var widgets = {};
  var mounted = [];

  /** Translate `key` with opts.strings, falling back to English; fill in {placeholders}. */
  function makeT(strings) {
    return function t(key, params) {
      var text = (strings && Object.prototype.hasOwnProperty.call(strings, key))
        ? strings[key] : DEFAULT_STRINGS[key];
      if (text === undefined) { text = key; }
      if (params) {
        text = String(text).replace(/\{(\w+)\}/g, function (whole, name) {
          return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole;
        });
      }
      return text;
    };
  }

  /** Create an element: h("button", {class: "x", type: "button", text: "Go"}, [children]). */
  function h(tag, attrs, children) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (name) {
        var value = attrs[name];
        if (value === null || value === undefined || value === false) { return; }
        if (name === "text") { el.textContent = value; }
        else if (name === "class") { el.className = value; }
        else if (name.slice(0, 2) === "on" && typeof value === "function") {
          el.addEventListener(name.slice(2), value);
        } else { el.setAttribute(name, value === true ? "" : String(value)); }
      });
    }
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) { return; }
      el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return el;
  }

  function clone(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function isTextField(el) {
    if (!el || !el.tagName) { return false; }
    var tag = el.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || el.isContentEditable) { return true; }
    if (tag !== "input") { return false; }
    var type = (el.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "range", "color"].indexOf(type) < 0;
  }

  /** A keyboard-layout-safe name for a key: "n", "1", "ArrowUp", "Delete" …
   * Letters and digits come from event.code when Alt is held (macOS turns Alt+N into "˜"), and
   * digits always do (AZERTY needs Shift for them). */
  function keyName(event) {
    var code = event.code || "";
    if (/^(Digit|Numpad)[0-9]$/.test(code)) { return code.slice(-1); }
    if (event.altKey && /^Key[A-Z]$/.test(code)) { return code.slice(3).toLowerCase(); }
    var key = event.key || "";
    return key.length === 1 ? key.toLowerCase() : key;
  }

  /** The 1-based position a digit key stands for (1…9, then 0 for the tenth), or -1. */
  function digitIndex(name) {
    if (!/^[0-9]$/.test(name)) { return -1; }
    return name === "0" ? 9 : Number(name) - 1;
  }

  /** The key that picks the i-th (0-based) choice: "1" … "9", "0" for the tenth, else "". */
  function digitFor(i) {
    if (i < 9) { return String(i + 1); }
    return i === 9 ? "0" : "";
  }

  // Unicode code points <-> JS UTF-16 indexes. Python's str indexes count code points, so an
  // emoji or a CJK Extension B character is one position there but two UTF-16 units here.
  function codePoints(text) { return Array.from(text || ""); }

  function utf16ToCodePoint(text, index) {
    var count = 0;
    for (var i = 0; i < index && i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xDC00 && d <= 0xDFFF) {
          if (i + 1 >= index) { break; } // index points inside a pair: count it before the pair
          i++;
        }
      }
      count++;
    }
    return count;
  }

  function codePointToUtf16(text, cp) {
    var i = 0;
    for (var n = 0; n < cp && i < text.length; n++) {
      var c = text.charCodeAt(i);
      i += (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.length) ? 2 : 1;
    }
    return i;
  }

  function shortcutList(t, keys, altNote) {
    var list = h("dl", {class: "lw-keys-list"});
    keys.forEach(function (entry) {
      var dt = h("dt");
      entry[0].forEach(function (k, i) {
        if (i) { dt.appendChild(document.createTextNode(" ")); }
        dt.appendChild(h("kbd", {text: k}));
      });
      list.appendChild(h("div", {class: "lw-key"}, [dt, h("dd", {text: entry[1]})]));
    });
    return h("section", {class: "lw-keys", "aria-label": t("shortcuts")}, [
      h("h4", {class: "lw-keys-title", text: t("shortcuts")}), list,
      altNote ? h("p", {class: "lw-keys-note", text: t("in_text_box")}) : null]);
  }

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
  function frame(root, opts, spec) {
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
    root.appendChild(h("div", {class: "lw-layout" + (records.length < 2 ? " lw-single" : "")},
                       [nav, h("div", {class: "lw-main"}, [message, area])]));
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

  /** The record's content: prompt and reply, text, image, audio, attachment (whatever it has). */
  function recordView(record, api, options) {
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
  function singleChoice(root, opts, spec) {
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

  /** Register a widget for a task type. */
  function register(name, mountFn) {
    if (typeof mountFn !== "function") { throw new TypeError("widget " + name + " needs a mount function"); }
    widgets[name] = mountFn;
  }

  /** Mount the widget named by root.dataset.taskType (or opts.task.task_type) on root. */
  function mount(root, opts) {
    opts = opts || {};
    var name = (root.dataset && root.dataset.taskType) || (opts.task && opts.task.task_type);
    if (root.certifyWidget) { root.certifyWidget.destroy(); }
    var fn = widgets[name];
    if (!fn) {
      var t = makeT(opts.strings);
      root.textContent = "";
      root.appendChild(h("p", {class: "alert alert-error", role: "alert",
                               text: t("unknown_widget", {name: String(name)})}));
      return {destroy: function () { root.textContent = ""; }};
    }
    var inner = fn(root, opts) || {};
    var handle = {
      destroy: function () {
        if (inner.destroy) { inner.destroy(); }
        mounted = mounted.filter(function (m) { return m !== handle; });
        if (root.certifyWidget === handle) { delete root.certifyWidget; }
      },
      root: root,
      widget: inner
    };
    root.certifyWidget = handle;
    mounted.push(handle);
    if (opts.autofocus) { root.focus({preventScroll: true}); }
    return handle;
  }

  // Keys typed while nothing is focused go to the only widget on the page.
  document.addEventListener("keydown", function (event) {
    if (mounted.length !== 1 || event.defaultPrevented) { return; }
    var target = event.target;
    if (target !== document.body && target !== document.documentElement) { return; }
    var inner = mounted[0].widget;
    if (inner && inner.keyDown) { inner.keyDown(event); }
  });

  window.CertifyWidgets = {
    register: register,
    mount: mount,
    has: function (name) { return Object.prototype.hasOwnProperty.call(widgets, name); },
    strings: DEFAULT_STRINGS,
    util: {
      h: h, t: makeT, clone: clone, frame: frame, recordView: recordView, singleChoice: singleChoice, isTextField: isTextField, keyName: keyName,
      digitIndex: digitIndex, digitFor: digitFor, codePoints: codePoints,
      utf16ToCodePoint: utf16ToCodePoint, codePointToUtf16: codePointToUtf16
    }
  };
})(window, document);
