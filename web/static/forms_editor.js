// The form editor's live preview: a moment after typing stops, the YAML is posted to the preview
// address and the answer (the form as a task shows it, or the errors) replaces the panel.
// Everything here is a convenience: without it, "Xem trước" posts the page and it comes back
// with the same preview.
(function () {
  "use strict";

  var DELAY_MS = 400;

  function start(form) {
    var source = form.querySelector("textarea[name='source']");
    var token = form.querySelector("input[name='csrf_token']");
    var panel = document.getElementById("form-preview");
    var status = document.getElementById("preview-status");
    var url = form.getAttribute("data-preview-url");
    if (!source || !token || !panel || !url || !window.fetch) {
      return;
    }
    var timer = null;
    var sent = 0;
    var shown = 0;

    function say(name) {
      if (status && status.getAttribute("data-" + name)) {
        status.textContent = status.getAttribute("data-" + name);
      }
    }

    function refresh() {
      var body = new FormData();
      body.append("csrf_token", token.value);
      body.append("source", source.value);
      var mine = ++sent;
      panel.setAttribute("aria-busy", "true");
      say("updating");
      fetch(url, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Requested-With": "fetch", "X-CSRFToken": token.value }
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          if (mine < shown) {
            return; // an older answer arriving after a newer one
          }
          shown = mine;
          panel.innerHTML = html;
          var invalid = panel.querySelector("[data-state='invalid']") !== null;
          if (invalid) {
            source.setAttribute("aria-invalid", "true");
          } else {
            source.removeAttribute("aria-invalid");
          }
          say("updated");
        })
        .catch(function () {
          say("failed");
        })
        .then(function () {
          if (mine === sent) {
            panel.removeAttribute("aria-busy");
          }
        });
    }

    source.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.form-editor[data-preview-url]").forEach(start);
  });
})();
