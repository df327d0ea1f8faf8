/* Site-wide enhancements. Everything works without this file:
   - Copy buttons ([data-copy="#input-id"]) stay hidden; the readonly input can be copied by hand.
   - The account menu is a plain <details>; here it also closes on Escape or a click elsewhere. */
(function () {
  "use strict";

  function announce(button, text) {
    var status = document.getElementById(button.getAttribute("aria-describedby") || "");
    if (status) { status.textContent = text; }
  }

  function initCopyButtons() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var input = document.querySelector(button.dataset.copy);
      if (!input) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () { announce(button, "Link copied. Paste it wherever you like."); };
        var manual = function () {
          input.focus();
          input.select();
          announce(button, "Press Ctrl+C (or ⌘C) to copy the selected link.");
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(input.value).then(done, manual);
        } else {
          manual();
        }
      });
    });
  }

  function initAccountMenu() {
    var menu = document.querySelector(".account-menu details");
    if (!menu) { return; }
    document.addEventListener("click", function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  /* The error summary (templates/_error_summary.html) takes focus, so a screen reader reads it
     and a keyboard user starts from it; its links open a folded section and focus the field. */
  function initErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus();
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) { return; }
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) { return; }
      event.preventDefault();
      var details = field.closest("details");
      while (details) {
        details.open = true;
        details = details.parentElement.closest("details");
      }
      var label = document.querySelector("label[for='" + field.id + "']");
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }

  function init() {
    initErrorSummary();
    initCopyButtons();
    initAccountMenu();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
