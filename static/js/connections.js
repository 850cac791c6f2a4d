// Logging a connection: small helps on top of forms that work without them.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed save, put focus on the first answer that needs fixing,
  // whether it is a box to type in or one of the choice cards.
  const firstInvalid = document.querySelector("main form [aria-invalid=true]");
  if (firstInvalid) {
    firstInvalid.focus();
  }

  // Step 1: find a resident by name or room, and say how many are ticked.
  const choose = document.querySelector("[data-choose-residents]");
  if (choose) {
    const boxes = Array.from(choose.querySelectorAll("input[name=residents]"));
    const counter = choose.querySelector("[data-chosen-count]");
    const count = () => {
      const n = boxes.filter((box) => box.checked).length;
      counter.textContent = n === 0 ? "" : n === 1 ? "1 person chosen" : `${n} people chosen`;
    };
    boxes.forEach((box) => box.addEventListener("change", count));
    count();

    const filter = choose.querySelector("[data-resident-filter]");
    if (filter && boxes.length > 12) {
      filter.hidden = false;
      const input = filter.querySelector("input");
      const status = filter.querySelector("[aria-live]");
      input.addEventListener("keydown", (event) => {
        if (event.key === "Enter") {
          event.preventDefault();
        }
      });
      input.addEventListener("input", () => {
        const words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        let shown = 0;
        choose.querySelectorAll("[data-find]").forEach((card) => {
          const match = words.every((w) => card.dataset.find.includes(w));
          // A ticked resident always stays in view.
          card.hidden = !match && !card.querySelector("input").checked;
          if (!card.hidden) {
            shown += 1;
          }
        });
        choose.querySelectorAll("[data-unit-group]").forEach((group) => {
          group.hidden = !group.querySelector(".choice:not([hidden])");
        });
        status.textContent = words.length ? `${shown} shown` : "";
      });
    }
  }

  // Step 2: show only the "who specifically" question that fits "who was it with?".
  const form = document.querySelector("[data-connection-form]");
  if (form) {
    const radios = Array.from(form.querySelectorAll("input[name=with_whom]"));
    const parts = Array.from(form.querySelectorAll("[data-when-with]"));
    const show = () => {
      const chosen = radios.find((r) => r.checked);
      parts.forEach((part) => {
        part.hidden = !chosen || !part.dataset.whenWith.split(" ").includes(chosen.value);
      });
    };
    radios.forEach((radio) =>
      radio.addEventListener("change", () => {
        show();
        // A group activity is usually... a group activity.
        const modes = Array.from(form.querySelectorAll("input[name=mode]"));
        if (radio.value === "group" && !modes.some((m) => m.checked)) {
          const group = modes.find((m) => m.value === "group_activity");
          if (group) {
            group.checked = true;
          }
        }
      }),
    );
    show();
  }
});
