// The task page without waiting for the server: refuse a file over the limit before it is sent.
// Everything here is a convenience; the server checks the same and the page works without it.
(function () {
  "use strict";

  function checkSize(form, event) {
    var input = form.querySelector('input[type="file"][data-limit]');
    if (!input || !input.files || !input.files.length) {
      return;
    }
    var limit = parseInt(input.getAttribute("data-limit"), 10);
    var file = input.files[0];
    var note = form.querySelector(".error.client");
    if (file.size > limit) {
      event.preventDefault();
      if (!note) {
        note = document.createElement("p");
        note.className = "error client";
        note.setAttribute("role", "alert");
        input.closest("label").insertAdjacentElement("afterend", note);
      }
      note.textContent = input.getAttribute("data-too-big") || "";
      input.setAttribute("aria-invalid", "true");
    } else if (note) {
      note.remove();
      input.removeAttribute("aria-invalid");
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.upload").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        checkSize(form, event);
      });
    });
  });
})();
