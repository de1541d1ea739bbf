/*
 * 归途 Guitu — the large-text switch (适老化 "大字版") in the header of every page.
 *
 * Loaded synchronously in <head> (a small external file: the CSP allows no inline script), so
 * the saved choice is applied to <html> before the page is painted. The choice lives in this
 * browser's localStorage only: the server renders the same HTML for everyone, which keeps the
 * anonymous full-page cache correct. Without JavaScript the button stays hidden and the
 * browser's own zoom and text-size settings still work (the styles use rem units).
 */
(function () {
  "use strict";

  var KEY = "guitu-text-size";
  var LARGE = "large";
  var CLASS = "text-large";
  var root = document.documentElement;

  function saved() {
    try {
      return window.localStorage.getItem(KEY);
    } catch (error) {
      return null; // storage disabled (private mode, strict settings)
    }
  }

  function save(value) {
    try {
      if (value) {
        window.localStorage.setItem(KEY, value);
      } else {
        window.localStorage.removeItem(KEY);
      }
    } catch (error) {
      /* the switch still works for this page */
    }
  }

  function apply(large) {
    root.classList.toggle(CLASS, large);
    Array.prototype.forEach.call(document.querySelectorAll("[data-text-size-toggle]"), function (button) {
      button.setAttribute("aria-pressed", large ? "true" : "false");
    });
  }

  apply(saved() === LARGE);

  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-text-size-toggle]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var large = !root.classList.contains(CLASS);
        save(large ? LARGE : null);
        apply(large);
      });
    });
    apply(root.classList.contains(CLASS));
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
