/* Itinerary enhancements. Everything here is optional: without JavaScript the page offers
   the same actions through plain forms (move up/down buttons, day selects).
   - Map: numbered markers coloured per day with Leaflet (vendored), only when the page has
     markers; pins at the same spot fanned out; a note when tiles cannot load; list rows and
     pins highlight each other; "Show Day N on the map" narrows the map to that day.
   - Days: open/closed state remembered per trip (localStorage); on a phone, the jump list
     becomes a day switcher showing one day at a time.
   - Drag and drop: reorder within a day or move to another day, saved in one request.
   - Print button. */
(function () {
  "use strict";

  function initPrint() {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }


  function initMap() {
    var element = document.getElementById("itinerary-map");
    var data = document.getElementById("itinerary-markers");
    if (!element || !data || typeof window.L === "undefined") {
      if (element) { element.closest("figure").hidden = true; }
      return;
    }
    var markers = JSON.parse(data.textContent);
    if (!markers.length) { element.closest("figure").hidden = true; return; }
    var map = window.L.map(element, { scrollWheelZoom: false });
    var placeholder = element.parentNode.querySelector("[data-map-placeholder]");
    var tiles = window.L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 19,
      attribution: element.dataset.tileAttribution
    });
    tiles.on("tileerror", function () {
      if (placeholder) { placeholder.hidden = false; element.classList.add("map-offline"); }
    });
    tiles.on("tileload", function () {
      if (placeholder) { placeholder.hidden = true; element.classList.remove("map-offline"); }
    });
    tiles.addTo(map);
    // Pins at the same spot are fanned out around it (in pixels, so at every zoom).
    var spots = {};
    markers.forEach(function (m) {
      var spot = m.lat.toFixed(5) + "," + m.lng.toFixed(5);
      spots[spot] = (spots[spot] || []).concat([m]);
    });
    var pins = {};
    var all = [];
    Object.keys(spots).forEach(function (spot) {
      var group = spots[spot];
      group.forEach(function (m, index) {
        var dx = 0, dy = 0;
        if (group.length > 1) {
          var angle = (2 * Math.PI * index) / group.length;
          dx = Math.round(18 * Math.cos(angle));
          dy = Math.round(18 * Math.sin(angle));
        }
        var icon = window.L.divIcon({
          className: "map-number",
          html: '<span style="background:' + m.colour + '">' + m.number + "</span>",
          iconSize: [28, 28],
          iconAnchor: [14 - dx, 14 - dy]
        });
        var label = (m.dayLabel ? m.dayLabel + ", " : "") + m.number + ". " + m.title;
        var marker = window.L.marker([m.lat, m.lng], { icon: icon, title: label, alt: label });
        marker.on("click", function () { highlightRow(m.id, true); highlightPin(m.id); });
        marker.addTo(map);
        pins[m.id] = { marker: marker, data: m };
        all.push([m.lat, m.lng]);
      });
    });

    function show(points) {
      if (points.length === 1) { map.setView(points[0], 14); } else { map.fitBounds(points, { padding: [32, 32] }); }
    }
    show(all);

    function highlightPin(id) {
      Object.keys(pins).forEach(function (key) {
        var el = pins[key].marker.getElement();
        if (el) { el.classList.toggle("map-number-active", String(key) === String(id)); }
      });
      if (pins[id]) { pins[id].marker.setZIndexOffset(1000); }
    }

    function highlightRow(id, scroll) {
      document.querySelectorAll(".activity-highlight").forEach(function (row) {
        row.classList.remove("activity-highlight");
      });
      var row = document.getElementById("activity-" + id);
      if (!row) { return; }
      row.classList.add("activity-highlight");
      if (scroll) {
        showDayOf(row);
        var details = row.closest("details.day-details");
        if (details) { details.open = true; }
        row.scrollIntoView({ block: "center" });
      }
    }

    document.querySelectorAll(".activity[data-id]").forEach(function (row) {
      if (!pins[row.dataset.id]) { return; }
      row.classList.add("activity-mapped");
      var on = function () { highlightPin(row.dataset.id); };
      row.addEventListener("mouseenter", on);
      row.addEventListener("focusin", on);
    });

    var showAll = element.parentNode.querySelector("[data-map-all]");
    function onlyDay(key) {
      var points = [];
      Object.keys(pins).forEach(function (id) {
        var pin = pins[id];
        var mine = !key || pin.data.dayKey === key;
        pin.marker.setOpacity(mine ? 1 : 0.25);
        if (mine) { points.push([pin.data.lat, pin.data.lng]); }
      });
      if (points.length) { show(points); }
      if (showAll) { showAll.hidden = !key; }
    }
    if (showAll) { showAll.addEventListener("click", function () { onlyDay(null); }); }
    document.querySelectorAll("[data-map-day]").forEach(function (link) {
      link.addEventListener("click", function () { onlyDay(link.dataset.mapDay); });
    });
  }

  /* The day (section) an element is in, shown if the phone switcher hid it. */
  var showDayOf = function () {};

  function initDays() {
    var section = document.getElementById("itinerary");
    if (!section) { return; }
    var days = Array.prototype.slice.call(section.querySelectorAll(".itinerary-day[data-day]"));
    if (!days.length) { return; }
    var storeKey = "wayfarer:plan:" + section.dataset.plan + ":closed-days";
    var closed = [];
    try { closed = JSON.parse(window.localStorage.getItem(storeKey) || "[]"); } catch (e) { closed = []; }
    days.forEach(function (day) {
      var details = day.querySelector("details.day-details");
      if (!details) { return; }
      if (closed.indexOf(details.dataset.dayKey) !== -1 && !day.contains(document.querySelector(":target"))) {
        details.open = false;
      }
      details.addEventListener("toggle", function () {
        var now = [];
        section.querySelectorAll("details.day-details").forEach(function (d) {
          if (!d.open) { now.push(d.dataset.dayKey); }
        });
        try { window.localStorage.setItem(storeKey, JSON.stringify(now)); } catch (e) { /* private mode */ }
      });
    });

    // Printing shows every day, open: the printed itinerary is the whole trip.
    var before = [];
    window.addEventListener("beforeprint", function () {
      before = days.map(function (day) {
        var details = day.querySelector("details.day-details");
        var state = { day: day, hidden: day.hidden, details: details, open: details && details.open };
        day.hidden = false;
        if (details) { details.open = true; }
        return state;
      });
    });
    window.addEventListener("afterprint", function () {
      before.forEach(function (state) {
        state.day.hidden = state.hidden;
        if (state.details) { state.details.open = state.open; }
      });
      before = [];
    });

    var nav = section.querySelector(".day-switcher");
    if (!nav || !window.matchMedia) { return; }
    var links = Array.prototype.slice.call(nav.querySelectorAll("[data-day-link]"));
    var phone = window.matchMedia("(max-width: 600px)");
    var current = null;

    function select(key, focus) {
      current = key;
      days.forEach(function (day) {
        day.hidden = phone.matches && day.dataset.day !== key;
        if (day.dataset.day === key) {
          var details = day.querySelector("details.day-details");
          if (details && phone.matches && focus) { details.open = true; }
        }
      });
      links.forEach(function (link) {
        if (link.dataset.dayLink === key && phone.matches) {
          link.setAttribute("aria-current", "true");
          var row = link.closest("ul");
          if (row) { row.scrollLeft = Math.max(0, link.offsetLeft - row.offsetLeft - 16); }
        } else {
          link.removeAttribute("aria-current");
        }
      });
      if (focus) {
        var heading = section.querySelector("#day-" + key + "-heading");
        if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus({ preventScroll: true }); }
      }
    }

    showDayOf = function (element) {
      var day = element.closest(".itinerary-day[data-day]");
      if (day && day.hidden) { select(day.dataset.day, false); }
    };

    function initial() {
      var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
      var day = target && target.closest ? target.closest(".itinerary-day[data-day]") : null;
      if (day) { return day.dataset.day; }
      var today = new Date();
      var iso = today.getFullYear() + "-" + String(today.getMonth() + 1).padStart(2, "0") + "-" + String(today.getDate()).padStart(2, "0");
      var todays = days.filter(function (d) { return d.dataset.day === iso; })[0];
      return (todays || days[0]).dataset.day;
    }

    links.forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (!phone.matches) { return; }
        event.preventDefault();
        select(link.dataset.dayLink, true);
        var top = nav.getBoundingClientRect().top + window.scrollY;
        if (window.scrollY > top) { window.scrollTo(0, top); }
      });
    });
    nav.classList.add("day-switcher-ready");
    select(initial(), false);
    var target = window.location.hash && document.getElementById(window.location.hash.slice(1));
    if (target && phone.matches) { target.scrollIntoView(); }
    var onChange = function () { select(current, false); };
    if (phone.addEventListener) { phone.addEventListener("change", onChange); } else { phone.addListener(onChange); }
  }

  /* "Add to this day": a place picked in the inline search goes after the name typed
     ("Tile museum" + "Lisbon, Portugal"), which quick-add splits at the first comma. */
  function initDayAdd() {
    document.querySelectorAll(".day-add-form input[name=title]").forEach(function (input) {
      var typed = "";
      input.addEventListener("input", function (event) {
        if (event.isTrusted) { typed = input.value; }
      });
      input.addEventListener("change", function (event) {
        if (event.isTrusted || !typed || typed.indexOf(",") !== -1 || input.value === typed) { return; }
        input.value = typed.trim() + ", " + input.value;
        typed = input.value;
      });
    });
  }

  function csrfToken(section) {
    var input = section.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function initDragAndDrop() {
    var section = document.getElementById("itinerary");
    if (!section || !section.dataset.reorderUrl) { return; }
    var dragged = null;
    var lists = section.querySelectorAll(".activity-list");

    function save(listsTouched) {
      var days = {};
      listsTouched.forEach(function (list) {
        days[list.dataset.day] = Array.prototype.map.call(
          list.querySelectorAll(":scope > .activity"), function (li) { return Number(li.dataset.id); });
      });
      return fetch(section.dataset.reorderUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken(section), "Accept": "application/json" },
        body: JSON.stringify({ days: days })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) { throw new Error(body.error || "The new order could not be saved."); }
        });
      }).then(function () {
        window.location.reload();
      }).catch(function (error) {
        window.alert(error.message + " The page will reload.");
        window.location.reload();
      });
    }

    section.querySelectorAll(".activity[draggable=true]").forEach(function (item) {
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", item.dataset.id);
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("dragging");
      });
    });

    lists.forEach(function (list) {
      list.addEventListener("dragover", function (event) {
        if (!dragged) { return; }
        event.preventDefault();
        var after = null;
        list.querySelectorAll(":scope > .activity:not(.dragging)").forEach(function (child) {
          var box = child.getBoundingClientRect();
          if (after === null && event.clientY < box.top + box.height / 2) { after = child; }
        });
        if (after) { list.insertBefore(dragged, after); } else { list.appendChild(dragged); }
      });
      list.addEventListener("drop", function (event) {
        if (!dragged) { return; }
        event.preventDefault();
        var origin = dragged.dataset.originDay;
        var touched = [list];
        lists.forEach(function (other) {
          if (other !== list && other.dataset.day === origin) { touched.push(other); }
        });
        dragged = null;
        save(touched);
      });
    });
    section.querySelectorAll(".activity").forEach(function (item) {
      item.dataset.originDay = item.closest(".activity-list").dataset.day;
    });
    section.classList.add("js-draggable");
  }

  function init() {
    initPrint();
    initDays();
    initDayAdd();
    initMap();
    initDragAndDrop();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
