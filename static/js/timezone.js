/* Home time zone from the browser. Everything works without this file: the select keeps the
   zone the server chose (UTC on sign-up, the saved zone on the profile).
   - select[data-browser-timezone="prefill"] (sign-up): set to the browser's zone, if the
     select lists it and still shows the server's choice (nothing picked, nothing restored).
   - select[data-browser-timezone="suggest"] (profile still on UTC): a button offers the
     browser's zone; the saved zone is never changed without the traveller asking. */
(function () {
  "use strict";

  function browserZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (error) {
      return "";
    }
  }

  function lists(select, zone) {
    return Array.prototype.some.call(select.options, function (option) {
      return option.value === zone;
    });
  }

  function untouched(select) {
    var chosen = select.options[select.selectedIndex];
    return Boolean(chosen && chosen.defaultSelected);
  }

  function suggest(select, zone) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button button-secondary button-small";
    button.textContent = "Use this device\u2019s time zone: " + zone.replace(/_/g, " ");
    button.addEventListener("click", function () {
      select.value = zone;
      button.remove();
      select.focus();
    });
    select.insertAdjacentElement("afterend", button);
  }

  var zone = browserZone();
  if (!zone) { return; }
  document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
    if (select.value === zone || !lists(select, zone)) { return; }
    if (select.dataset.browserTimezone === "prefill") {
      if (untouched(select)) { select.value = zone; }
    } else if (select.dataset.browserTimezone === "suggest") {
      suggest(select, zone);
    }
  });
}());
