// The foyer screen (templates/community/public/screen.html) keeps itself up
// to date with no one touching it: every few minutes it asks for the page
// again and, only when the home's server answers, shows the new programme in
// place. A Wi-Fi blip leaves the last programme on the screen (never a
// browser error page), and the next try comes round as usual. Once the
// screen has been up for a few hours it reloads whole, to pick up any change
// to the page itself.
(() => {
  const screen = document.querySelector("[data-refresh-seconds]");
  if (!screen) {
    return;
  }
  const seconds = Math.max(60, parseInt(screen.dataset.refreshSeconds, 10) || 300);
  const loadedAt = Date.now();
  const RELOAD_AFTER_MS = 6 * 60 * 60 * 1000;

  const refresh = async () => {
    try {
      const response = await fetch(window.location.href, { cache: "no-store", credentials: "omit" });
      if (response.ok) {
        if (Date.now() - loadedAt > RELOAD_AFTER_MS) {
          window.location.reload();
          return;
        }
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = page.querySelector("[data-refresh-seconds]");
        if (fresh) {
          screen.replaceChildren(...fresh.childNodes);
        }
      }
    } catch (error) {
      // Keep showing what is there; try again next time.
    }
    window.setTimeout(refresh, seconds * 1000);
  };
  window.setTimeout(refresh, seconds * 1000);
})();
