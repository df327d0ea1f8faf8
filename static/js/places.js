/* Place search as you type ([data-place-search], templates/places/_place_search.html).
   Asks /api/v1/places/?q= after a pause in typing; arrow keys move through the results, Enter
   or a click picks one and fills the form's fields (which stay editable): an activity's name,
   address and coordinates, or a plan's destination; and the time zone select, left on the
   plan's zone (data-plan-timezone) when the place is in it. */
(function () {
  "use strict";
  var PAUSE_MS = 250;

  function setField(selector, value) {
    var field = selector && document.querySelector(selector);
    if (!field) return;
    field.value = value;
    field.dispatchEvent(new Event("input", { bubbles: true }));
    field.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function init(box) {
    var input = box.querySelector("input[role=combobox]");
    var list = box.querySelector("[role=listbox]");
    var status = box.querySelector("[data-place-search-status]");
    var places = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    box.hidden = false;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      active = index;
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      }
    }

    function hasZone(select, name) {
      return Array.prototype.some.call(select.options, function (option) {
        return option.value === name;
      });
    }

    /* Sets the zone select; returns the sentence saying what it did ("" if nothing). */
    function setZone(place) {
      var select = box.dataset.timezone && document.querySelector(box.dataset.timezone);
      if (!select || !place.timezone || !hasZone(select, place.timezone)) return "";
      var planZone = box.dataset.planTimezone;
      if (planZone !== undefined && place.timezone === planZone) {
        setField(box.dataset.timezone, "");
        return " Time zone: the plan's (" + planZone + ").";
      }
      setField(box.dataset.timezone, place.timezone);
      return " Time zone set to " + place.timezone + " (you can change it).";
    }

    function pick(index) {
      var place = places[index];
      if (!place) return;
      setField(box.dataset.name, place.name);
      setField(box.dataset.address, place.address);
      setField(box.dataset.latitude, String(place.latitude));
      setField(box.dataset.longitude, String(place.longitude));
      setField(box.dataset.destination, place.label);
      input.value = place.label;
      var zone = setZone(place);
      var filled = box.dataset.destination
        ? "Destination set to " + place.label + "."
        : "Filled in " + place.label + (zone || !place.timezone ? "." : " (" + place.timezone + ").");
      status.textContent = filled + zone;
      close();
    }

    function show(body) {
      places = body.results;
      list.textContent = "";
      places.forEach(function (place, index) {
        var option = document.createElement("li");
        option.id = input.id + "-option-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = place.label;
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep the focus in the search box
          pick(index);
        });
        list.appendChild(option);
      });
      var found = places.length === 1 ? "1 place found." : places.length + " places found.";
      status.textContent = (places.length ? found : "No place found.") +
        (body.notice ? " " + body.notice : "");
      list.hidden = places.length === 0;
      input.setAttribute("aria-expanded", places.length ? "true" : "false");
      active = -1;
    }

    function search() {
      var query = input.value.trim();
      if (query.length < 2) {
        close();
        status.textContent = "";
        return;
      }
      var ticket = ++latest;
      fetch(box.dataset.url + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          if (response.status === 429) throw new Error("Too many searches; wait a moment.");
          if (!response.ok) throw new Error("Place search is not available right now.");
          return response.json();
        })
        .then(function (body) {
          if (ticket === latest) show(body);
        })
        .catch(function (error) {
          if (ticket === latest) {
            close();
            status.textContent = error.message;
          }
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, PAUSE_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        highlight(Math.min(active + 1, places.length - 1));
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        highlight(Math.max(active - 1, 0));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault(); // pick, do not submit the form
        pick(active);
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", close);
  }

  function start() {
    document.querySelectorAll("[data-place-search]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
