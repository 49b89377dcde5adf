/* Live preview of an article's body on the admin change form.
   The server renders it with the same sanitiser the site uses, so what staff see is what
   readers get. Without JavaScript the form works as before; the preview simply is not shown. */
(function () {
  "use strict";

  function init() {
    var body = document.getElementById("id_body");
    var form = body && body.form;
    var token = form && form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!token) { return; }
    var url = previewUrl();
    var panel = document.createElement("section");
    panel.className = "article-preview";
    panel.setAttribute("aria-labelledby", "article-preview-heading");
    panel.innerHTML = '<h2 id="article-preview-heading">Preview</h2>' +
      '<p class="article-preview__grade" aria-live="polite"></p>' +
      '<div class="article-preview__body"></div>';
    (body.closest(".form-row") || body.parentNode).after(panel);
    var timer = null;

    function refresh() {
      var data = new FormData();
      data.append("body", body.value);
      fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token.value }
      }).then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      }).then(function (result) {
        panel.querySelector(".article-preview__body").innerHTML = result.html;
        var grade = panel.querySelector(".article-preview__grade");
        var high = result.grade > 8;
        grade.textContent = "Reading grade: " + result.grade.toFixed(1) + (high ?
          " (above the target of 8: try shorter sentences and everyday words)" :
          " (on target: 8 or lower)");
        grade.className = "article-preview__grade reading-grade reading-grade--" +
          (high ? "high" : "ok");
      }).catch(function () {
        panel.querySelector(".article-preview__grade").textContent =
          "The preview is not available right now. Saving still works.";
      });
    }

    body.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 600);
    });
    refresh();
  }

  function previewUrl() {
    /* .../pages/article/<id>/change/ or .../pages/article/add/ -> .../pages/article/preview/ */
    var path = window.location.pathname;
    var index = path.indexOf("/pages/article/");
    return path.slice(0, index) + "/pages/article/preview/";
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
