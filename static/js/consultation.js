/* Consultation form: small progressive enhancements. The form works fully without them.
   - After a failed submit, move focus to the error summary so it is read out first, and
     make its links put the cursor in the field they name. When the request could not be
     taken online just now (the rate limit), move focus to that message instead.
   - Show how many characters are left in the message box as the visitor types.
   - Beside each call time (in the clinic's zone), show the visitor's own time when their
     device is set to another zone. */
(function () {
  "use strict";

  var limited = document.querySelector(".consult-limited, .consult-taken");
  if (limited) {
    limited.focus();
  }

  var summary = document.querySelector(".govuk-error-summary");
  if (summary) {
    summary.focus();
    // A link in the summary puts the cursor in the field, with its question in view.
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      var field = link && document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      var group = field.closest(".govuk-form-group") || field;
      group.scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  var counters = document.querySelectorAll("[data-module='govuk-character-count']");
  Array.prototype.forEach.call(counters, function (wrapper) {
    var max = parseInt(wrapper.getAttribute("data-maxlength"), 10);
    var field = wrapper.querySelector("textarea");
    if (!field || !max) {
      return;
    }
    var message = document.getElementById(field.id + "-info");
    // The visible count changes on every key; screen readers hear it once typing pauses.
    var spoken = document.createElement("span");
    spoken.className = "govuk-visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    message.setAttribute("aria-live", "off");
    message.parentNode.insertBefore(spoken, message.nextSibling);
    var timer = null;

    function text() {
      var left = max - field.value.length;
      var count = Math.abs(left).toLocaleString("en-US");
      var noun = Math.abs(left) === 1 ? " character" : " characters";
      return left < 0 ? "You have " + count + noun + " too many"
                      : "You have " + count + noun + " remaining";
    }

    function update() {
      var over = field.value.length > max;
      message.textContent = text();
      message.classList.toggle("govuk-character-count__message--over", over);
      field.classList.toggle("govuk-textarea--error", over);
    }

    field.addEventListener("input", function () {
      update();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { spoken.textContent = text(); }, 1000);
    });
    update();
  });

  var callTimes = document.querySelector("[data-clinic-zone]");
  var ownZone = window.Intl && Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (callTimes && ownZone && ownZone !== callTimes.getAttribute("data-clinic-zone")) {
    var own = new Intl.DateTimeFormat("en-US", {
      weekday: "short", hour: "numeric", minute: "2-digit", timeZoneName: "short"
    });
    var note = document.createElement("p");
    note.className = "govuk-hint";
    note.textContent = "Your device is set to another time zone: your own time is in brackets.";
    var hint = callTimes.querySelector(".govuk-hint");
    hint.parentNode.insertBefore(note, hint.nextSibling);
    var inputs = callTimes.querySelectorAll(".call-day input");
    Array.prototype.forEach.call(inputs, function (input) {
      var label = callTimes.querySelector("label[for='" + input.id + "']");
      var mine = document.createElement("span");
      mine.className = "call-day__own";
      mine.textContent = " (" + own.format(new Date(input.value)) + ")";
      label.appendChild(mine);
    });
  }
}());
