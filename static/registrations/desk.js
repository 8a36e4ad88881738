// Welcome desk: the scan field always empty and focused, the counters refreshed now and then.
// The page works without this file (the server never writes the code back into the field,
// which has autofocus); it covers what the server cannot: a page restored by the "back"
// button with the previous code still typed in the field.
document.addEventListener("DOMContentLoaded", () => {
  const field = document.getElementById("id_code");
  if (field) {
    const ready = () => {
      field.value = "";
      field.focus();
    };
    ready();
    window.addEventListener("pageshow", ready);
  }

  const counters = document.getElementById("desk-counters");
  if (counters && counters.dataset.url) {
    window.setInterval(() => {
      if (document.hidden) return;
      fetch(counters.dataset.url, { credentials: "same-origin" })
        // A session that ran out answers with the login page: keep the last figures.
        .then((response) => (response.ok && !response.redirected ? response.text() : null))
        .then((html) => { if (html) counters.innerHTML = html; })
        .catch(() => {}); // offline for a moment: try again at the next tick
    }, 30000);
  }
});
