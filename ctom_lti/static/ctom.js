// Canvas shows the tool in an iframe of fixed height; tell it how tall the page is
// (the lti.frameResize postMessage Canvas documents) so nothing is cut off or scrolls twice.
(function () {
  "use strict";
  if (window.parent === window) {
    return;
  }
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.scrollHeight);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ subject: "lti.frameResize", height: height }, "*");
    }
  }
  window.addEventListener("load", report);
  if (typeof ResizeObserver === "function") {
    new ResizeObserver(report).observe(document.body);
  }
  report();
})();
