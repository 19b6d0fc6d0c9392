// On a narrow screen the timeline opens scrolled to today, not to its first month.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var wrap = document.querySelector("[data-timeline]");
    var today = wrap && wrap.querySelector(".timeline__today");
    var label = wrap && wrap.querySelector(".timeline__label");
    if (!wrap || !today || wrap.scrollWidth <= wrap.clientWidth) return;
    var offset = today.getBoundingClientRect().left - wrap.getBoundingClientRect().left;
    var labelWidth = label ? label.getBoundingClientRect().width : 0;
    wrap.scrollLeft = Math.max(0, offset - labelWidth - 40);
  });
})();
