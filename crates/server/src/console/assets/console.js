// wangan console: progressive enhancement only; every page works without this file.
// Loaded from /console/assets/ (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  // forms that change something important ask first (data-confirm holds the question)
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f && f.getAttribute && f.hasAttribute("data-confirm")) {
      if (!window.confirm(f.getAttribute("data-confirm"))) {
        e.preventDefault();
      }
    }
  });
  // a one-time secret: select it on focus so it is easy to copy
  document.querySelectorAll(".secret").forEach(function (el) {
    el.setAttribute("tabindex", "0");
    el.addEventListener("focus", function () {
      var r = document.createRange();
      r.selectNodeContents(el);
      var s = window.getSelection();
      s.removeAllRanges();
      s.addRange(r);
    });
  });
})();
