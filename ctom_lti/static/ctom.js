// A launch answers with its landing page rather than a redirect (one round trip fewer): give
// the frame that page's own address, so a reload or a bookmark opens the page instead of
// posting the spent launch again (which the tool refuses as a replay).
(function () {
  "use strict";
  var address = document.documentElement.getAttribute("data-page-address");
  if (address && window.history && typeof window.history.replaceState === "function") {
    window.history.replaceState(null, "", address);
  }
})();

// Canvas shows the tool in an iframe of fixed height; tell it how tall the page is
// (the lti.frameResize postMessage Canvas documents) so nothing is cut off or scrolls twice.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  function tell(message) {
    window.parent.postMessage(message, "*");
  }
  var last = 0;
  // The document's own height, not scrollHeight: scrollHeight never drops below the frame's
  // current height, so a frame made tall by one page would never shrink for a shorter one.
  function contentHeight() {
    return Math.ceil(document.documentElement.getBoundingClientRect().height);
  }
  function report() {
    var height = contentHeight();
    if (height > 0 && height !== last) {
      last = height;
      tell({ subject: "lti.frameResize", height: height });
    }
  }
  window.addEventListener("load", report);
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(report).observe(document.documentElement);
  }
  report();
  // A page that answers a form ("Your profile is saved.", or what to fix) shows its message at
  // the top, but Canvas keeps its own scroll position from where the button was: ask Canvas to
  // bring the top of the frame into view.
  if (document.querySelector("main [role=status], main [role=alert]")) {
    tell({ subject: "lti.scrollToTop" });
  }
})();

// A push to Canvas runs in the background: while the board shows one running, ask the server
// how far it has got (the URL carries the session token when the browser keeps no cookies), and
// load the board with its outcome once it ends.
(function () {
  "use strict";
  var panel = document.querySelector("[data-push-progress]");
  if (!panel || typeof window.fetch !== "function") {
    return;
  }
  var line = panel.querySelector("[data-push-line]");
  function poll() {
    window
      .fetch(panel.getAttribute("data-push-progress"), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (push) {
        if (push.running) {
          line.textContent = push.lines.join(" ");
          window.setTimeout(poll, 600);
        } else {
          window.location.replace(panel.getAttribute("data-push-done"));
        }
      })
      .catch(function () {
        window.setTimeout(poll, 3000);
      });
  }
  window.setTimeout(poll, 300);
})();
