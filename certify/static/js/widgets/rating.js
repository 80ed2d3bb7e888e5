/* Rating: one value of the task's scale per record (config.scale: {min, max, labels}). */
(function (CW) {
  "use strict";
  var U = CW.util;

  CW.register("rating", function mount(root, opts) {
    var scale = ((opts.task && opts.task.config) || {}).scale || {};
    var min = Number(scale.min === undefined ? 1 : scale.min);
    var max = Number(scale.max === undefined ? 5 : scale.max);
    var names = scale.labels || {};
    // A scale inside 0…9 is chosen by its own digits (3 means 3); a wider one by position.
    var byValue = min >= 0 && max <= 9;
    var choices = [];
    for (var v = min; v <= max; v++) {
      var name = names[v] !== undefined ? names[v] : names[String(v)];
      // With value keys the key cap already shows the number.
      var text = byValue ? (name || String(v)) : (name ? v + " · " + name : String(v));
      choices.push({value: v, label: text, name: name || "",
                    key: byValue ? String(v) : U.digitFor(v - min)});
    }
    return U.singleChoice(root, opts, {
      type: "rating",
      groupLabel: "rating",
      choices: choices,
      view: function (record, f) { return U.recordView(record, f); },
      announce: function (record, choice, n) {
        return U.t(opts.strings)("rated", {n: n, value: choice.value, label: choice.name});
      }
    });
  });
})(window.CertifyWidgets);
