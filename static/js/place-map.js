/* The small map of a form's coordinates ([data-place-map], templates/places/_place_map.html).
   One marker at the latitude and longitude typed in the form; it follows every edit of those
   fields, including the fills of place search. Tiles that cannot load (offline, blocked)
   leave a plain background and a sentence saying so; the marker still shows. */
(function () {
  "use strict";

  function coordinate(field, limit) {
    if (!field || field.value.trim() === "") return null;
    var value = Number(field.value.trim());
    return isFinite(value) && Math.abs(value) <= limit ? value : null;
  }

  function init(figure) {
    var latField = document.querySelector(figure.dataset.latitude);
    var lngField = document.querySelector(figure.dataset.longitude);
    var element = figure.querySelector(".place-map");
    var empty = figure.querySelector(".place-map-empty");
    var caption = figure.querySelector("[data-place-map-caption]");
    if (!latField || !lngField || typeof window.L === "undefined") return;
    figure.hidden = false;
    var map = null;
    var marker = null;
    var tilesFailed = false;

    function describe(lat, lng) {
      var where = "The marker is at " + lat.toFixed(5) + ", " + lng.toFixed(5) + ".";
      caption.textContent = tilesFailed
        ? where + " The map's background could not be loaded."
        : where;
    }

    function start(lat, lng) {
      empty.hidden = true;
      map = window.L.map(element, { scrollWheelZoom: false });
      window.L.tileLayer(element.dataset.tileUrl, {
        maxZoom: 19,
        attribution: element.dataset.tileAttribution
      })
        .on("tileerror", function () {
          if (tilesFailed) return;
          tilesFailed = true;
          figure.classList.add("place-map-offline");
          if (marker) describe(marker.getLatLng().lat, marker.getLatLng().lng);
        })
        .addTo(map);
      map.setView([lat, lng], 13);
    }

    function update() {
      var lat = coordinate(latField, 90);
      var lng = coordinate(lngField, 180);
      if (lat === null || lng === null) {
        if (marker) { marker.remove(); marker = null; }
        caption.textContent = map ? "No marker: give both latitude and longitude." : "";
        return;
      }
      if (!map) start(lat, lng);
      if (marker) {
        marker.setLatLng([lat, lng]);
      } else {
        var icon = window.L.divIcon({ className: "place-pin", iconSize: [22, 22], iconAnchor: [11, 22] });
        marker = window.L.marker([lat, lng], { icon: icon, interactive: false, keyboard: false }).addTo(map);
      }
      map.panTo([lat, lng]);
      describe(lat, lng);
    }

    latField.addEventListener("input", update);
    lngField.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("[data-place-map]").forEach(init);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
