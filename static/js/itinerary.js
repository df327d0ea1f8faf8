/* Itinerary enhancements. Everything here is optional: without JavaScript the page offers
   the same actions through plain forms (move up/down buttons, day selects).
   - Map: numbered markers per day with Leaflet (vendored), only when the page has markers.
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
    window.L.tileLayer(element.dataset.tileUrl, {
      maxZoom: 19,
      attribution: element.dataset.tileAttribution
    }).addTo(map);
    var palette = ["#0b5c8a", "#b42318", "#1e6b3a", "#8a5300", "#6941c6", "#c11574", "#0e7090"];
    var bounds = [];
    markers.forEach(function (m) {
      var colour = palette[(m.day || 0) % palette.length];
      var icon = window.L.divIcon({
        className: "map-number",
        html: '<span style="background:' + colour + '">' + m.number + "</span>",
        iconSize: [28, 28],
        iconAnchor: [14, 14]
      });
      var label = (m.dayLabel ? m.dayLabel + ", " : "") + m.number + ". " + m.title;
      var marker = window.L.marker([m.lat, m.lng], { icon: icon, title: label, alt: label });
      var popup = document.createElement("a");
      popup.href = "#activity-" + m.id;
      popup.textContent = label;
      marker.bindPopup(popup).addTo(map);
      bounds.push([m.lat, m.lng]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 14); } else { map.fitBounds(bounds, { padding: [24, 24] }); }
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
    initMap();
    initDragAndDrop();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
