// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function init(root) {
    root.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      if (el.dataset.autosubmitBound) return;
      el.dataset.autosubmitBound = "1";
      el.addEventListener("change", function () {
        if (el.form) el.form.requestSubmit ? el.form.requestSubmit() : el.form.submit();
      });
    });
    root.querySelectorAll("[data-confirm]").forEach(function (el) {
      if (el.dataset.confirmBound) return;
      el.dataset.confirmBound = "1";
      var form = el.tagName === "FORM" ? el : el.form;
      if (!form) return;
      form.addEventListener("submit", function (event) {
        if (!window.confirm(el.dataset.confirm)) event.preventDefault();
      });
    });
    root.querySelectorAll("[data-print]").forEach(function (el) {
      if (el.dataset.printBound) return;
      el.dataset.printBound = "1";
      el.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
    });
    root.querySelectorAll("[data-copy]").forEach(function (el) {
      if (el.dataset.copyBound) return;
      el.dataset.copyBound = "1";
      el.addEventListener("click", function () {
        var target = document.getElementById(el.dataset.copy);
        if (target && navigator.clipboard) navigator.clipboard.writeText(target.value || target.textContent);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = document.getElementById("site-nav");
    if (toggle && nav) {
      toggle.addEventListener("click", function () {
        var open = nav.classList.toggle("is-open");
        toggle.setAttribute("aria-expanded", open ? "true" : "false");
      });
    }
    init(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
