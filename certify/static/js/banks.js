// The import form's button says what it will do: check only (dry run) or import.
(function () {
  "use strict";
  var box = document.getElementById("dry_run");
  var button = document.querySelector("[data-dry-label]");
  if (!box || !button) { return; }
  box.addEventListener("change", function () {
    button.textContent = box.checked ? button.getAttribute("data-dry-label")
                                     : button.getAttribute("data-real-label");
  });
})();

// Examiners' preview of an item: mount the task type's labeling widget when one is installed
// (contracts §4). Without a widget the records stay as the read-only list the page already shows.
(function () {
  "use strict";
  var preview = document.querySelector(".candidate-preview");
  if (!preview) { return; }
  var root = preview.querySelector(".task-widget");
  var dataNode = document.getElementById("task-data");
  var widgets = window.CertifyWidgets;
  if (!root || !dataNode || !widgets || typeof widgets.mount !== "function") { return; }
  var data;
  try { data = JSON.parse(dataNode.textContent); } catch (e) { return; }
  var fallback = root.querySelector(".task-records");
  // The widgets' texts in the page's language (templates/tasks/_widget_strings.html).
  var strings = {};
  var stringsNode = document.getElementById("widget-strings");
  if (stringsNode) { try { strings = JSON.parse(stringsNode.textContent); } catch (e) { strings = {}; } }
  var opts = {
    task: data.task, records: data.records, values: data.values || {}, readOnly: false,
    onChange: function () { /* the preview saves nothing */ }, strings: strings
  };
  try {
    var handle = widgets.mount(root, opts);
    if (handle && fallback && fallback.parentNode === root) { fallback.hidden = true; }
  } catch (e) {
    if (window.console) { window.console.warn("preview widget failed", e); }
  }
})();
