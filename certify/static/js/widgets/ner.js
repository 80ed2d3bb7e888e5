/* Named-entity recognition: mark labelled spans of a record's text.
 *
 * Value per record: [[start, end, "LABEL"], …] sorted by start, offsets in Unicode code points
 * (Python str indexes, end exclusive), converted from the browser's UTF-16 positions, so an emoji
 * or a CJK Extension B character before an entity counts as one position.
 *
 * Decisions:
 * - Entities are flat and may not overlap (they may touch): the banks' gold has no overlaps and
 *   the task type rejects them (it could not be written as IOB tags). A selection that overlaps
 *   an entity is refused with a message naming that entity; selecting exactly an existing entity
 *   and choosing another label relabels it.
 * - Whitespace at either end of a selection is dropped (a double-clicked English word brings its
 *   trailing space along).
 * - Clicking an entity (without dragging) removes it; U or Ctrl+Z undoes. A record is done once
 *   it has a value; "No entities" (X) confirms an empty record.
 * - Keyboard: the text is focusable; arrows move a caret, Shift+arrows / Shift+Home / Shift+End
 *   extend the selection, number keys label it. Tab reaches each entity: a number key relabels
 *   it and Delete removes it.
 */
(function (CW, window, document) {
  "use strict";
  var U = CW.util;
  var h = U.h;

  CW.register("ner", function mount(root, opts) {
    var labels = ((opts.task && opts.task.config) || {}).labels || [];
    var t = U.t(opts.strings);
    var f;
    // Current record's state.
    var text = "";
    var cps = [];
    var spans = [];
    var textEl = null;
    var listEl = null;
    var noneButton = null;
    var caret = null; // code point where the keyboard caret sits, or null
    var anchor = null; // keyboard selection anchor (code point)

    function colour(label) {
      var i = labels.indexOf(label);
      return "lw-c" + ((i < 0 ? 9 : i) % 10);
    }
    function slice(s, e) { return cps.slice(s, e).join(""); }

    // --- DOM positions <-> code points ------------------------------------------------------
    function cpAt(node, offset) {
      var range = document.createRange();
      range.setStart(textEl, 0);
      range.setEnd(node, offset);
      return U.utf16ToCodePoint(text, range.toString().length);
    }
    function locate(cp) {
      var u16 = U.codePointToUtf16(text, cp);
      var walker = document.createTreeWalker(textEl, NodeFilter.SHOW_TEXT);
      var node = walker.nextNode();
      var seen = 0;
      var last = null;
      while (node) {
        var len = node.nodeValue.length;
        if (u16 <= seen + len) { return {node: node, offset: u16 - seen}; }
        seen += len;
        last = node;
        node = walker.nextNode();
      }
      return last ? {node: last, offset: last.nodeValue.length} : {node: textEl, offset: 0};
    }
    /** The native selection inside the text as [start, end] code points, or null. */
    function nativeSelection() {
      var sel = window.getSelection();
      if (!textEl || !sel || !sel.rangeCount) { return null; }
      var range = sel.getRangeAt(0);
      var startIn = textEl.contains(range.startContainer);
      var endIn = textEl.contains(range.endContainer);
      if (!startIn && !endIn) {
        return range.intersectsNode(textEl) ? [0, cps.length] : null;
      }
      var s = startIn ? cpAt(range.startContainer, range.startOffset) : 0;
      var e = endIn ? cpAt(range.endContainer, range.endOffset) : cps.length;
      return s <= e ? [s, e] : [e, s];
    }
    function setNative(s, e) {
      var sel = window.getSelection();
      var a = locate(s);
      var b = locate(e);
      var range = document.createRange();
      range.setStart(a.node, a.offset);
      range.setEnd(b.node, b.offset);
      sel.removeAllRanges();
      sel.addRange(range);
    }
    function clearNative() {
      var sel = window.getSelection();
      if (sel && sel.rangeCount && textEl && textEl.contains(sel.anchorNode)) { sel.removeAllRanges(); }
    }
    function trimmed(s, e) {
      while (s < e && /\s/.test(cps[s])) { s++; }
      while (e > s && /\s/.test(cps[e - 1])) { e--; }
      return s < e ? [s, e] : null;
    }

    // --- Rendering --------------------------------------------------------------------------
    function drawText() {
      textEl.textContent = "";
      var at = 0;
      var place = function (upto) {
        if (caret !== null && caret >= at && caret <= upto && !textEl.querySelector(".lw-caret")) {
          if (caret > at) { textEl.appendChild(document.createTextNode(slice(at, caret))); }
          textEl.appendChild(h("span", {class: "lw-caret", "aria-hidden": "true"}));
          if (upto > caret) { textEl.appendChild(document.createTextNode(slice(caret, upto))); }
        } else if (upto > at) {
          textEl.appendChild(document.createTextNode(slice(at, upto)));
        }
        at = upto;
      };
      spans.forEach(function (span, k) {
        place(span[0]);
        var entity = slice(span[0], span[1]);
        var mark = h("mark", {class: "lw-ent " + colour(span[2]), "data-label": span[2],
                              "data-span": k, title: f.readOnly ? span[2] : t("remove_span", {text: entity, label: span[2]})});
        // The caret may sit inside an entity while extending a keyboard selection.
        var inner = at;
        at = span[1];
        if (caret !== null && caret > inner && caret < span[1]) {
          mark.appendChild(document.createTextNode(slice(inner, caret)));
          mark.appendChild(h("span", {class: "lw-caret", "aria-hidden": "true"}));
          mark.appendChild(document.createTextNode(slice(caret, span[1])));
        } else {
          mark.appendChild(document.createTextNode(entity));
        }
        textEl.appendChild(mark);
      });
      place(cps.length);
    }
    function drawList() {
      listEl.textContent = "";
      if (!spans.length) {
        listEl.appendChild(h("li", {class: "lw-empty muted", text: t("no_entities_yet")}));
      }
      spans.forEach(function (span, k) {
        var entity = slice(span[0], span[1]);
        // Keyboard access to entities: focus one here, then a number relabels it and Delete
        // removes it. (The marks in the text are not focusable: a focusable element cannot start
        // a mouse selection in Chrome, and selecting an entity's text is how it is relabelled.)
        var pick = h("button", {type: "button", class: "lw-span-pick", "data-span": k,
                                title: f.readOnly ? null : t("key_remove_span")}, [
          h("span", {class: "lw-tag " + colour(span[2]), text: span[2]}),
          h("span", {class: "lw-span-text", text: entity}),
          h("span", {class: "lw-span-offsets muted", text: span[0] + "–" + span[1]})]);
        pick.addEventListener("focus", function () { highlight(k, true); });
        pick.addEventListener("blur", function () { highlight(k, false); });
        var li = h("li", {class: "lw-span-item"}, [pick]);
        if (!f.readOnly) {
          li.appendChild(h("button", {type: "button", class: "lw-remove", "aria-label":
                                      t("remove_span", {text: entity, label: span[2]}),
                                      title: t("remove_span", {text: entity, label: span[2]}), text: "×",
                                      onclick: function () { remove(k); }}));
        }
        listEl.appendChild(li);
      });
      if (noneButton) {
        noneButton.disabled = spans.length > 0;
        noneButton.classList.toggle("is-on", Array.isArray(f.value()) && !spans.length);
      }
    }
    function highlight(k, on) {
      var mark = textEl.querySelector('mark[data-span="' + k + '"]');
      if (mark) { mark.classList.toggle("is-active", on); }
    }
    function focusedPick() {
      var el = document.activeElement;
      return el && el.classList && el.classList.contains("lw-span-pick") && root.contains(el) ? el : null;
    }
    function redraw(keepFocus) {
      var focused = document.activeElement;
      var hadFocus = focused && (focused === textEl || textEl.contains(focused));
      drawText();
      drawList();
      if (hadFocus || keepFocus) { textEl.focus({preventScroll: true}); }
    }

    // --- Changes ----------------------------------------------------------------------------
    function store(message) {
      f.set(f.record().id, spans.map(function (s) { return s.slice(); }), message);
    }
    function label(name) {
      if (f.readOnly) { return; }
      var picked = focusedPick();
      var sel = picked ? null : nativeSelection();
      var range = sel ? trimmed(sel[0], sel[1]) : null;
      if (picked) {
        var k = Number(picked.getAttribute("data-span"));
        range = [spans[k][0], spans[k][1]];
      }
      if (!range) { f.warn(t("select_first")); return; }
      var s = range[0];
      var e = range[1];
      var entity = slice(s, e);
      for (var i = 0; i < spans.length; i++) {
        if (spans[i][0] === s && spans[i][1] === e) {
          if (spans[i][2] === name) { clearNative(); return; }
          spans[i][2] = name;
          finish(e, t("relabelled_span", {text: entity, label: name}));
          if (picked) { focusPick(i); }
          return;
        }
      }
      for (var j = 0; j < spans.length; j++) {
        if (s < spans[j][1] && spans[j][0] < e) {
          f.warn(t("overlap", {text: slice(spans[j][0], spans[j][1]), label: spans[j][2]}));
          return;
        }
      }
      spans.push([s, e, name]);
      spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
      finish(e, t("added_span", {text: entity, label: name}));
    }
    function finish(at, message) {
      clearNative();
      caret = at;
      anchor = null;
      f.warn("");
      store(message);
      redraw(true);
    }
    function remove(k) {
      if (f.readOnly || !spans[k]) { return; }
      var fromList = !!focusedPick();
      var span = spans.splice(k, 1)[0];
      caret = span[0];
      anchor = null;
      f.warn("");
      store(t("removed_span", {text: slice(span[0], span[1]), label: span[2]}));
      redraw(!fromList || !spans.length);
      if (fromList && spans.length) { focusPick(Math.min(k, spans.length - 1)); }
    }
    function focusPick(k) {
      var pick = listEl.querySelector('.lw-span-pick[data-span="' + k + '"]');
      if (pick) { pick.focus(); }
    }
    function noEntities() {
      if (f.readOnly || spans.length) { return; }
      store(t("confirm_no_entities"));
      drawList();
    }
    function undoLast() {
      var before = f.undo();
      if (before === undefined) { return; }
      spans = Array.isArray(before) ? before : [];
      caret = null;
      redraw();
    }

    // --- Keyboard selection -----------------------------------------------------------------
    function moveCaret(name, extend) {
      var sel = nativeSelection();
      var collapsed = !sel || sel[0] === sel[1];
      if (anchor === null || caret === null || !extend) {
        if (!collapsed) {
          // Continue from the mouse selection: keep its start, move its end.
          if (extend) { anchor = sel[0]; caret = sel[1]; }
          else { caret = name === "ArrowLeft" || name === "Home" ? sel[0] : sel[1]; anchor = null; }
          if (!extend) { clearNative(); drawText(); return; }
        } else if (caret === null) {
          caret = sel ? sel[0] : 0;
        }
        if (extend && anchor === null) { anchor = caret; }
      }
      var to = {ArrowLeft: caret - 1, ArrowRight: caret + 1, Home: 0, End: cps.length}[name];
      caret = Math.max(0, Math.min(cps.length, to));
      if (!extend) { anchor = null; }
      if (extend && anchor !== caret) {
        var keep = caret;
        caret = null; // no caret element while a range is selected
        drawText();
        caret = keep;
        setNative(Math.min(anchor, caret), Math.max(anchor, caret));
      } else {
        clearNative();
        drawText();
      }
    }

    function render(record, value, area) {
      text = String(record.text || "");
      cps = U.codePoints(text);
      spans = Array.isArray(value) ? value.map(function (s) { return s.slice(); }) : [];
      caret = null;
      anchor = null;
      var n = f.index() + 1;
      var toolbar = h("div", {class: "lw-ner-labels", role: "toolbar", "aria-label": t("labels")});
      labels.forEach(function (name, i) {
        var key = U.digitFor(i);
        var button = h("button", {type: "button", class: "lw-label " + colour(name), disabled: f.readOnly,
                                  title: key ? name + " (" + key + ")" : name},
                       [key ? h("kbd", {text: key}) : null, h("span", {text: name})]);
        // Keep the text selection (and the focus) when a label button is pressed.
        button.addEventListener("mousedown", function (event) { event.preventDefault(); });
        button.addEventListener("click", function () { label(name); });
        toolbar.appendChild(button);
      });
      noneButton = null;
      if (!f.readOnly) {
        noneButton = h("button", {type: "button", class: "btn btn-small lw-none",
                                  title: t("key_no_entities") + " (X)", onclick: noEntities},
                       [h("kbd", {text: "X"}), " " + t("no_entities")]);
        toolbar.appendChild(noneButton);
      }
      textEl = h("div", {class: "lw-ner-text", tabindex: "0", role: "document",
                         "aria-label": t("text_label", {n: n}), lang: record.lang || null});
      // A click on an entity (the pointer did not move, nothing got selected) removes it; a
      // click elsewhere puts the keyboard caret there. Decided at mouseup, when the browser has
      // already updated the selection, and not later: a key pressed meanwhile must not meet a
      // stale click.
      var down = null;
      textEl.addEventListener("mousedown", function (event) {
        down = {x: event.clientX, y: event.clientY, mark: event.target.closest("mark.lw-ent")};
      });
      textEl.addEventListener("mouseup", function (event) {
        var sel = nativeSelection();
        var start = down;
        down = null;
        if (sel && sel[0] !== sel[1]) { anchor = sel[0]; caret = sel[1]; return; }
        var mark = event.target.closest("mark.lw-ent");
        var still = start && Math.abs(event.clientX - start.x) < 4 && Math.abs(event.clientY - start.y) < 4;
        if (mark && still && start.mark === mark && !f.readOnly) {
          remove(Number(mark.getAttribute("data-span")));
          return;
        }
        if (sel) { caret = sel[0]; anchor = null; drawText(); }
      });
      textEl.addEventListener("blur", function () {
        var c = textEl.querySelector(".lw-caret");
        if (c && !textEl.contains(document.activeElement)) { c.classList.add("is-idle"); }
      });
      textEl.addEventListener("focus", function () {
        var c = textEl.querySelector(".lw-caret");
        if (c) { c.classList.remove("is-idle"); }
      });
      listEl = h("ul", {class: "lw-span-list", "aria-label": t("entities")});
      area.appendChild(h("div", {class: "lw-ner"}, [
        toolbar,
        f.readOnly ? null : h("p", {class: "lw-help muted", text: t("ner_help")}),
        textEl,
        h("h4", {class: "lw-subtitle", text: t("entities")}),
        listEl]));
      drawText();
      drawList();
    }

    f = U.frame(root, opts, {
      type: "ner",
      isDone: function (value) { return Array.isArray(value); },
      render: render,
      undo: true,
      keys: [[["Shift", "← →"], t("key_select_text")],
             [["1–" + (U.digitFor(Math.min(labels.length, 10) - 1) || "1")], t("key_label_span")],
             [["Delete"], t("key_remove_span")], [["X"], t("key_no_entities")], [["U"], t("key_undo")]],
      onKey: function (name, event) {
        if (f.readOnly) { return false; }
        var target = event.target;
        if ((event.ctrlKey || event.metaKey) && name === "z") { undoLast(); return true; }
        if (event.ctrlKey || event.metaKey) { return false; }
        var i = U.digitIndex(name);
        if (i >= 0 && i < labels.length) { label(labels[i]); return true; }
        if (target && target.classList && target.classList.contains("lw-span-pick")) {
          if (name === "Delete" || name === "Backspace") {
            remove(Number(target.getAttribute("data-span")));
            return true;
          }
        }
        // Alt+arrows are the exam page's (previous / next question).
        if (target === textEl && !event.altKey && ["ArrowLeft", "ArrowRight", "Home", "End"].indexOf(name) >= 0) {
          moveCaret(name, event.shiftKey);
          return true;
        }
        if (name === "Escape") { clearNative(); anchor = null; f.warn(""); return true; }
        if (name === "x") { noEntities(); return true; }
        if (name === "u") { undoLast(); return true; }
        return false;
      }
    });
    f.start();
    return {destroy: f.destroy, keyDown: f.keyDown};
  });
})(window.CertifyWidgets, window, document);
