/* The printed itinerary's Print button: shown only where it works (the browser's own Print
   menu prints the same page without JavaScript). */
(function () {
  "use strict";
  document.querySelectorAll("[data-print-page]").forEach(function (holder) {
    var button = holder.querySelector("button");
    if (!button || typeof window.print !== "function") return;
    button.addEventListener("click", function () { window.print(); });
    holder.hidden = false;
  });
})();
