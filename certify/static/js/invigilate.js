/* The invigilator's live list: reload the table's rows every few seconds, count down between.
 * An ES module (<script type="module">); the countdown has the one format of countdown.js. */
import {formatClock} from "./countdown.js";
import {siteTime} from "./sitetime.js";

(function () {
  var table = document.getElementById("invigilate-table");
  if (!table) { return; }
  var body = table.tBodies[0];
  var url = table.getAttribute("data-refresh-url");
  var every = Number(table.getAttribute("data-refresh-seconds") || 15) * 1000;
  var stamp = document.getElementById("invigilate-updated");
  var served = null;  // the server's clock (its Date header), shown in the site's zone

  function refresh() {
    if (document.hidden) { return; }
    window.fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "text/html"}})
      .then(function (response) {
        if (!response.ok || response.redirected) { throw new Error("status " + response.status); }
        served = response.headers.get("Date");
        return response.text();
      })
      .then(function (html) {
        // Rows are rendered (and escaped) by the server's own template.
        body.innerHTML = html;
        if (stamp) {
          stamp.textContent = stamp.getAttribute("data-template")
            .replace("{time}", siteTime(served ? new Date(served) : new Date(), true));
        }
      })
      .catch(function () { /* keep the last list; try again next time */ });
  }

  window.setInterval(function () {
    body.querySelectorAll(".countdown[data-remaining]").forEach(function (el) {
      var left = Number(el.getAttribute("data-remaining")) - 1;
      el.setAttribute("data-remaining", String(Math.max(0, left)));
      el.textContent = formatClock(left);
    });
  }, 1000);
  window.setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
})();
