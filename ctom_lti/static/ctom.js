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
