// Small enhancements for the period pages; every page works without them.
(function () {
  "use strict";

  // Filters: a changed select applies at once (the "Lọc" button stays for keyboards and no-JS).
  document.querySelectorAll("form.filters select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) {
        select.form.submit();
      }
    });
  });

  // "Nhắc ngay": one click sends one reminder; the button waits for the page to come back.
  document.querySelectorAll("form.remind-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button");
      if (button) {
        window.setTimeout(function () { button.disabled = true; }, 0);
      }
    });
  });
})();
