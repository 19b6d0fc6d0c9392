// Type-to-filter for long multiple selects (agreement partners). Without JavaScript the select
// works as it is; chosen options always stay visible.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-filter-select]").forEach(function (input) {
      var select = document.getElementById(input.dataset.filterSelect);
      if (!select) return;
      input.hidden = false;
      input.addEventListener("input", function () {
        var q = input.value.trim().toLocaleLowerCase();
        Array.prototype.forEach.call(select.options, function (option) {
          option.hidden = q !== "" && !option.selected && option.text.toLocaleLowerCase().indexOf(q) === -1;
        });
      });
    });
  });
})();
