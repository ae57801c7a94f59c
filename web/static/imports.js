// The import preview, tidier with JavaScript: each unit name shows only the fields its chosen
// action needs (an existing unit, a new unit, a new group). Without JavaScript every field shows
// and the server ignores those the action does not use.
(() => {
  "use strict";
  const form = document.querySelector("form.import-preview");
  if (!form) {
    return;
  }
  form.classList.add("js");
  const show = (row) => {
    const select = row.querySelector("select[data-action]");
    if (!select) {
      return;
    }
    for (const block of row.querySelectorAll(".when")) {
      block.classList.toggle("shown", block.classList.contains(`when-${select.value}`));
    }
  };
  for (const row of form.querySelectorAll("tr.name-row")) {
    show(row);
    row.querySelector("select[data-action]")?.addEventListener("change", () => show(row));
  }
  // A skipped row is greyed at once.
  for (const box of form.querySelectorAll(".import-row .skip input")) {
    box.addEventListener("change", () => box.closest(".import-row").classList.toggle("skipped", box.checked));
  }
})();
