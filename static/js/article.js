/* Article pages: when a reader follows a link to a heading on the page (the table of contents),
   move keyboard and screen-reader focus to that heading too, not only the scroll position.
   Without JavaScript the links still scroll to the heading. */
(function () {
  "use strict";

  function focusTarget() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (!target || !target.closest(".article__body")) { return; }
    if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
    target.focus();
  }

  window.addEventListener("hashchange", focusTarget);
})();
