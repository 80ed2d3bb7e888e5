// Test harness: mount the case's widget and record what it reports through onChange.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("harness-case").textContent);
  var root = document.getElementById("widget");
  var harness = {changes: [], values: JSON.parse(JSON.stringify(data.values || {}))};
  window.harness = harness;
  data.onChange = function (recordId, value) {
    harness.changes.push([recordId, value]);
    if (value === null) { delete harness.values[recordId]; } else { harness.values[recordId] = value; }
  };
  harness.handle = window.CertifyWidgets.mount(root, data);
  document.documentElement.setAttribute("data-harness-ready", "true");
})();
