// Progressive enhancement: a filter form marked data-auto-submit applies a choice as soon as it is made.
// Without JavaScript the form's own button does the same. The form says so first (WCAG 3.2.2, On Input).
for (const form of document.querySelectorAll("form[data-auto-submit]")) {
  form.querySelector("[data-auto-submit-hint]")?.removeAttribute("hidden");
  form.addEventListener("change", (event) => {
    if (event.target.matches("select")) form.requestSubmit();
  });
}
