// The draft editor, a little quicker with JavaScript: moving a task row within its section and
// adding a unit box happen in the page, without a round trip. Without JavaScript the same buttons
// post the form and the server redraws it; a row at the edge of its section always goes to the
// server, which moves it into the neighbouring section.
(() => {
  "use strict";
  const form = document.querySelector("form.plan-editor");
  if (!form) {
    return;
  }

  const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const RENAMED = ["name", "id", "for", "aria-describedby", "data-prefix"];

  // Give every field under `root` the new position: "sections.0.tasks.2" -> "sections.0.tasks.1".
  const rename = (root, oldPrefix, newPrefix) => {
    if (oldPrefix === newPrefix) {
      return;
    }
    const pattern = new RegExp("(^|[-:\\s])" + escape(oldPrefix) + "(?=$|[.\\s])", "g");
    for (const element of [root, ...root.querySelectorAll("*")]) {
      const names = element.tagName === "BUTTON" ? [...RENAMED, "value"] : RENAMED;
      for (const attribute of names) {
        const value = element.getAttribute(attribute);
        if (value !== null && value.includes(oldPrefix)) {
          element.setAttribute(attribute, value.replace(pattern, "$1" + newPrefix));
        }
      }
    }
  };

  const renumber = (section) => {
    const base = section.getAttribute("data-prefix");
    section.querySelectorAll(":scope > .task-rows > .task-row").forEach((row, index) => {
      rename(row, row.getAttribute("data-prefix"), `${base}.tasks.${index}`);
      const number = row.querySelector(".stt");
      if (number) {
        number.textContent = String(index + 1);
      }
      // "Nhiệm vụ 2", "Chuyển nhiệm vụ 2 lên": the row's own labels carry its number.
      for (const labelled of [row, ...row.querySelectorAll(".row-actions button[aria-label]")]) {
        const label = labelled.getAttribute("aria-label");
        if (label) {
          labelled.setAttribute("aria-label", label.replace(/\d+/, String(index + 1)));
        }
      }
    });
  };

  const move = (button, event) => {
    const row = button.closest(".task-row");
    const up = button.getAttribute("data-move") === "up";
    const neighbour = up ? row.previousElementSibling : row.nextElementSibling;
    if (!neighbour || !neighbour.classList.contains("task-row")) {
      return; // across sections: let the server do it
    }
    event.preventDefault();
    row.parentNode.insertBefore(up ? row : neighbour, up ? neighbour : row);
    renumber(row.closest(".plan-section"));
    button.focus();
  };

  const addSlot = (button, event) => {
    const slots = button.closest(".cell").querySelectorAll(".slot");
    const last = slots[slots.length - 1];
    const match = /^(.*\.)(\d+)$/.exec(last.getAttribute("data-prefix") || "");
    if (!match) {
      return;
    }
    event.preventDefault();
    const copy = last.cloneNode(true);
    copy.querySelectorAll(".error").forEach((message) => message.remove());
    copy.querySelectorAll("input").forEach((input) => {
      input.value = "";
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      input.removeAttribute("autofocus");
    });
    rename(copy, match[0], match[1] + (Number(match[2]) + 1));
    last.after(copy);
    copy.querySelector("input").focus();
  };

  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-move], button[data-add-slot]");
    if (!button || !form.contains(button)) {
      return;
    }
    if (button.hasAttribute("data-move")) {
      move(button, event);
    } else {
      addSlot(button, event);
    }
  });
})();
