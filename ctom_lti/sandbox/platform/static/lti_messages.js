/*
 * The sandbox Canvas's answers to a tool's window.postMessage calls (canvas-lti.md §8).
 *
 * Loaded by the hidden "post_message_forwarding" frame (Platform Storage: lti.capabilities,
 * lti.put_data, lti.get_data) and by the course page that frames a tool (the same plus Canvas's
 * other messages, for tools that post to window.parent with "*"). Data is kept in this origin's
 * localStorage under "lti|platform_storage|<tool origin>|<key>", as Canvas partitions it per tool;
 * replies go to event.source with the sender's origin, as "<subject>.response".
 */
(function () {
  "use strict";

  var STORAGE_FRAME = "post_message_forwarding";
  var CHAR_LIMIT = 4096;
  var KEY_LIMIT = 500;
  var STORAGE_SUBJECTS = ["lti.capabilities", "lti.put_data", "lti.get_data"];
  var PAGE_SUBJECTS = [
    "lti.enableScrollEvents", "lti.fetchWindowSize", "lti.frameResize", "lti.hideRightSideWrapper",
    "lti.removeUnloadMessage", "lti.resourceImported", "lti.screenReaderAlert", "lti.scrollToTop",
    "lti.setUnloadMessage", "lti.showAlert", "lti.showModuleNavigation", "lti.capabilities",
    "lti.get_data", "lti.put_data", "requestFullWindowLaunch", "toggleCourseNavigationMenu",
    "showNavigationMenu", "hideNavigationMenu"
  ];
  var IGNORED = ["LtiDeepLinkingResponse", "externalContentReady", "externalContentCancel"];

  function storageKey(origin, key) {
    return "lti|platform_storage|" + origin + "|" + key;
  }

  function usage(origin) {
    var prefix = storageKey(origin, "");
    var keys = 0;
    var chars = 0;
    for (var i = 0; i < window.localStorage.length; i++) {
      var name = window.localStorage.key(i);
      if (name && name.indexOf(prefix) === 0) {
        keys += 1;
        chars += name.length - prefix.length + (window.localStorage.getItem(name) || "").length;
      }
    }
    return {keys: keys, chars: chars};
  }

  function reply(event, subject, messageId, contents) {
    var message = {subject: subject + ".response"};
    if (messageId) {
      message.message_id = messageId;
    }
    for (var name in contents) {
      if (Object.prototype.hasOwnProperty.call(contents, name)) {
        message[name] = contents[name];
      }
    }
    if (event.source) {
      event.source.postMessage(message, event.origin);
    }
  }

  function error(event, subject, messageId, code, text) {
    var err = {code: code};
    if (text) {
      err.message = text;
    }
    reply(event, subject, messageId, {error: err});
  }

  function capabilities(subjects) {
    return subjects.map(function (subject) {
      if (subject === "lti.put_data" || subject === "lti.get_data") {
        return {subject: subject, frame: STORAGE_FRAME};
      }
      return {subject: subject};
    });
  }

  function putData(event, message) {
    var key = message.key;
    var value = message.value;
    if (!key) {
      return error(event, message.subject, message.message_id, "bad_request", "Missing required 'key' field");
    }
    if (!message.message_id) {
      return error(event, message.subject, null, "bad_request", "Missing required 'message_id' field");
    }
    var name = storageKey(event.origin, key);
    if (value) {
      var used = usage(event.origin);
      var previous = window.localStorage.getItem(name);
      var extra = previous === null ? key.length + String(value).length : String(value).length - previous.length;
      if ((previous === null && used.keys >= KEY_LIMIT) || used.chars + extra > CHAR_LIMIT) {
        return error(event, message.subject, message.message_id, "storage_exhaustion", "Reached storage limit for tool");
      }
      window.localStorage.setItem(name, String(value));
      return reply(event, message.subject, message.message_id, {key: key, value: value});
    }
    window.localStorage.removeItem(name);
    return reply(event, message.subject, message.message_id, {key: key});
  }

  function getData(event, message) {
    if (!message.key) {
      return error(event, message.subject, message.message_id, "bad_request", "Missing required 'key' field");
    }
    if (!message.message_id) {
      return error(event, message.subject, null, "bad_request", "Missing required 'message_id' field");
    }
    var value = window.localStorage.getItem(storageKey(event.origin, message.key));
    return reply(event, message.subject, message.message_id, {key: message.key, value: value});
  }

  /* Handle one message event. options.subjects lists what this window answers;
   * options.onPageMessage(event, message) handles the page-only subjects. */
  function handle(event, options) {
    var message = event.data;
    if (typeof message === "string") {
      try {
        message = JSON.parse(message);
      } catch (e) {
        return false;
      }
    }
    if (!message || typeof message !== "object") {
      return false;
    }
    var subject = message.subject || message.messageType;
    if (typeof subject !== "string" || IGNORED.indexOf(subject) >= 0 || /\.response$/.test(subject)) {
      return false;
    }
    message.subject = subject;
    if (options.subjects.indexOf(subject) < 0) {
      error(event, subject, message.message_id, "unsupported_subject");
      return false;
    }
    if (subject === "lti.capabilities") {
      reply(event, subject, message.message_id, {supported_messages: capabilities(options.subjects)});
    } else if (subject === "lti.put_data") {
      putData(event, message);
    } else if (subject === "lti.get_data") {
      getData(event, message);
    } else {
      if (options.onPageMessage) {
        options.onPageMessage(event, message);
      }
      reply(event, subject, message.message_id, {});
    }
    return true;
  }

  window.CanvasLtiMessages = {
    STORAGE_SUBJECTS: STORAGE_SUBJECTS,
    PAGE_SUBJECTS: PAGE_SUBJECTS,
    handle: handle
  };
})();
