/* Classification: one label per record, by button or number key (docs/formats.md §3: "label"). */
(function (CW) {
  "use strict";
  var U = CW.util;

  CW.register("classification", function mount(root, opts) {
    var labels = ((opts.task && opts.task.config) || {}).labels || [];
    return U.singleChoice(root, opts, {
      type: "classification",
      choices: labels.map(function (label, i) {
        return {value: label, label: String(label), key: U.digitFor(i)};
      }),
      view: function (record, f) { return U.recordView(record, f); },
      announce: function (record, choice, n) {
        return U.t(opts.strings)("chose", {n: n, label: choice.label});
      }
    });
  });
})(window.CertifyWidgets);
