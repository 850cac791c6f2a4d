// Kith's own script: small, no inline handlers (the Content-Security-Policy
// allows scripts from this site only).
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the first field with an error, so keyboard and screen
  // reader users land on what needs fixing.
  const invalid = document.querySelector("form :is(input, select, textarea).is-invalid");
  if (invalid) {
    invalid.focus();
  }
  // Print buttons (the personal plan has print styles).
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
  // Buttons that ask before doing something that cannot be undone.
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
      }
    });
  });
});
