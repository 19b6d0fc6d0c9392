// On a phone, the extra filters of a list start folded (unless some are in use).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.matchMedia("(max-width: 860px)").matches) return;
    document.querySelectorAll("details[data-collapse-narrow]").forEach(function (details) {
      if (!details.hasAttribute("data-active")) details.open = false;
    });
  });
})();
