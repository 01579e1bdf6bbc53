// Unit maps: polygons from /api/v1/units.geojson coloured by the classes the server computed.
// Every string comes from data-label-* attributes rendered by the template (Django i18n);
// no base tiles unless the page passes a tile URL (settings.TILE_URL).
(function () {
  "use strict";

  var BAND_CLASSES = 5;

  function parseJson(text, fallback) {
    try { return JSON.parse(text || ""); } catch (error) { return fallback; }
  }

  // The same rule as views.band_of: the first class whose upper bound holds the value.
  function bandOf(value, breaks) {
    if (value === null || value === undefined || !breaks.length) { return null; }
    for (var i = 0; i < breaks.length; i++) {
      if (value <= breaks[i]) { return i; }
    }
    return breaks.length - 1;
  }

  function metricValue(metric, props) {
    var population = props.population;
    var area = props.area_km2;
    if (metric === "population") { return population === null || population === undefined ? null : population; }
    if (metric === "area") { return area === null || area === undefined ? null : area; }
    if (population === null || population === undefined || !area) { return null; }
    return population / area;
  }

  function setStatus(el, text) {
    var status = document.querySelector('[data-map-status="' + el.id + '"]');
    if (status) { status.textContent = text; }
  }

  function tooltipFor(el, props, value) {
    var locale = el.dataset.locale || "vi-VN";
    var metric = el.dataset.metric;
    var box = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = props.full_name + " (" + props.code + ")";
    box.appendChild(name);
    var line = document.createElement("div");
    var label = el.dataset["label" + metric.charAt(0).toUpperCase() + metric.slice(1)] || metric;
    var digits = metric === "area" ? 2 : 0;
    line.textContent = label + ": " + (value === null
      ? el.dataset.labelNoData
      : value.toLocaleString(locale, { maximumFractionDigits: digits, minimumFractionDigits: digits }));
    box.appendChild(line);
    return box;
  }

  function openCard(el, code) {
    var url = el.dataset.cardUrl.replace("__code__", encodeURIComponent(code));
    var panel = document.getElementById("unit-panel");
    if (panel && window.htmx) {
      window.htmx.ajax("GET", url, { target: "#unit-panel", swap: "innerHTML" });
    } else {
      window.location.assign(url);
    }
  }

  function addTiles(map, el) {
    if (!el.dataset.tileUrl) { return; }
    window.L.tileLayer(el.dataset.tileUrl, {
      attribution: el.dataset.tileAttribution || "",
      maxZoom: 18,
      className: "base-tiles"
    }).addTo(map);
  }

  function initMap(el) {
    var L = window.L;
    var map = L.map(el, { zoomSnap: 0.25, preferCanvas: false, attributionControl: !!el.dataset.tileUrl });
    el.hopnhatMap = map;
    addTiles(map, el);
    map.setView([20.9, 106.5], 8);  // Hải Phòng and Hải Dương until the polygons arrive
    if (el.dataset.mappedCount === "0") {
      el.dataset.loaded = "empty";
      return map;
    }
    var breaks = parseJson(el.dataset.breaks, []);
    var highlight = parseJson(el.dataset.highlight, []);
    var highlighted = {};
    highlight.forEach(function (code) { highlighted[code] = true; });
    setStatus(el, el.dataset.labelLoading);
    window.fetch(el.dataset.geojsonUrl, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var byCode = {};
        var matches = [];
        var layer = L.geoJSON(data, {
          filter: function (feature) { return !!feature.geometry; },
          style: function (feature) {
            var value = metricValue(el.dataset.metric, feature.properties);
            var band = bandOf(value, breaks);
            var classes = "unit-shape band-" + (band === null ? "none" : band);
            if (highlighted[feature.properties.code]) { classes += " is-match"; }
            return { className: classes, weight: 1 };
          },
          onEachFeature: function (feature, shape) {
            var props = feature.properties;
            var value = metricValue(el.dataset.metric, props);
            byCode[props.code] = shape;
            if (highlighted[props.code]) { matches.push(shape); }
            shape.bindTooltip(tooltipFor(el, props, value), { sticky: true });
            shape.on("click", function () { openCard(el, props.code); });
          }
        }).addTo(map);
        el.hopnhatShapes = byCode;
        var focus = matches.length ? L.featureGroup(matches) : layer;
        var bounds = focus.getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12], maxZoom: 12, animate: false }); }
        el.dataset.featureCount = String(data.features.length);
        el.dataset.loaded = "true";
        setStatus(el, el.dataset.labelReady);
        el.dispatchEvent(new CustomEvent("territory:loaded", { bubbles: true }));
      })
      .catch(function () {
        el.dataset.loaded = "error";
        setStatus(el, el.dataset.labelError);
        el.dispatchEvent(new CustomEvent("territory:loaded", { bubbles: true }));
      });
    return map;
  }

  // Focusing a unit in the list outlines its polygon: the list is the keyboard way in.
  function linkListToMap(el) {
    document.querySelectorAll("[data-unit-link]").forEach(function (link) {
      function toggle(on) {
        var shape = el.hopnhatShapes && el.hopnhatShapes[link.dataset.unitLink];
        if (!shape || !shape.getElement()) { return; }
        shape.getElement().classList.toggle("is-focused", on);
        if (on) { shape.bringToFront(); }
      }
      link.addEventListener("focus", function () { toggle(true); });
      link.addEventListener("blur", function () { toggle(false); });
      link.addEventListener("mouseenter", function () { toggle(true); });
      link.addEventListener("mouseleave", function () { toggle(false); });
    });
  }

  function syncMaps(maps) {
    var syncing = false;
    maps.forEach(function (source) {
      source.on("move", function () {
        if (syncing) { return; }
        syncing = true;
        maps.forEach(function (other) {
          if (other !== source) { other.setView(source.getCenter(), source.getZoom(), { animate: false }); }
        });
        syncing = false;
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) { return; }
    var maps = [];
    document.querySelectorAll("[data-territory-map]").forEach(function (el) {
      maps.push(initMap(el));
      linkListToMap(el);
    });
    if (document.querySelector("[data-sync-maps]") && maps.length > 1) {
      // Both maps fit their own polygons first; from then on they move together.
      var pending = document.querySelectorAll('[data-territory-map]:not([data-loaded="empty"])').length;
      var start = function () { syncMaps(maps); };
      if (!pending) { start(); }
      document.addEventListener("territory:loaded", function () {
        pending -= 1;
        if (pending === 0) {
          maps[1].setView(maps[0].getCenter(), maps[0].getZoom(), { animate: false });
          start();
        }
      });
    }
    window.addEventListener("beforeprint", function () {
      maps.forEach(function (map) { map.invalidateSize(); });
    });
  });

  // A card loaded into the side panel takes the focus, so keyboard users land on it.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "unit-panel") {
      var title = event.detail.target.querySelector(".unit-card-title");
      if (title) { title.focus(); }
    }
  });

  window.hopnhatTerritory = { bandOf: bandOf, metricValue: metricValue, classes: BAND_CLASSES };
})();
