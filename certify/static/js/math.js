/* Typeset TeX in bank texts (<span class="math-tex">\(…\)</span>, made by certify/banks/markup.py)
 * with the vendored KaTeX, loaded only when a page has some. Without script, or if KaTeX cannot read
 * the TeX, the TeX stays on the page as it was written. No inline script or style (CSP). */
(function () {
  "use strict";
  var DELIMITERS = [["$$", "$$"], ["\\(", "\\)"], ["\\[", "\\]"]];
  var HERE = document.currentScript;

  function strip(tex) {
    for (var i = 0; i < DELIMITERS.length; i++) {
      var open = DELIMITERS[i][0], close = DELIMITERS[i][1];
      if (tex.slice(0, open.length) === open && tex.slice(-close.length) === close) {
        return tex.slice(open.length, tex.length - close.length);
      }
    }
    return tex;
  }

  function typeset(root) {
    var nodes = (root || document).querySelectorAll(".math-tex:not([data-typeset])");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      node.setAttribute("data-typeset", "1");
      try {
        window.katex.render(strip(node.textContent), node, {
          displayMode: node.classList.contains("math-display"), throwOnError: false,
          trust: false, maxExpand: 1000, maxSize: 20
        });
      } catch (e) { /* keep the TeX as it was written */ }
    }
  }

  function load() {
    if (!document.querySelector(".math-tex")) { return; }
    var here = HERE || document.querySelector("script[src*='js/math.js']");
    var base = here.src.replace(/js\/math\.js.*$/, "vendor/katex/");
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = base + "katex.min.css";
    document.head.appendChild(css);
    var js = document.createElement("script");
    js.src = base + "katex.min.js";
    js.onload = function () { typeset(document); };
    document.head.appendChild(js);
  }

  window.CertifyMath = {typeset: function (root) { if (window.katex) { typeset(root); } }};
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", load);
  } else {
    load();
  }
})();
