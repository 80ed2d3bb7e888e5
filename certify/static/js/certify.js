// certify's small page helpers. No inline scripts anywhere (the CSP forbids them).
(function () {
  "use strict";
  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  // Header menus (<details>) close when the user clicks elsewhere or presses Escape.
  function closeMenus(except) {
    document.querySelectorAll(".nav-group details[open]").forEach(function (menu) {
      if (menu !== except) { menu.removeAttribute("open"); }
    });
  }
  document.addEventListener("click", function (event) {
    closeMenus(event.target.closest(".nav-group details"));
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { closeMenus(null); }
  });
  // The login page: whoever logs in next on this computer finds nothing of an earlier person's
  // exam (the offline pages of exam/offline-sw.js; issue 12 §6).
  if (window.location.pathname === "/login") {
    if (navigator.serviceWorker) {
      navigator.serviceWorker.getRegistrations().then(function (registrations) {
        registrations.forEach(function (r) { if (r.scope.indexOf("/attempts/") >= 0) { r.unregister(); } });
      }).catch(function () { return null; });
    }
    if (window.caches) {
      window.caches.keys().then(function (names) {
        names.forEach(function (name) {
          if (name.indexOf("certify-attempt:") === 0) { window.caches.delete(name); }
        });
      }).catch(function () { return null; });
    }
  }
})();
