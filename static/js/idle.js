// Shared tablets: a session ends after a while without use (accounts.sessions).
// A minute before, a dialog asks whether the person is still there, with a
// button to stay signed in; when the time is up, the page signs out and the
// sign-in page says why. The server ends the session anyway if no page asks
// it anything; this is the warning, and the clean end on screen.
//
// Use is a page load, an htmx request, or typing, tapping or scrolling on the
// page: that is told to the server at most once a minute, so someone writing
// a long note is not signed out. The count-down follows the server's record
// of the last use (``data-seen-age`` on the page, then each word to it).
// Tabs of the same browser share that record (localStorage), so a tab left
// open does not sign out someone working in another; signing out in one tab
// takes the others to the sign-in page.
(() => {
  const dialog = document.getElementById("idle-warning");
  if (!dialog) {
    return;
  }
  const idleMs = Number(dialog.dataset.idleSeconds) * 1000;
  const warnMs = Number(dialog.dataset.warnSeconds) * 1000;
  const stayUrl = dialog.dataset.stayUrl;
  const loginUrl = dialog.dataset.loginUrl;
  const TOLD = "kith-server-told";
  const SIGNED_OUT = "kith-signed-out";
  const TELL_EVERY = 60 * 1000;
  const countdown = dialog.querySelector("[data-idle-countdown]");
  const endForm = document.getElementById("idle-end");
  const csrf = dialog.querySelector("input[name=csrfmiddlewaretoken]").value;

  // The server's own record of the session's last use (it writes it at most
  // once a minute): the page counts down from that, so it never warns later
  // than the server ends the session.
  const loaded = Date.now();
  let lastTold = loaded - Number(dialog.dataset.seenAge || 0) * 1000;
  let lastHere = loaded; // this page's own last use
  let ending = false;

  const stored = (key) => {
    try {
      return Number(window.localStorage.getItem(key)) || 0;
    } catch {
      return 0;
    }
  };
  const store = (key, value) => {
    try {
      window.localStorage.setItem(key, String(value));
    } catch {
      // Private browsing without storage: this tab keeps its own time.
    }
  };
  // Every tab of this browser shares the one session, and so its record.
  const told = () => Math.max(lastTold, stored(TOLD));

  const tellServer = () => {
    lastTold = Date.now();
    store(TOLD, lastTold);
    fetch(stayUrl, {
      method: "POST",
      // The page, as htmx says it: if the session has ended, the sign-in
      // page brings the person back here.
      headers: { "X-CSRFToken": csrf, "HX-Current-URL": window.location.href },
      credentials: "same-origin",
    }).then((response) => {
      // The session ended meanwhile (elsewhere, or on the server): the
      // server sent the sign-in page.
      if (response.redirected) {
        window.location.assign(response.url);
      }
    }).catch(() => {});
  };

  // Use on the page is told to the server at once if its record is a minute
  // old, else when it is (``tick``): the record is never more than a minute
  // behind, and the page's count-down follows it exactly.
  const used = () => {
    lastHere = Date.now();
    if (lastHere - told() >= TELL_EVERY) {
      tellServer();
    }
  };

  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000));
    if (seconds >= 60) {
      return "1 minute";
    }
    return `${seconds} second${seconds === 1 ? "" : "s"}`;
  };

  const signOut = () => {
    if (ending) {
      return;
    }
    ending = true;
    store(SIGNED_OUT, Date.now());
    endForm.submit();
  };

  const stay = () => {
    dialog.close();
    lastHere = Date.now();
    tellServer();
  };

  const tick = () => {
    const now = Date.now();
    // Use in the last minute the server has not heard of. (Not older use: a
    // tablet waking from sleep must not count a use from long ago as now.)
    if (!dialog.open && lastHere > told() && now - told() >= TELL_EVERY && now - lastHere < TELL_EVERY) {
      tellServer();
    }
    const left = idleMs - (Date.now() - told());
    if (left <= 0) {
      signOut();
    } else if (left <= warnMs) {
      countdown.textContent = words(left);
      if (!dialog.open) {
        dialog.showModal();
      }
    } else if (dialog.open) {
      dialog.close(); // used in another tab meanwhile
    }
  };

  store(TOLD, Math.max(lastTold, stored(TOLD)));
  ["pointerdown", "keydown", "wheel", "touchstart"].forEach((type) => {
    document.addEventListener(type, () => {
      if (!dialog.open) {
        used();
      }
    }, { passive: true, capture: true });
  });
  // The server counted the request only if its record was a minute old.
  document.body.addEventListener("htmx:afterRequest", used);
  dialog.querySelector("[data-idle-stay]").addEventListener("click", stay);
  // Escape closes the dialog: whoever pressed it is there.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    stay();
  });
  document.querySelectorAll("form[data-signs-out]").forEach((form) => {
    form.addEventListener("submit", () => store(SIGNED_OUT, Date.now()));
  });
  window.addEventListener("storage", (event) => {
    if (event.key === SIGNED_OUT && !ending) {
      window.location.assign(loginUrl);
    }
  });
  window.setInterval(tick, 1000);
})();
