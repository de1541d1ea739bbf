/*
 * 归途 Guitu — policy explainers: the "Print this page" button.
 *
 * The button is in the page, hidden, and shown only when this script runs (without
 * JavaScript the browser's own print command works the same). No inline handlers.
 */
(function () {
  "use strict";

  function printButtons() {
    var buttons = document.querySelectorAll("[data-print-page]");
    Array.prototype.forEach.call(buttons, function (button) {
      if (typeof window.print !== "function") {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        window.print();
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", printButtons);
  } else {
    printButtons();
  }
})();
