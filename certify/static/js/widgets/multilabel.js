/* Multi-label: any number of labels per record, by checkbox or number key (value: ["l1", "l2"]).
 * A record is done once it has a value, which may be empty: "None apply" (X) confirms that no
 * label fits, so an unvisited record and a record with no labels are told apart. */
(function (CW) {
  "use strict";
  var U = CW.util;
  var h = U.h;

  CW.register("multilabel", function mount(root, opts) {
    var labels = ((opts.task && opts.task.config) || {}).labels || [];
    var t = U.t(opts.strings);
    var boxes = [];
    var f;

    function chosen() {
      return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    }
    function sync(value) {
      var on = value || [];
      boxes.forEach(function (b) {
        b.checked = on.indexOf(b.value) >= 0;
        b.closest(".lw-check").classList.toggle("is-on", b.checked);
      });
    }
    function store(message) {
      var record = f.record();
      var value = chosen();
      f.set(record.id, value, message);
      sync(value);
    }
    function toggle(i) {
      var box = boxes[i];
      if (!box || f.readOnly) { return; }
      box.checked = !box.checked;
      store(t(box.checked ? "toggled_on" : "toggled_off", {label: box.value}));
    }
    function noneApply() {
      if (f.readOnly) { return; }
      boxes.forEach(function (b) { b.checked = false; });
      store(t("none_chosen", {n: f.index() + 1}));
    }

    function render(record, value, area) {
      var layout = h("div", {class: "lw-choice-layout" + (record.image ? " lw-has-image" : "")});
      layout.appendChild(U.recordView(record, f));
      var group = h("fieldset", {class: "lw-choices lw-checks"}, [
        h("legend", {class: "sr-only", text: t("labels")})]);
      boxes = labels.map(function (label, i) {
        var key = U.digitFor(i);
        var box = h("input", {type: "checkbox", class: "lw-check-input", value: label,
                              disabled: f.readOnly});
        box.addEventListener("change", function () {
          store(t(box.checked ? "toggled_on" : "toggled_off", {label: label}));
        });
        group.appendChild(h("label", {class: "lw-choice lw-check"}, [
          box, key ? h("kbd", {class: "lw-choice-key", text: key}) : null,
          h("span", {class: "lw-choice-text", text: String(label)})]));
        return box;
      });
      if (!f.readOnly) {
        group.appendChild(h("button", {type: "button", class: "btn btn-small lw-none",
                                       title: t("key_none") + " (X)", onclick: noneApply},
                            [h("kbd", {text: "X"}), " " + t("none_apply")]));
      }
      layout.appendChild(group);
      area.appendChild(layout);
      sync(value);
    }

    var last = U.digitFor(Math.min(labels.length, 10) - 1);
    f = U.frame(root, opts, {
      type: "multilabel",
      isDone: function (value) { return Array.isArray(value); },
      render: render,
      keys: [[[labels.length > 1 ? "1–" + last : "1"], t("key_toggle")], [["X"], t("key_none")]],
      onKey: function (name) {
        if (f.readOnly) { return false; }
        var i = U.digitIndex(name);
        if (i >= 0 && i < boxes.length) { toggle(i); return true; }
        if (name === "x") { noneApply(); return true; }
        return false;
      }
    });
    f.start();
    return {destroy: f.destroy, keyDown: f.keyDown};
  });
})(window.CertifyWidgets);
