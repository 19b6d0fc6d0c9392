// "Add another row" for Django formsets: copies the empty form and numbers it. Without this
// script, the page still offers empty rows after each save.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset]").forEach(function (box) {
      var prefix = box.dataset.formset;
      var total = box.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
      var rows = box.querySelector("[data-formset-rows]");
      var empty = box.querySelector("template[data-formset-empty]");
      var add = box.querySelector("[data-formset-add]");
      if (!total || !rows || !empty || !add) return;
      add.hidden = false;
      add.addEventListener("click", function () {
        var index = parseInt(total.value, 10) || 0;
        var html = empty.innerHTML.replace(/__prefix__/g, String(index));
        rows.insertAdjacentHTML("beforeend", html);
        total.value = String(index + 1);
        var added = rows.lastElementChild && rows.lastElementChild.querySelector("textarea");
        if (added) added.focus();
      });
    });
  });
})();
