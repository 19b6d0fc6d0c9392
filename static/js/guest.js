// Tutor and learner pages: small enhancements, every page works without them.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    // One click, one submission: the buttons of a form that is being sent are disabled, so that a
    // double tap on a phone does not send the evaluation twice (the server also keeps only one).
    document.querySelectorAll("form[data-once]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        var submitter = event.submitter;
        if (form.dataset.sending === "1") { event.preventDefault(); return; }
        form.dataset.sending = "1";
        if (submitter && submitter.name) {
          // A disabled button is not sent: carry its value in a hidden field instead.
          var carrier = document.createElement("input");
          carrier.type = "hidden";
          carrier.name = submitter.name;
          carrier.value = submitter.value;
          form.appendChild(carrier);
        }
        window.setTimeout(function () {
          form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
        }, 0);
      });
    });

    // "Other dates" shows the date fields only when chosen.
    document.querySelectorAll("[data-show-when]").forEach(function (block) {
      var spec = block.dataset.showWhen.split("=");
      var inputs = document.querySelectorAll("input[name='" + spec[0] + "']");
      function update() {
        var chosen = document.querySelector("input[name='" + spec[0] + "']:checked");
        block.hidden = !(chosen && chosen.value === spec[1]);
      }
      inputs.forEach(function (i) { i.addEventListener("change", update); });
      update();
    });

    // The list of missing parts gets the focus, so that a screen reader announces it.
    var missing = document.getElementById("missing");
    if (missing) missing.focus();
  });
})();
