document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the error summary so screen readers announce it (the page works without it).
  const summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
  // « Imprimer » buttons (badge, security desk's list): no inline handler under the CSP.
  document.querySelectorAll("[data-print]").forEach((button) => {
    button.addEventListener("click", () => window.print());
  });
});
