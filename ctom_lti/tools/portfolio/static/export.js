// Shows an export's progress while it builds: asks the status URL (which carries the launch
// token when the browser keeps no cookies) twice a second and, once the file is ready, offers
// the download link. Without scripts the page has a "Check again" link instead.
(function () {
  "use strict";
  var box = document.querySelector(".export-job[data-status-url]");
  if (!box || !window.fetch) {
    return;
  }
  var url = box.getAttribute("data-status-url");
  var message = box.querySelector(".export-message");
  var bar = box.querySelector("progress");
  var ready = box.querySelector(".export-ready");
  var link = box.querySelector(".export-download");
  var refresh = box.querySelector(".export-refresh");
  var failures = 0;

  function show(data) {
    bar.value = data.percent;
    bar.textContent = data.percent + " %";
    box.setAttribute("data-state", data.state);
    if (data.state === "done") {
      message.textContent = "Your export is ready.";
      link.href = data.download;
      ready.hidden = false;
    } else if (data.state === "failed") {
      message.textContent = data.problem;
    } else if (data.state === "waiting") {
      message.textContent = "Waiting for another export to finish…";
    } else {
      message.textContent = "Building your export… " + data.percent + " %";
    }
    if (refresh && (data.state === "done" || data.state === "failed")) {
      refresh.hidden = true;
    }
    return data.state === "done" || data.state === "failed";
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        failures = 0;
        if (!show(data)) {
          window.setTimeout(poll, 500);
        }
      })
      .catch(function () {
        failures += 1;
        if (failures < 10) {
          window.setTimeout(poll, 1000 * failures);
        } else {
          message.textContent = "Lost touch with the server. Use Check again to see the export.";
        }
      });
  }

  if (box.getAttribute("data-state") !== "done" && box.getAttribute("data-state") !== "failed") {
    poll();
  }
})();
