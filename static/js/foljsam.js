/* Följsam: where keyboard focus goes (docs/accessibility.md). No build step; every page works
   without this file — the error summary is at the top of its form either way.

   1. After a form comes back with errors, focus moves to its error summary (.error-summary,
      tabindex="-1"), so a screen reader reads what to correct and Tab goes on to the links to the
      fields. `autofocus` is not enough: screen readers do not read a focused container on load.
   2. After an htmx save (any request that is not a GET: a status change, a note, a row of
      hours, the agreement, showing the identity number), focus goes to what was updated: the
      error summary if the answer has errors, else the first field marked invalid, else the
      element the answer marks data-focus-after-swap (in the target or an out-of-band part),
      else the swapped element itself.
      Polling (GET, e.g. a job's progress) never moves focus.
   3. A form being sent is not sent again by a second click (a courtesy: the server saves a
      double submit once anyway, inputs/middleware.py). Its submit buttons are marked
      aria-disabled (not disabled: focus stays where it is) until the htmx answer comes, the page
      is shown again from the back-forward cache, or after a few seconds (a download). */
(function () {
  "use strict";

  function focusElement(element) {
    if (!element) return false;
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
    return document.activeElement === element;
  }

  function focusErrorSummary() {
    var summary = document.querySelector("main .error-summary");
    if (summary) focusElement(summary);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }

  // One request settles several elements (the target's new content and any out-of-band parts):
  // gather them, then decide once.
  var pending = null;

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var verb = ((detail.requestConfig || {}).verb || "").toLowerCase();
    if (!verb || verb === "get") return;
    if (pending && pending.detail === detail) {
      pending.settled.push(event.target);
      return;
    }
    pending = { detail: detail, settled: [event.target] };
    setTimeout(function () {
      var request = pending;
      pending = null;
      focusAfterSave(request);
    }, 0);
  });

  function focusAfterSave(request) {
    var target = request.detail.target;
    if (target && !document.body.contains(target) && target.id) {
      target = document.getElementById(target.id); // an outerHTML swap replaced it
    }
    var parts = [target].concat(request.settled).filter(function (part) {
      return part && part.nodeType === 1 && document.body.contains(part);
    });
    function find(selector) {
      for (var i = 0; i < parts.length; i++) {
        if (parts[i].matches(selector)) return parts[i];
        var found = parts[i].querySelector(selector);
        if (found) return found;
      }
      return null;
    }
    // A marker comes only with an answer to a save (templates render it then); one left from an
    // earlier answer must not win, so every marker is used up now.
    var marked = find("[data-focus-after-swap]") || document.querySelector("[data-focus-after-swap]");
    var chosen = find(".error-summary") || find('[aria-invalid="true"]') || marked || target;
    var stale = document.querySelectorAll("[data-focus-after-swap]");
    for (var i = 0; i < stale.length; i++) stale[i].removeAttribute("data-focus-after-swap");
    focusElement(chosen);
  }

  var RESUBMIT_AFTER_MS = 8000;

  function setSending(form, sending) {
    var buttons = form.querySelectorAll(
      "button[type=submit], button:not([type]), input[type=submit]"
    );
    for (var i = 0; i < buttons.length; i++) {
      if (sending) buttons[i].setAttribute("aria-disabled", "true");
      else buttons[i].removeAttribute("aria-disabled");
    }
    if (sending) form.setAttribute("data-sending", "");
    else form.removeAttribute("data-sending");
  }

  // Capture phase: before htmx's own listener on the form, so a second submit never reaches it.
  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form || form.nodeName !== "FORM" || (form.method || "").toLowerCase() !== "post") return;
      if (form.hasAttribute("data-sending")) {
        event.preventDefault();
        event.stopImmediatePropagation();
        return;
      }
      setSending(form, true);
      setTimeout(function () {
        setSending(form, false);
      }, RESUBMIT_AFTER_MS);
    },
    true
  );

  document.addEventListener("htmx:afterRequest", function (event) {
    var element = event.detail && event.detail.elt;
    var form = element && (element.nodeName === "FORM" ? element : element.closest("form"));
    if (form) setSending(form, false);
  });

  window.addEventListener("pageshow", function () {
    var forms = document.querySelectorAll("form[data-sending]");
    for (var i = 0; i < forms.length; i++) setSending(forms[i], false);
  });
})();
