// Saves the report draft while the mentor types: the form is posted in the background (with the
// CSRF token and, when the browser keeps no cookies, the launch token the form carries), and the
// page stays as it is, so focus and the caret never move. The version the server answers goes
// back into the form, so the next save (automatic or not) builds on it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) {
    return;
  }
  var url = form.getAttribute("data-autosave");
  var status = form.querySelector(".autosave-status");
  var version = form.querySelector("input[name=version]");
  var timer = null;
  var inFlight = null;
  var dirty = false;
  var stopped = false;
  var DELAY = 1500;

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function save() {
    timer = null;
    if (!dirty || stopped || inFlight) {
      return inFlight;
    }
    dirty = false;
    var body = new FormData(form);
    body.delete("action");
    say("Saving…");
    inFlight = fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-Requested-With": "fetch" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          if (response.ok && data.ok) {
            version.value = String(data.version);
            say("Draft saved at " + new Date().toLocaleTimeString() + ".");
          } else if (response.status === 422) {
            say("Not saved automatically: " + data.problem + " Press Save draft to see what to fix.");
          } else {
            stopped = true;
            say(data.problem || "Not saved automatically. Press Save draft.");
          }
        });
      })
      .catch(function () {
        dirty = true;
        say("Not saved automatically (no connection); will try again.");
      })
      .then(function () {
        inFlight = null;
        if (dirty && !stopped) {
          schedule();
        }
      });
    return inFlight;
  }

  function schedule() {
    dirty = true;
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, DELAY);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  // A button press waits for an autosave under way, so it is sent with the newest version.
  form.addEventListener("submit", function (event) {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (inFlight) {
      event.preventDefault();
      var button = event.submitter;
      inFlight.then(function () {
        if (button && form.requestSubmit) {
          form.requestSubmit(button);
        } else {
          form.submit();
        }
      });
    }
  });
})();
