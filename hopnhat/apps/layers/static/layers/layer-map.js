// The layer page map: units, overlaps in red, gaps in amber; clicking a list item zooms to it.
// No base tiles: the map works offline on the layer's own shapes.
(function () {
  "use strict";

  var STYLES = {
    unit: { color: "#0b3d6e", weight: 1, fillColor: "#0b3d6e", fillOpacity: 0.15 },
    overlap: { color: "#b3261e", weight: 2, fillColor: "#b3261e", fillOpacity: 0.5 },
    gap: { color: "#8a5a00", weight: 2, fillColor: "#ffbf47", fillOpacity: 0.7 }
  };

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function start(element) {
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    var found = { overlap: [], gap: [] };

    fetch(element.getAttribute("data-map-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var units = L.geoJSON(data.features, {
          style: function () { return STYLES.unit; },
          onEachFeature: function (feature, layer) {
            layer.bindTooltip(text(feature.properties.code + " " + feature.properties.name));
          }
        }).addTo(map);
        ["overlap", "gap"].forEach(function (kind) {
          L.geoJSON(data[kind + "s"], {
            style: function () { return STYLES[kind]; },
            onEachFeature: function (feature, layer) { found[kind][feature.properties.index] = layer; }
          }).addTo(map);
        });
        var bounds = units.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds); } else { map.setView([21, 106], 7); }
      });

    document.querySelectorAll(".js-coverage-item").forEach(function (button) {
      button.addEventListener("click", function () {
        var layer = found[button.getAttribute("data-kind")][Number(button.getAttribute("data-index"))];
        document.querySelectorAll(".js-coverage-item.active").forEach(function (b) { b.classList.remove("active"); });
        button.classList.add("active");
        if (layer) {
          map.fitBounds(layer.getBounds(), { maxZoom: 17, padding: [40, 40] });
          layer.bringToFront();
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("layer-map");
    if (element && window.L) { start(element); }
  });
})();
