/* Bounding boxes: draw, move, resize, relabel and delete rectangles on an image, with zoom and pan.
 *
 * Value per record: [[x, y, w, h, "label"], …] in the image's own pixels (x, y the top-left
 * corner), whatever the zoom or the size on screen: screen positions are divided by the current
 * scale. Coordinates are whole pixels (the gold is), every box lies inside the image and is at
 * least MIN_SIZE × MIN_SIZE pixels; a smaller drag is a click (it selects or deselects). The image
 * size is the record's width and height (the image's natural size when the record has none).
 *
 * The label buttons (and digit keys) choose the label of the NEXT box only; they never change a
 * drawn box (issue 12 §7: labellers drew a box, picked the next label and relabelled the first
 * one). Changing the label of the selected box is its own visible control, "Change label of the
 * selected box" (and Shift + digit), beside the selected box's description.
 *
 * Mouse: drag on the image to draw a box with the current label; drag a box to move it; drag a
 * corner or edge handle to resize; wheel to zoom at the pointer; drag with Space held, the middle
 * button, or on the image in read-only mode to pan. onChange is called once per finished gesture
 * (and once per key press), not on every pointer move.
 */
(function (CW, window, document) {
  "use strict";
  var U = CW.util;
  var h = U.h;
  var MIN_SIZE = 4;
  var MAX_ZOOM = 16;
  var HANDLES = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];

  CW.register("bbox", function mount(root, opts) {
    var config = (opts.task && opts.task.config) || {};
    var labels = config.labels || [];
    var t = U.t(opts.strings);
    var f;
    var resizeObserver = null;
    var spaceDown = false;
    // Current record's state.
    var W = 0;
    var H = 0;
    var boxes = [];
    var selected = -1;
    var current = labels[0];
    var view = {s: 1, tx: 0, ty: 0, fit: true};
    var gesture = null;
    var el = {};

    function colour(label) {
      var i = labels.indexOf(label);
      return "lw-c" + ((i < 0 ? 9 : i) % 10);
    }
    function clamp(v, lo, hi) { return Math.max(lo, Math.min(hi, v)); }
    function describe(i) {
      var b = boxes[i];
      return {i: i + 1, label: b[4], x: b[0], y: b[1], w: b[2], h: b[3]};
    }

    // --- View: fit, zoom, pan -----------------------------------------------------------------
    function fitScale() {
      var vw = el.viewport.clientWidth || 1;
      var vh = el.viewport.clientHeight || 1;
      return Math.min(vw / W, vh / H);
    }
    function fit() {
      if (!W || !H) { return; }
      var s = fitScale();
      view = {s: s, tx: (el.viewport.clientWidth - W * s) / 2, ty: (el.viewport.clientHeight - H * s) / 2,
              fit: true};
      draw();
    }
    function zoomAt(factor, px, py) {
      var min = Math.min(1, fitScale()) * 0.5;
      var s = clamp(view.s * factor, min, MAX_ZOOM);
      if (px === undefined) { px = el.viewport.clientWidth / 2; py = el.viewport.clientHeight / 2; }
      view.tx = px - (px - view.tx) * s / view.s;
      view.ty = py - (py - view.ty) * s / view.s;
      view.s = s;
      view.fit = false;
      keepInView();
      draw();
    }
    function pan(dx, dy) {
      view.tx += dx;
      view.ty += dy;
      view.fit = false;
      keepInView();
      draw();
    }
    function keepInView() {
      // At least a quarter of the viewport keeps showing some of the image.
      var vw = el.viewport.clientWidth;
      var vh = el.viewport.clientHeight;
      var mx = Math.min(vw, W * view.s) / 4;
      var my = Math.min(vh, H * view.s) / 4;
      view.tx = clamp(view.tx, mx - W * view.s, vw - mx);
      view.ty = clamp(view.ty, my - H * view.s, vh - my);
    }
    /** Image pixel under a pointer event (unrounded, unclamped). */
    function toImage(event) {
      var rect = el.viewport.getBoundingClientRect();
      return {x: (event.clientX - rect.left - view.tx) / view.s,
              y: (event.clientY - rect.top - view.ty) / view.s};
    }

    // --- Drawing ------------------------------------------------------------------------------
    function place(node, x, y, w, hgt) {
      node.style.left = (view.tx + x * view.s) + "px";
      node.style.top = (view.ty + y * view.s) + "px";
      node.style.width = (w * view.s) + "px";
      node.style.height = (hgt * view.s) + "px";
    }
    function draw() {
      if (!el.img) { return; }
      el.img.style.left = view.tx + "px";
      el.img.style.top = view.ty + "px";
      el.img.style.width = (W * view.s) + "px";
      el.img.style.height = (H * view.s) + "px";
      el.zoom.textContent = t("zoom_level", {pct: Math.round(view.s * 100)});
      while (el.layer.children.length > boxes.length) { el.layer.removeChild(el.layer.lastChild); }
      boxes.forEach(function (b, i) {
        var node = el.layer.children[i];
        if (!node) {
          node = h("div", {class: "lw-box"}, [h("span", {class: "lw-box-tag"})]);
          if (!f.readOnly) {
            HANDLES.forEach(function (name) {
              node.appendChild(h("span", {class: "lw-handle lw-h-" + name, "data-handle": name}));
            });
          }
          el.layer.appendChild(node);
        }
        node.className = "lw-box " + colour(b[4]) + (i === selected ? " is-selected" : "") +
          (Math.min(b[2], b[3]) * view.s < 36 ? " is-small" : "");
        node.setAttribute("data-box", i);
        node.firstChild.textContent = (i + 1) + " " + b[4];
        place(node, b[0], b[1], b[2], b[3]);
      });
      if (gesture && gesture.kind === "draw" && gesture.rect) {
        var r = gesture.rect;
        el.draft.hidden = false;
        el.draft.className = "lw-box lw-draft " + colour(current);
        place(el.draft, r[0], r[1], r[2], r[3]);
      } else {
        el.draft.hidden = true;
      }
    }
    function drawList() {
      el.list.textContent = "";
      el.count.textContent = "(" + boxes.length + ")";
      if (!boxes.length) {
        el.list.appendChild(h("li", {class: "lw-empty muted", text: t("no_boxes")}));
      }
      boxes.forEach(function (b, i) {
        var d = describe(i);
        var pick = h("button", {type: "button", class: "lw-box-pick", "aria-pressed": i === selected ? "true" : "false",
                                "aria-label": t("box_item", d), title: t("box_item", d)},
                     [h("span", {class: "lw-tag " + colour(b[4]), text: String(i + 1)}),
                      h("span", {class: "lw-box-coords"}, [h("span", {text: t("box_pos", d)}),
                                                           h("span", {text: t("box_size", d)})])]);
        pick.addEventListener("click", function () { select(i, true); });
        var row = h("li", {class: "lw-box-row" + (i === selected ? " is-selected" : "")}, [pick]);
        if (!f.readOnly) {
          var chooser = h("select", {class: "lw-box-label", "aria-label": t("box_label_for", {i: i + 1})});
          labels.forEach(function (name) {
            chooser.appendChild(h("option", {value: name, text: name, selected: name === b[4]}));
          });
          chooser.addEventListener("change", function () { relabel(i, chooser.value); });
          row.appendChild(chooser);
          row.appendChild(h("button", {type: "button", class: "lw-remove", text: "×",
                                       title: t("delete_box", {i: i + 1}), "aria-label": t("delete_box", {i: i + 1}),
                                       onclick: function () { removeBox(i); }}));
        }
        el.list.appendChild(row);
      });
      if (el.none) {
        el.none.disabled = boxes.length > 0;
        el.none.classList.toggle("is-on", Array.isArray(f.value()) && !boxes.length);
      }
    }
    function drawLabels() {
      el.labelButtons.forEach(function (b) {
        var on = b.getAttribute("data-label") === current;
        b.setAttribute("aria-checked", on ? "true" : "false");
        b.classList.toggle("is-on", on);
      });
      drawSelected();
    }
    /** The selected box's description and the explicit "change its label" control. */
    function drawSelected() {
      if (!el.selectedInfo) { return; }
      var has = selected >= 0 && !!boxes[selected];
      el.selectedInfo.textContent = has ? t("selected_box_info", describe(selected)) : t("no_box_selected");
      if (el.relabel) {
        el.relabel.disabled = !has;
        el.relabel.value = has ? boxes[selected][4] : "";
      }
    }
    function refresh() { draw(); drawList(); drawLabels(); }

    // --- Changes ------------------------------------------------------------------------------
    function store(message) {
      f.set(f.record().id, boxes.map(function (b) { return b.slice(); }), message);
    }
    function select(i, announce) {
      selected = i >= 0 && i < boxes.length ? i : -1;
      refresh();
      if (announce && selected >= 0) { f.say(t("selected_box", describe(selected))); }
    }
    function relabel(i, name) {
      if (f.readOnly || !boxes[i]) { return; }
      if (boxes[i][4] === name) { refresh(); return; }
      boxes[i][4] = name;
      store(t("relabelled_box", {i: i + 1, label: name}));
      refresh();
    }
    function chooseLabel(name) {
      // The label of the next box only: a selected box keeps its label.
      current = name;
      drawLabels();
      f.say(t("current_label") + ": " + name);
    }
    function removeBox(i) {
      if (f.readOnly || !boxes[i]) { return; }
      boxes.splice(i, 1);
      selected = -1;
      store(t("deleted_box", {i: i + 1}));
      refresh();
      el.viewport.focus({preventScroll: true});
    }
    function addBox(x, y, w, hgt) {
      boxes.push([x, y, w, hgt, current]);
      selected = boxes.length - 1;
      store(t("drew_box", {i: boxes.length, label: current}));
      refresh();
    }
    function noObjects() {
      if (f.readOnly || boxes.length) { return; }
      store(t("confirm_no_boxes"));
      drawList();
    }
    function undoLast() {
      var before = f.undo();
      if (before === undefined) { return; }
      boxes = Array.isArray(before) ? before : [];
      selected = -1;
      refresh();
    }
    /** A box from two corners, rounded to whole pixels and clamped to the image. */
    function rectFrom(x1, y1, x2, y2) {
      var left = clamp(Math.round(Math.min(x1, x2)), 0, W);
      var top = clamp(Math.round(Math.min(y1, y2)), 0, H);
      var right = clamp(Math.round(Math.max(x1, x2)), 0, W);
      var bottom = clamp(Math.round(Math.max(y1, y2)), 0, H);
      return [left, top, right - left, bottom - top];
    }

    // --- Pointer gestures -----------------------------------------------------------------------
    function onPointerDown(event) {
      if (!W || event.button > 1) { return; }
      var p = toImage(event);
      var handle = event.target.closest("[data-handle]");
      var boxNode = event.target.closest("[data-box]");
      el.viewport.focus({preventScroll: true});
      if (event.button === 1 || spaceDown || f.readOnly) {
        gesture = {kind: "pan", x: event.clientX, y: event.clientY, tx: view.tx, ty: view.ty};
      } else if (boxNode) {
        var i = Number(boxNode.getAttribute("data-box"));
        select(i);
        gesture = {kind: handle ? "resize" : "move", handle: handle ? handle.getAttribute("data-handle") : "",
                   i: i, start: p, orig: boxes[i].slice(), changed: false};
      } else {
        gesture = {kind: "draw", start: {x: clamp(p.x, 0, W), y: clamp(p.y, 0, H)}, rect: null};
      }
      el.viewport.setPointerCapture(event.pointerId);
      el.viewport.classList.add("is-" + gesture.kind);
      event.preventDefault();
    }
    function onPointerMove(event) {
      if (!gesture) { return; }
      if (gesture.kind === "pan") {
        view.tx = gesture.tx + event.clientX - gesture.x;
        view.ty = gesture.ty + event.clientY - gesture.y;
        view.fit = false;
        keepInView();
        draw();
        return;
      }
      var p = toImage(event);
      if (gesture.kind === "draw") {
        gesture.rect = rectFrom(gesture.start.x, gesture.start.y, p.x, p.y);
        draw();
        return;
      }
      var o = gesture.orig;
      var dx = Math.round(p.x - gesture.start.x);
      var dy = Math.round(p.y - gesture.start.y);
      var b = boxes[gesture.i];
      if (gesture.kind === "move") {
        b[0] = clamp(o[0] + dx, 0, W - o[2]);
        b[1] = clamp(o[1] + dy, 0, H - o[3]);
      } else {
        var x1 = o[0];
        var y1 = o[1];
        var x2 = o[0] + o[2];
        var y2 = o[1] + o[3];
        var hd = gesture.handle;
        if (hd.indexOf("w") >= 0) { x1 = clamp(o[0] + dx, 0, x2 - MIN_SIZE); }
        if (hd.indexOf("e") >= 0) { x2 = clamp(x2 + dx, x1 + MIN_SIZE, W); }
        if (hd.indexOf("n") >= 0) { y1 = clamp(o[1] + dy, 0, y2 - MIN_SIZE); }
        if (hd.indexOf("s") >= 0) { y2 = clamp(y2 + dy, y1 + MIN_SIZE, H); }
        b[0] = x1;
        b[1] = y1;
        b[2] = x2 - x1;
        b[3] = y2 - y1;
      }
      gesture.changed = b.join() !== o.join();
      draw();
    }
    function onPointerUp(event) {
      if (!gesture) { return; }
      var g = gesture;
      gesture = null;
      el.viewport.classList.remove("is-draw", "is-move", "is-resize", "is-pan");
      if (el.viewport.hasPointerCapture(event.pointerId)) { el.viewport.releasePointerCapture(event.pointerId); }
      if (g.kind === "draw") {
        var r = g.rect;
        if (r && r[2] >= MIN_SIZE && r[3] >= MIN_SIZE) {
          f.warn("");
          addBox(r[0], r[1], r[2], r[3]);
        } else {
          if (r && (r[2] > 1 || r[3] > 1)) { f.warn(t("too_small", {min: MIN_SIZE})); }
          select(-1);
        }
      } else if ((g.kind === "move" || g.kind === "resize") && g.changed) {
        var d = describe(g.i);
        store(g.kind === "move" ? t("moved_box", d) : t("resized_box", d));
        refresh();
      } else {
        draw();
      }
    }
    function onWheel(event) {
      if (!W) { return; }
      event.preventDefault();
      var rect = el.viewport.getBoundingClientRect();
      var factor = Math.pow(1.0015, -event.deltaY);
      zoomAt(factor, event.clientX - rect.left, event.clientY - rect.top);
    }

    // --- Keyboard -------------------------------------------------------------------------------
    function nudge(dx, dy, grow) {
      var b = boxes[selected];
      if (grow) {
        b[2] = clamp(b[2] + dx, MIN_SIZE, W - b[0]);
        b[3] = clamp(b[3] + dy, MIN_SIZE, H - b[1]);
        store(t("resized_box", describe(selected)));
      } else {
        b[0] = clamp(b[0] + dx, 0, W - b[2]);
        b[1] = clamp(b[1] + dy, 0, H - b[3]);
        store(t("moved_box", describe(selected)));
      }
      refresh();
    }
    function keyBox() {
      // A new box in the middle of the visible part of the image, a quarter of its size.
      var vw = el.viewport.clientWidth;
      var vh = el.viewport.clientHeight;
      var x1 = clamp(-view.tx / view.s, 0, W);
      var y1 = clamp(-view.ty / view.s, 0, H);
      var x2 = clamp((vw - view.tx) / view.s, 0, W);
      var y2 = clamp((vh - view.ty) / view.s, 0, H);
      var w = Math.max(MIN_SIZE, Math.round((x2 - x1) / 4));
      var hgt = Math.max(MIN_SIZE, Math.round((y2 - y1) / 4));
      addBox(Math.round((x1 + x2 - w) / 2), Math.round((y1 + y2 - hgt) / 2), w, hgt);
    }
    function onKey(name, event) {
      if ((event.ctrlKey || event.metaKey) && name === "z") { if (!f.readOnly) { undoLast(); } return true; }
      var arrows = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
      if (arrows[name] && !event.altKey) {
        var step = event.shiftKey ? 10 : 1;
        var v = arrows[name];
        if (selected >= 0 && !f.readOnly) { nudge(v[0] * step, v[1] * step, event.ctrlKey || event.metaKey); }
        else if (!event.ctrlKey && !event.metaKey) { pan(-v[0] * 40 * step, -v[1] * 40 * step); }
        else { return false; }
        return true;
      }
      if (event.ctrlKey || event.metaKey) { return false; }
      if (name === "+" || name === "=") { zoomAt(1.25); return true; }
      if (name === "-" || name === "_") { zoomAt(0.8); return true; }
      if (name === "f") { fit(); return true; }
      if (name === "Escape") { select(-1); f.warn(""); return true; }
      if (name === "]" || name === "[") {
        var n = boxes.length;
        if (n && name === "]") { select(selected < 0 ? 0 : (selected + 1) % n, true); }
        if (n && name === "[") { select(selected < 0 ? n - 1 : (selected - 1 + n) % n, true); }
        return true;
      }
      if (f.readOnly) { return false; }
      var i = U.digitIndex(name);
      if (i >= 0 && i < labels.length && event.shiftKey) {
        if (selected >= 0) { relabel(selected, labels[i]); } else { f.warn(t("select_box_first")); }
        return true;
      }
      if (i >= 0 && i < labels.length) { chooseLabel(labels[i]); return true; }
      if ((name === "Delete" || name === "Backspace") && selected >= 0) { removeBox(selected); return true; }
      if (name === "b") { keyBox(); return true; }
      if (name === "x") { noObjects(); return true; }
      if (name === "u") { undoLast(); return true; }
      return false;
    }
    function onSpace(event) {
      if (event.key !== " " || U.isTextField(event.target)) { return; }
      spaceDown = event.type === "keydown";
      el.viewport.classList.toggle("is-pannable", spaceDown);
      if (spaceDown && (event.target === el.viewport)) { event.preventDefault(); }
    }

    function render(record, value, area, index) {
      boxes = Array.isArray(value) ? value.map(function (b) { return b.slice(); }) : [];
      selected = -1;
      gesture = null;
      W = Number(record.width) || 0;
      H = Number(record.height) || 0;
      el.labelButtons = labels.map(function (name, i) {
        var key = U.digitFor(i);
        var b = h("button", {type: "button", role: "radio", class: "lw-label " + colour(name),
                             "data-label": name, disabled: f.readOnly, title: key ? name + " (" + key + ")" : name},
                  [key ? h("kbd", {text: key}) : null, h("span", {text: name})]);
        b.addEventListener("click", function () { chooseLabel(name); });
        return b;
      });
      el.zoom = h("span", {class: "lw-zoom-level", "aria-live": "off"});
      var tools = h("div", {class: "lw-bbox-tools"}, [
        h("div", {class: "lw-label-group", role: "radiogroup", "aria-label": t("current_label")}, el.labelButtons),
        f.readOnly ? null : (el.none = h("button", {type: "button", class: "btn btn-small lw-none",
                                                     title: t("key_no_objects") + " (X)", onclick: noObjects},
                                          [h("kbd", {text: "X"}), " " + t("no_objects")])),
        h("div", {class: "lw-zoom", role: "group", "aria-label": t("key_zoom")}, [
          h("button", {type: "button", class: "btn btn-small", title: t("zoom_out") + " (−)", "aria-label": t("zoom_out"),
                       text: "−", onclick: function () { zoomAt(0.8); }}),
          el.zoom,
          h("button", {type: "button", class: "btn btn-small", title: t("zoom_in") + " (+)", "aria-label": t("zoom_in"),
                       text: "+", onclick: function () { zoomAt(1.25); }}),
          h("button", {type: "button", class: "btn btn-small", title: t("zoom_fit") + " (F)", text: t("zoom_fit"),
                       onclick: fit})])]);
      if (f.readOnly) { el.none = null; }
      var helpId = "lw-bbox-help-" + Math.random().toString(36).slice(2);
      el.img = h("img", {class: "lw-stage-img", src: record.image, alt: "", draggable: "false"});
      el.layer = h("div", {class: "lw-box-layer"});
      el.draft = h("div", {class: "lw-box lw-draft", hidden: true});
      el.viewport = h("div", {class: "lw-viewport", tabindex: "0", role: "application",
                              "aria-label": t("image_of", {n: index + 1}), "aria-describedby": helpId},
                      [el.img, el.layer, el.draft]);
      el.count = h("span", {class: "muted"});
      el.selectedInfo = h("p", {class: "lw-selected-info", "aria-live": "off"});
      el.relabel = null;
      var selectedPanel = [el.selectedInfo];
      if (!f.readOnly) {
        var relabelId = "lw-bbox-relabel-" + Math.random().toString(36).slice(2);
        el.relabel = h("select", {class: "lw-relabel", id: relabelId, disabled: true,
                                  title: t("change_label") + " (Shift+1–" + last + ")"},
                       [h("option", {value: "", text: "—", disabled: true})].concat(labels.map(function (name) {
                         return h("option", {value: name, text: name});
                       })));
        el.relabel.addEventListener("change", function () {
          if (selected >= 0 && el.relabel.value) { relabel(selected, el.relabel.value); }
        });
        selectedPanel.push(h("label", {class: "lw-relabel-label", for: relabelId}, [
          h("span", {text: t("change_label")}), h("kbd", {text: "Shift+1–" + last})]));
        selectedPanel.push(el.relabel);
      }
      el.list = h("ol", {class: "lw-box-list", "aria-label": t("boxes")});
      area.appendChild(h("div", {class: "lw-bbox"}, [
        tools,
        h("div", {class: "lw-bbox-work"}, [
          el.viewport,
          h("aside", {class: "lw-box-panel", "aria-label": t("boxes")}, [
            h("div", {class: "lw-selected"}, selectedPanel),
            h("h4", {class: "lw-subtitle"}, [t("boxes") + " ", el.count]), el.list])]),
        h("p", {class: "lw-help muted", id: helpId, text: f.readOnly ? "" : t("bbox_help")})]));
      el.viewport.addEventListener("pointerdown", onPointerDown);
      el.viewport.addEventListener("pointermove", onPointerMove);
      el.viewport.addEventListener("pointerup", onPointerUp);
      el.viewport.addEventListener("pointercancel", onPointerUp);
      el.viewport.addEventListener("wheel", onWheel, {passive: false});
      el.viewport.addEventListener("contextmenu", function (event) { event.preventDefault(); });
      var ready = function () {
        if (!W || !H) { W = el.img.naturalWidth; H = el.img.naturalHeight; }
        fit();
      };
      el.img.addEventListener("load", ready);
      if (W && H) { window.requestAnimationFrame(fit); }
      if (resizeObserver) { resizeObserver.disconnect(); }
      if (window.ResizeObserver) {
        resizeObserver = new window.ResizeObserver(function () { if (view.fit) { fit(); } else { draw(); } });
        resizeObserver.observe(el.viewport);
      }
      drawList();
      drawLabels();
    }

    var last = U.digitFor(Math.min(labels.length, 10) - 1) || "1";
    f = U.frame(root, opts, {
      type: "bbox",
      isDone: function (value) { return Array.isArray(value); },
      render: render,
      undo: true,
      keys: [[["B"], t("key_draw")], [["1–" + last], t("key_label_box")],
             [["Shift", "1–" + last], t("key_relabel_box")], [["[", "]"], t("key_select_box")],
             [["←↑↓→"], t("key_move_box")], [["Ctrl", "←↑↓→"], t("key_resize_box")],
             [["Delete"], t("key_delete_box")], [["+", "−", "F"], t("key_zoom")], [["Space"], t("key_pan")],
             [["Esc"], t("key_deselect")], [["X"], t("key_no_objects")], [["U"], t("key_undo")]],
      onKey: onKey,
      cleanup: function () { if (resizeObserver) { resizeObserver.disconnect(); } }
    });
    f.listen(document, "keydown", onSpace);
    f.listen(document, "keyup", onSpace);
    // A Space released in another window never reaches this page's keyup.
    f.listen(window, "blur", function () {
      spaceDown = false;
      if (el.viewport) { el.viewport.classList.remove("is-pannable"); }
    });
    f.start();
    return {destroy: f.destroy, keyDown: f.keyDown};
  });
})(window.CertifyWidgets, window, document);
