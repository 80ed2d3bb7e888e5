/* certify labeling widgets: the registry and the parts every widget shares.
 *
 * Contract (docs/contracts.md §4):
 *   CertifyWidgets.register("ner", function mount(root, opts) { …; return {destroy: function () {}}; });
 *   CertifyWidgets.mount(root, opts)   // picks the widget named by root.dataset.taskType
 *   opts = {task: {task_type, config, title}, records: [...], values: {recordId: value},
 *           readOnly: false, onChange: function (recordId, value) {}, strings: {...}}
 *
 * Widgets never save: on every change they call opts.onChange(recordId, value) with the full new
 * value of that record (shapes in docs/formats.md §3).
 *
 * This file is an ES module (<script type="module">, CSP-clean under script-src 'self'); the
 * widget files are classic scripts loaded with defer after it (module and deferred scripts run in
 * document order), registering through window.CertifyWidgets. The parts: strings.js (texts and
 * the translator), dom.js (element and keyboard helpers), frame.js (the record frame), this file
 * (the registry). Vanilla ES2019, no build step, no inline styles or scripts: classes from
 * css/labeling.css, element.style only for geometry computed at run time.
 *
 * Optional opts beyond the contract: `autofocus` (focus the widget after mounting) and `record`
 * (the id of the record to open first). Keys typed while nothing is focused go to the widget when
 * exactly one is mounted on the page, so shortcuts work without clicking into it first.
 *
 * Strings: every UI text has an English default in strings.js; a page passes translated texts in
 * opts.strings under the same keys ("{name}" placeholders are filled in by the widget).
 */

import {
  clone,
  codePointToUtf16,
  codePoints,
  digitFor,
  digitIndex,
  h,
  isTextField,
  keyName,
  utf16ToCodePoint
} from "./dom.js";
import {frame, recordView, singleChoice} from "./frame.js";
import {DEFAULT_STRINGS, makeT} from "./strings.js";

const widgets = {};
let mounted = [];

/** Register a widget for a task type. */
export function register(name, mountFn) {
  if (typeof mountFn !== "function") { throw new TypeError("widget " + name + " needs a mount function"); }
  widgets[name] = mountFn;
}

/** Mount the widget named by root.dataset.taskType (or opts.task.task_type) on root. */
export function mount(root, opts) {
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
