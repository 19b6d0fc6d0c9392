// A list of checkboxes (learners of a group): filter as you type, count what is ticked.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(function (box) {
      var filter = box.querySelector("[data-picker-filter]");
      var count = box.querySelector("[data-picker-count]");
      var items = Array.prototype.slice.call(box.querySelectorAll("[data-picker-item]"));
      function refresh() {
        var ticked = box.querySelectorAll("input[type=checkbox]:checked").length;
        if (count) count.textContent = ticked ? "(" + ticked + ")" : "";
      }
      // A long list holds only the ticked learners: its box searches the server (combobox.js).
      if (filter && !box.hasAttribute("data-picker-source")) {
        filter.addEventListener("input", function () {
          var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
          items.forEach(function (item) {
            var text = item.textContent.toLowerCase();
            item.hidden = !words.every(function (w) { return text.indexOf(w) !== -1; });
          });
        });
      }
      box.addEventListener("change", refresh);
      refresh();
    });
  });
})();
