// Saves the reflection draft while the candidate types, without leaving the page or moving
// focus: a POST of the same form (its CSRF token and, in cookieless mode, the launch token
// travel as form fields and in the action URL), answered in JSON with the new version.
(function () {
  "use strict";
  var form = document.getElementById("reflection-form");
  if (!form || form.getAttribute("data-autosave") !== "on" || !window.fetch) {
    return;
  }
  var body = document.getElementById("body");
  var version = document.getElementById("reflection-version");
  var status = document.getElementById("autosave-status");
  var draft = document.getElementById("body-draft");
  var artifactForm = document.getElementById("artifact-form");
  var timer = null;
  var saving = false;
  var dirty = false;
  var stopped = false;

  function say(text) {
    status.textContent = text;
  }

  function save() {
    timer = null;
    if (saving || stopped) {
      dirty = true;
      return;
    }
    saving = true;
    dirty = false;
    var data = new FormData(form);
    data.set("action", "save");
    // Not form.action: the buttons named "action" shadow that property.
    fetch(form.getAttribute("action"), {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": data.get("csrf_token") || "" },
    })
      .then(function (response) {
        return response.json().then(function (answer) {
          return { ok: response.ok, status: response.status, answer: answer };
        });
      })
      .then(function (result) {
        if (result.ok) {
          version.value = String(result.answer.version);
          var shown = document.getElementById("reflection-status");
          if (shown && result.answer.label) {
            shown.textContent = result.answer.label;
          }
          say("Saved.");
        } else if (result.status === 409) {
          stopped = true;
          say("This reflection was changed elsewhere. Use Save draft to see both versions; your text stays here.");
        } else {
          say(result.answer.error || "Not saved; use Save draft.");
        }
      })
      .catch(function () {
        say("Not saved (no connection); your text stays here.");
      })
      .then(function () {
        saving = false;
        if (dirty && !stopped) {
          schedule();
        }
      });
  }

  function schedule() {
    if (timer) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, 1500);
  }

  form.addEventListener("input", function () {
    say("Editing…");
    schedule();
  });
  if (artifactForm && draft) {
    // A refused upload answers with this page again: send the text along so it is kept.
    artifactForm.addEventListener("submit", function () {
      draft.value = body.value;
    });
  }
})();
