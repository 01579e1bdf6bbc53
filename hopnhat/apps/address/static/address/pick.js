// Pick the place of a divided commune on the map: the form is sent again with the point.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("address-map");
    var data = document.getElementById("address-candidates");
    if (!el || !data || !window.L) { return; }
    var shapes = JSON.parse(data.textContent);
    var map = window.L.map(el);
    var layer = window.L.geoJSON(shapes, {
      style: function () { return { color: "#0d6efd", weight: 2, fillOpacity: 0.15 }; },
      onEachFeature: function (feature, item) {
        item.bindTooltip(feature.properties.name + " (" + feature.properties.code + ")");
      }
    }).addTo(map);
    map.fitBounds(layer.getBounds());
    map.on("click", function (event) {
      var form = document.getElementById("convert-form");
      form.querySelector("[name=lon]").value = event.latlng.lng.toFixed(6);
      form.querySelector("[name=lat]").value = event.latlng.lat.toFixed(6);
      form.submit();
    });
  });
})();
