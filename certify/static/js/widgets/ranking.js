/* Ranking: put a record's candidates in order, best first (value: ["c2", "c1", "c3"]).
 *
 * Drag a card (by its handle or anywhere but its buttons), or focus a card and use the keys:
 * ↑/↓ move the focus, Shift+↑/↓ move the card, a number key puts it at that rank. Every reorder
 * reports the full order. A record is done once it has an order; "Confirm this order" (C) stores
 * the order as shown, for a candidate who agrees with it as it stands. */
(function (CW, window, document) {
  "use strict";
  var U = CW.util;
  var h = U.h;

  CW.register("ranking", function mount(root, opts) {
    var t = U.t(opts.strings);
    var f;
    var order = [];
    var byId = {};
    var listEl = null;
    var stateEl = null;
    var drag = null;

    function candidateText(id) { return byId[id] ? String(byId[id].text) : String(id); }
    function store(message, focusId) {
      f.set(f.record().id, order.slice(), message);
      drawList(focusId);
    }
    function move(id, to, announce) {
      var from = order.indexOf(id);
      to = Math.max(0, Math.min(order.length - 1, to));
      if (from < 0) { return; }
      if (from !== to) {
        order.splice(from, 1);
        order.splice(to, 0, id);
      }
      if (from !== to || announce) {
        store(t("moved_to", {text: candidateText(id), n: to + 1, total: order.length}), id);
      }
    }
    function confirmOrder() {
      if (f.readOnly) { return; }
      store(t("order_confirmed", {n: f.index() + 1}));
    }
    function drawList(focusId) {
      listEl.textContent = "";
      order.forEach(function (id, i) {
        var up = h("button", {type: "button", class: "lw-move", title: t("move_up") + " (Shift+↑)",
                              "aria-label": t("move_up") + ": " + candidateText(id), text: "↑",
                              disabled: f.readOnly || i === 0});
        var down = h("button", {type: "button", class: "lw-move", title: t("move_down") + " (Shift+↓)",
                                "aria-label": t("move_down") + ": " + candidateText(id), text: "↓",
                                disabled: f.readOnly || i === order.length - 1});
        up.addEventListener("click", function () { move(id, i - 1); });
        down.addEventListener("click", function () { move(id, i + 1); });
        var card = h("li", {class: "lw-rank-card", tabindex: i === 0 ? "0" : "-1", "data-id": id,
                            "aria-label": t("rank_n", {n: i + 1}) + ": " + candidateText(id)}, [
          h("span", {class: "lw-drag", "aria-hidden": "true", title: t("drag_handle"), text: "⠿"}),
          h("span", {class: "lw-rank", text: String(i + 1)}),
          h("span", {class: "lw-rank-text", text: candidateText(id)}),
          f.readOnly ? null : h("span", {class: "lw-rank-moves"}, [up, down])]);
        listEl.appendChild(card);
      });
      var done = Array.isArray(f.value());
      stateEl.textContent = t(done ? "ranked" : "not_ranked");
      stateEl.className = "badge " + (done ? "badge-ok" : "badge-quiet");
      if (focusId !== undefined) {
        var target = listEl.querySelector('[data-id="' + CSS.escape(String(focusId)) + '"]');
        if (target) { roving(target); target.focus({preventScroll: false}); }
      }
    }
    function roving(card) {
      Array.prototype.forEach.call(listEl.children, function (c) { c.tabIndex = c === card ? 0 : -1; });
    }

    // Pointer drag: the card follows the pointer by swapping places with its neighbours.
    function onPointerDown(event) {
      var card = event.target.closest(".lw-rank-card");
      if (!card || f.readOnly || event.button !== 0 || event.target.closest("button")) { return; }
      drag = {id: card.getAttribute("data-id"), card: card, y: event.clientY, moved: false,
              from: order.indexOf(card.getAttribute("data-id"))};
      listEl.setPointerCapture(event.pointerId);
      event.preventDefault();
      card.focus({preventScroll: true});
      roving(card);
    }
    function onPointerMove(event) {
      if (!drag) { return; }
      if (!drag.moved && Math.abs(event.clientY - drag.y) < 4) { return; }
      drag.moved = true;
      drag.card.classList.add("is-dragging");
      listEl.classList.add("is-sorting");
      var others = Array.prototype.filter.call(listEl.children, function (c) { return c !== drag.card; });
      var index = 0;
      others.forEach(function (c) {
        var r = c.getBoundingClientRect();
        if (event.clientY > r.top + r.height / 2) { index++; }
      });
      var before = others[index] || null;
      if (drag.card.nextSibling !== before || (before === null && listEl.lastChild !== drag.card)) {
        listEl.insertBefore(drag.card, before);
      }
    }
    function onPointerUp(event) {
      if (!drag) { return; }
      var d = drag;
      drag = null;
      if (listEl.hasPointerCapture(event.pointerId)) { listEl.releasePointerCapture(event.pointerId); }
      listEl.classList.remove("is-sorting");
      d.card.classList.remove("is-dragging");
      if (!d.moved) { return; }
      var to = Array.prototype.indexOf.call(listEl.children, d.card);
      move(d.id, to, true);
    }

    function render(record, value, area) {
      byId = {};
      (record.candidates || []).forEach(function (c) { byId[c.id] = c; });
      var shown = (record.candidates || []).map(function (c) { return c.id; });
      // A saved order wins; candidates it lacks (none, normally) go last in the record's order.
      order = Array.isArray(value) ? value.filter(function (id) { return byId[id]; }) : [];
      shown.forEach(function (id) { if (order.indexOf(id) < 0) { order.push(id); } });
      var view = U.recordView({prompt: record.prompt, text: record.text, image: record.image}, f);
      listEl = h("ol", {class: "lw-rank-list", "aria-label": t("ranking_help")});
      listEl.addEventListener("pointerdown", onPointerDown);
      listEl.addEventListener("pointermove", onPointerMove);
      listEl.addEventListener("pointerup", onPointerUp);
      listEl.addEventListener("pointercancel", onPointerUp);
      listEl.addEventListener("focusin", function (event) {
        var card = event.target.closest(".lw-rank-card");
        if (card) { roving(card); }
      });
      stateEl = h("span", {class: "badge"});
      area.appendChild(h("div", {class: "lw-ranking"}, [
        view,
        h("div", {class: "lw-rank-head"}, [
          h("p", {class: "lw-help muted", text: t("ranking_help")}), stateEl,
          f.readOnly ? null : h("button", {type: "button", class: "btn btn-small lw-confirm",
                                           title: t("key_confirm_order") + " (C)", onclick: confirmOrder},
                                [h("kbd", {text: "C"}), " " + t("confirm_order")])]),
        listEl]));
      drawList();
    }

    var last = U.digitFor(8);
    f = U.frame(root, opts, {
      type: "ranking",
      isDone: function (value) { return Array.isArray(value) && value.length > 0; },
      render: render,
      keys: [[["↑", "↓"], t("key_focus_candidate")], [["Shift", "↑ ↓"], t("key_move_candidate")],
             [["1–" + last], t("key_rank")], [["C"], t("key_confirm_order")]],
      onKey: function (name, event) {
        var card = event.target && event.target.closest ? event.target.closest(".lw-rank-card") : null;
        if (event.ctrlKey || event.metaKey) { return false; }
        if (card && (name === "ArrowUp" || name === "ArrowDown")) {
          var id = card.getAttribute("data-id");
          var i = order.indexOf(id);
          var step = name === "ArrowUp" ? -1 : 1;
          if (event.shiftKey || event.altKey) {
            if (!f.readOnly) { move(id, i + step); }
          } else {
            var next = listEl.children[i + step];
            if (next) { roving(next); next.focus(); }
          }
          return true;
        }
        if (f.readOnly) { return false; }
        var rank = U.digitIndex(name);
        if (card && rank >= 0 && rank < order.length) { move(card.getAttribute("data-id"), rank, true); return true; }
        if (name === "c") { confirmOrder(); return true; }
        return false;
      }
    });
    f.start();
    return {destroy: f.destroy, keyDown: f.keyDown};
  });
})(window.CertifyWidgets, window, document);
