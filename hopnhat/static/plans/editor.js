// The plan editor: old units on a map, coloured by the new unit that takes them.
//
// Everything the user does is a command on a client-side stack (undo/redo), applied to an
// indexed state (units by key, holders by old code), after which only the touched units are
// re-tallied and re-drawn: that keeps every interaction well under 100 ms with 2,000 units.
// Tallies follow the thresholds the server probed from the plan's rule set (the bootstrap);
// the server's check after each autosave stays the authority and is shown beside them.
// Strings come from the data-* attributes of #editor-labels (Django i18n); no inline script.
(function () {
  "use strict";

  var TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;
  var COMBINING = /[\u0300-\u036f]/g;
  var TYPE_WORDS = ["xa ", "phuong ", "dac khu ", "thi tran "];
  var AUTOSAVE_MS = 1200;
  var LIST_LIMIT = 60;

  function $(id) { return document.getElementById(id); }

  function fmt(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (match, name) {
      return values && values[name] !== undefined ? String(values[name]) : match;
    });
  }

  function fold(text) {
    return String(text || "").normalize("NFD").replace(COMBINING, "").replace(/đ/g, "d")
      .replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  // The same key as engine/standards/plan_rules.name_key: type word dropped, tone placement
  // ignored ("hoà" = "hòa"), case and Unicode form ignored.
  function nameKey(name) {
    var words = String(name || "").normalize("NFC").replace(/\s+/g, " ").trim();
    var folded = fold(words);
    for (var i = 0; i < TYPE_WORDS.length; i++) {
      if (folded.indexOf(TYPE_WORDS[i]) === 0) { words = words.slice(TYPE_WORDS[i].length); break; }
    }
    return words.split(" ").map(function (syllable) {
      var decomposed = syllable.toLowerCase().normalize("NFD");
      var tones = (decomposed.match(TONE_MARKS) || []).join("");
      return decomposed.replace(TONE_MARKS, "").normalize("NFC") + tones;
    }).join(" ");
  }

  function factorsKey(factors) {
    var keys = Object.keys(factors || {}).sort();
    var parts = keys.map(function (k) { return JSON.stringify(k) + ":" + JSON.stringify(factors[k]); });
    return "{" + parts.join(",") + "}";
  }

  function clone(value) { return value === undefined ? undefined : JSON.parse(JSON.stringify(value)); }

  function colourOf(key) {
    var hash = 0;
    for (var i = 0; i < key.length; i++) { hash = (hash * 31 + key.charCodeAt(i)) >>> 0; }
    return "hsl(" + ((hash * 137) % 360) + ", 62%, " + (48 + (hash % 3) * 8) + "%)";
  }

  function pointInPolygon(point, ring) {
    var x = point[0], y = point[1], inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) { inside = !inside; }
    }
    return inside;
  }

  function Editor(root) {
    this.root = root;
    this.labels = $("editor-labels").dataset;
    this.locale = root.dataset.locale || "vi-VN";
    this.language = root.dataset.language || "vi";
    this.canEdit = root.dataset.canEdit === "true";
    this.old = new Map();          // code -> old unit (+ layer)
    this.units = new Map();        // key -> unit in payload form
    this.order = [];               // unit keys in the plan's order
    this.notArranged = new Map();  // code -> reason
    this.holders = new Map();      // old code -> Set of unit keys holding (part of) it
    this.tallies = new Map();      // key -> tally
    this.rows = new Map();         // key -> <tr>
    this.selection = new Set();
    this.undoStack = [];
    this.redoStack = [];
    this.version = 0;
    this.base = null;              // the last payload the server holds, for merges
    this.dirty = false;
    this.saving = false;
    this.conflict = null;
    this.saveTimer = null;
    this.serverCheck = null;
    this.timings = [];
    this.lasso = null;
    window.hopnhatEditor = this;
  }

  Editor.prototype.t = function (name, values) { return fmt(this.labels[name] || name, values); };

  Editor.prototype.number = function (value, digits) {
    if (value === null || value === undefined || isNaN(value)) { return "—"; }
    return Number(value).toLocaleString(this.locale, {
      minimumFractionDigits: digits, maximumFractionDigits: digits
    });
  };

  Editor.prototype.percent = function (value) {
    return value === null || value === undefined ? "—" : this.number(value, 2) + "%";
  };

  Editor.prototype.typeLabel = function (type) {
    return { xa: this.labels.xa, phuong: this.labels.phuong, dac_khu: this.labels.dacKhu }[type] || "";
  };

  Editor.prototype.fullName = function (unit) {
    var tally = this.tallies.get(unit.key);
    var type = tally ? tally.type : "";
    return (this.typeLabel(type) + " " + unit.name).trim();
  };

  // Loading --------------------------------------------------------------------------------

  Editor.prototype.load = function () {
    var self = this;
    $("map-status").textContent = this.t("loading");
    return window.fetch(this.root.dataset.bootstrapUrl, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        self.rules = data.rules;
        self.buildMap(data.old_units);
        self.fillDistricts(data.districts);
        self.reset(data.assignment);
        self.bindControls();
        self.root.dataset.loaded = "true";
        self.root.dataset.unitCount = String(data.old_units.length);
        $("map-status").textContent = self.t("loaded");
        self.setSaveStatus(self.canEdit ? "" : self.t("readOnly"));
        self.fetchCheck();
      })
      .catch(function (error) {
        self.root.dataset.loaded = "error";
        $("map-status").textContent = self.t("loadError") + " " + error.message;
      });
  };

  Editor.prototype.buildMap = function (oldUnits) {
    var L = window.L;
    var self = this;
    var map = L.map("editor-map", { zoomSnap: 0.25, boxZoom: false, doubleClickZoom: false, attributionControl: false });
    this.map = map;
    map.setView([20.9, 106.5], 9);
    var features = [];
    oldUnits.forEach(function (u) {
      self.old.set(u.code, {
        code: u.code, name: u.name, fullName: u.full_name, type: u.type, district: u.district,
        area: u.area_km2, population: u.population, label: u.label, neighbours: u.neighbours,
        hasGeometry: !!u.geometry, layer: null
      });
      if (u.geometry) {
        features.push({ type: "Feature", geometry: u.geometry, properties: { code: u.code } });
      }
    });
    var layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: function () { return { className: "old-unit", weight: 1, color: "#333", fillOpacity: 0.55 }; },
      onEachFeature: function (feature, shape) {
        var old = self.old.get(feature.properties.code);
        old.layer = shape;
        shape.bindTooltip(function () { return self.tooltipOf(old.code); }, { sticky: true });
        shape.on("click", function (event) { self.onShapeClick(old.code, event); });
      }
    }).addTo(map);
    this.layer = layer;
    var bounds = layer.getBounds();
    map.invalidateSize();  // the side panels settle the map's size only now
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [8, 8], animate: false }); }
    this.bindBoxSelection();
    this.bindLasso();
    var datalist = $("old-unit-options");
    var fragment = document.createDocumentFragment();
    oldUnits.forEach(function (u) {
      var option = document.createElement("option");
      option.value = u.full_name + " (" + u.code + ")";
      fragment.appendChild(option);
    });
    datalist.appendChild(fragment);
  };

  Editor.prototype.tooltipOf = function (code) {
    var old = this.old.get(code);
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = old.fullName + " (" + code + ")";
    box.appendChild(title);
    var holders = this.holders.get(code);
    if (holders && holders.size) {
      var line = document.createElement("div");
      var self = this;
      line.textContent = "→ " + Array.from(holders).map(function (key) {
        return self.fullName(self.units.get(key));
      }).join(", ");
      box.appendChild(line);
    }
    return box;
  };

  Editor.prototype.fillDistricts = function (districts) {
    var select = $("district-select");
    districts.forEach(function (d) {
      var option = document.createElement("option");
      option.value = d.code;
      option.textContent = d.name;
      select.appendChild(option);
    });
  };

  // The whole state from a payload (the bootstrap, a reload, an import): no undo across it.
  Editor.prototype.reset = function (assignment) {
    var self = this;
    this.units.clear();
    this.holders.clear();
    this.tallies.clear();
    this.order = [];
    this.notArranged.clear();
    this.rows.forEach(function (row) { row.remove(); });
    this.rows.clear();
    assignment.units.forEach(function (unit) { self.setUnit(unit.key, unit); self.order.push(unit.key); });
    assignment.not_arranged.forEach(function (r) { self.notArranged.set(r.old_code, r.reason); });
    this.version = assignment.version;
    this.base = { units: clone(assignment.units), not_arranged: clone(assignment.not_arranged) };
    this.undoStack = [];
    this.redoStack = [];
    this.dirty = false;
    this.refresh(this.order.slice(), Array.from(this.old.keys()), true);
  };

  // The indexed state ---------------------------------------------------------------------

  Editor.prototype.setUnit = function (key, unit) {
    var self = this;
    var before = this.units.get(key);
    if (before) {
      before.constituents.forEach(function (c) {
        var set = self.holders.get(c.old_code);
        if (set) { set.delete(key); if (!set.size) { self.holders.delete(c.old_code); } }
      });
    }
    if (unit === null) {
      this.units.delete(key);
      return;
    }
    unit = clone(unit);
    this.units.set(key, unit);
    unit.constituents.forEach(function (c) {
      var set = self.holders.get(c.old_code);
      if (!set) { set = new Set(); self.holders.set(c.old_code, set); }
      set.add(key);
    });
  };

  Editor.prototype.touchedCodes = function (side) {
    var codes = new Set();
    var self = this;
    Object.keys(side.units).forEach(function (key) {
      var now = self.units.get(key);
      if (now) { now.constituents.forEach(function (c) { codes.add(c.old_code); }); }
      var next = side.units[key];
      if (next) { next.constituents.forEach(function (c) { codes.add(c.old_code); }); }
    });
    Object.keys(side.notArranged || {}).forEach(function (code) { codes.add(code); });
    return codes;
  };

  Editor.prototype.applySide = function (side) {
    var self = this;
    var codes = this.touchedCodes(side);
    var keys = Object.keys(side.units);
    keys.forEach(function (key) { self.setUnit(key, side.units[key]); });
    if (side.order) { this.order = side.order.slice(); }
    Object.keys(side.notArranged || {}).forEach(function (code) {
      var reason = side.notArranged[code];
      if (reason === null) { self.notArranged.delete(code); } else { self.notArranged.set(code, reason); }
    });
    this.refresh(keys, Array.from(codes), !!side.order);
  };

  // A command: the before and after of every unit it touches, applied forward or back.
  Editor.prototype.execute = function (label, after, notArrangedAfter) {
    var self = this;
    var before = { units: {}, notArranged: {} };
    var forward = { units: after, notArranged: notArrangedAfter || {} };
    Object.keys(after).forEach(function (key) { before.units[key] = clone(self.units.get(key)) || null; });
    Object.keys(forward.notArranged).forEach(function (code) {
      before.notArranged[code] = self.notArranged.has(code) ? self.notArranged.get(code) : null;
    });
    var added = Object.keys(after).filter(function (k) { return after[k] && !self.units.has(k); });
    var removed = Object.keys(after).filter(function (k) { return !after[k] && self.units.has(k); });
    if (added.length || removed.length) {
      before.order = this.order.slice();
      forward.order = this.order.filter(function (k) { return removed.indexOf(k) < 0; }).concat(added);
    }
    var command = { label: label, before: before, after: forward };
    this.applySide(command.after);
    this.undoStack.push(command);
    this.redoStack = [];
    this.changed();
    return command;
  };

  Editor.prototype.undo = function () {
    var command = this.undoStack.pop();
    if (!command) { this.say(this.t("nothingToUndo")); return; }
    var started = window.performance.now();
    this.applySide(command.before);
    this.redoStack.push(command);
    this.changed();
    this.record("undo", started);
    this.say(this.t("undone", { what: command.label }));
  };

  Editor.prototype.redo = function () {
    var command = this.redoStack.pop();
    if (!command) { this.say(this.t("nothingToRedo")); return; }
    var started = window.performance.now();
    this.applySide(command.after);
    this.undoStack.push(command);
    this.changed();
    this.record("redo", started);
    this.say(this.t("redone", { what: command.label }));
  };

  Editor.prototype.changed = function () {
    $("undo").disabled = !this.undoStack.length || !this.canEdit;
    $("redo").disabled = !this.redoStack.length || !this.canEdit;
    this.dirty = true;
    this.setSaveStatus(this.t("unsaved"));
    this.scheduleSave();
  };

  Editor.prototype.record = function (action, started) {
    var ms = window.performance.now() - started;
    var entry = { action: action, ms: ms, units: this.old.size };
    this.timings.push(entry);
    this.lastInteractionMs = ms;
    this.root.dataset.lastInteractionMs = ms.toFixed(2);
    // The frame that shows it: what the user waits for, recorded beside the handler time.
    window.requestAnimationFrame(function () { entry.frameMs = window.performance.now() - started; });
  };

  // Tallies ------------------------------------------------------------------------------

  Editor.prototype.tallyOf = function (unit) {
    var self = this;
    var area = 0, population = 0, missing = false, types = [], counted = new Set();
    var countPartial = this.rules.count_partial_constituents;
    unit.constituents.forEach(function (c) {
      var old = self.old.get(c.old_code);
      var whole = c.relation === "whole";
      if (!old) { missing = true; return; }
      if (old.area === null || old.area === undefined) { missing = true; }
      else { area += old.area * (whole ? 1 : c.area_share); }
      if (old.population === null || old.population === undefined) { missing = true; }
      else { population += Math.round(old.population * (whole ? 1 : c.population_share)); }
      types.push(old.type);
      if (whole || countPartial) { counted.add(c.old_code); }
    });
    var type = unit.special_zone ? "dac_khu" : (types.indexOf("phuong") >= 0 ? "phuong" : "xa");
    if (unit.type_override && unit.type_override_reason) { type = unit.type_override; }
    if (unit.area_km2 !== null && unit.area_km2 !== undefined) { area = unit.area_km2; }
    else { area = Math.round(area * 100) / 100; }
    if (unit.population !== null && unit.population !== undefined) { population = unit.population; }
    var entered = unit.area_km2 !== null && unit.area_km2 !== undefined &&
      unit.population !== null && unit.population !== undefined;
    if (entered) { missing = false; }
    var rules = this.rules.profiles;
    var profile = rules[type + "|" + factorsKey(unit.factors)] || rules[type + "|{}"] || {};
    var tally = {
      key: unit.key, type: type, area: area, population: population, count: counted.size,
      areaPct: null, populationPct: null, status: "pass", reasons: [], failures: [],
      pieces: this.piecesOf(unit), exemption: null
    };
    if (!unit.constituents.length) {
      tally.status = "fail";
      tally.reasons.push(this.t("noConstituent"));
      return tally;
    }
    if (missing) {
      tally.status = "fail";
      tally.reasons.push(this.t("missingFigures"));
      return tally;
    }
    var lang = this.language === "vi" ? "vi" : "en";
    if (profile.area) {
      tally.areaPct = 100 * area / profile.area.value;
      if (area < profile.area.value) {
        tally.failures.push(this.t("belowArea", {
          value: this.number(area, 2), percent: this.percent(tally.areaPct),
          threshold: this.number(profile.area.value, 2), basis: profile.area["basis_" + lang]
        }));
      }
    }
    if (profile.population) {
      tally.populationPct = 100 * population / profile.population.value;
      if (population < profile.population.value) {
        tally.failures.push(this.t("belowPopulation", {
          value: this.number(population, 0), percent: this.percent(tally.populationPct),
          threshold: this.number(profile.population.value, 0), basis: profile.population["basis_" + lang]
        }));
      }
    }
    var exemption = profile.always_exempt;
    if (!exemption && tally.failures.length && this.rules.waivable &&
        profile.exempt_from && tally.count >= profile.exempt_from) {
      exemption = profile.exemption;
    }
    if (exemption) {
      tally.status = "exempt";
      tally.exemption = exemption;
      tally.reasons.push(this.exemptionText(exemption, tally.count));
    } else if (tally.failures.length) {
      tally.status = "fail";
    }
    tally.reasons = tally.reasons.concat(tally.failures);
    return tally;
  };

  Editor.prototype.exemptionText = function (exemption, count) {
    var vi = this.language === "vi";
    // The probe counted 3 constituents; the unit's own count replaces it in the reason.
    var reason = (vi ? exemption.reason_vi : exemption.reason_en).replace(/\((\d+)( đơn vị)?\)/, function (m, n, word) {
      return "(" + count + (word || "") + ")";
    });
    return reason + " (" + (vi ? exemption.citation.vi : exemption.citation.en) + ")";
  };

  // Contiguity from the precomputed neighbour lists: pieces = connected components.
  Editor.prototype.piecesOf = function (unit) {
    if (unit.special_zone || unit.detached_reason || (unit.factors && unit.factors.island)) { return 1; }
    var self = this;
    var members = new Set();
    unit.constituents.forEach(function (c) {
      var old = self.old.get(c.old_code);
      if (old && old.hasGeometry) { members.add(c.old_code); }
    });
    var seen = new Set(), pieces = 0;
    members.forEach(function (start) {
      if (seen.has(start)) { return; }
      pieces += 1;
      var stack = [start];
      seen.add(start);
      while (stack.length) {
        var code = stack.pop();
        var neighbours = self.old.get(code).neighbours;
        for (var i = 0; i < neighbours.length; i++) {
          var next = neighbours[i];
          if (members.has(next) && !seen.has(next)) { seen.add(next); stack.push(next); }
        }
      }
    });
    return pieces;
  };

  // Re-tally the touched units, re-draw their rows and old units, then the problem lists.
  Editor.prototype.refresh = function (keys, codes, orderChanged) {
    var self = this;
    keys.forEach(function (key) {
      var unit = self.units.get(key);
      if (unit) { self.tallies.set(key, self.tallyOf(unit)); } else { self.tallies.delete(key); }
    });
    keys.forEach(function (key) { self.renderRow(key); });
    if (orderChanged) { this.reorderRows(); this.fillTargets(); }
    else if (keys.some(function (k) { return self.units.has(k); })) { this.renameTargets(keys); }
    codes.forEach(function (code) { self.restyle(code); });
    this.renderProblems();
    this.renderSummary();
    this.onTargetChange();  // an undone lock turns the Lock button back
  };

  Editor.prototype.renderSummary = function () {
    var counts = { pass: 0, exempt: 0, fail: 0 };
    this.tallies.forEach(function (t) { counts[t.status] += 1; });
    $("tally-summary").textContent = this.order.length + " · " + this.labels.pass + " " + counts.pass +
      " · " + this.labels.exempt + " " + counts.exempt + " · " + this.labels.fail + " " + counts.fail;
    $("tally-summary").dataset.units = String(this.order.length);
    $("tally-summary").dataset.fail = String(counts.fail);
  };

  Editor.prototype.badge = function (status) {
    var span = document.createElement("span");
    span.className = "badge tally-badge status-" + status;
    span.textContent = this.labels[status] || status;
    return span;
  };

  Editor.prototype.renderRow = function (key) {
    var self = this;
    var unit = this.units.get(key);
    var row = this.rows.get(key);
    if (!unit) {
      if (row) { row.remove(); this.rows.delete(key); }
      return;
    }
    var tally = this.tallies.get(key);
    if (!row) {
      row = document.createElement("tr");
      row.dataset.key = key;
      this.rows.set(key, row);
      $("tally-body").appendChild(row);
    }
    row.dataset.status = tally.status;
    row.replaceChildren();
    var name = document.createElement("th");
    name.scope = "row";
    var swatch = document.createElement("span");
    swatch.className = "swatch";
    swatch.setAttribute("aria-hidden", "true");
    name.appendChild(swatch);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-link btn-sm p-0 unit-link";
    button.textContent = this.fullName(unit);
    button.addEventListener("click", function () { self.focusUnit(key); });
    name.appendChild(button);
    row.dataset.locked = unit.locked ? "true" : "false";
    if (unit.locked) {
      var lock = document.createElement("span");
      lock.className = "badge text-bg-secondary ms-1";
      lock.dataset.testid = "locked-badge";
      lock.textContent = this.labels.lockedBadge;
      name.appendChild(lock);
    }
    row.appendChild(name);
    var area = document.createElement("td");
    area.className = "text-end";
    area.dataset.cell = "area";
    area.textContent = this.number(tally.area, 2) + (tally.areaPct === null ? "" : " (" + this.percent(tally.areaPct) + ")");
    row.appendChild(area);
    var population = document.createElement("td");
    population.className = "text-end";
    population.dataset.cell = "population";
    population.textContent = this.number(tally.population, 0) +
      (tally.populationPct === null ? "" : " (" + this.percent(tally.populationPct) + ")");
    row.appendChild(population);
    var count = document.createElement("td");
    count.className = "text-end";
    count.dataset.cell = "count";
    count.title = unit.constituents.map(function (c) {
      var old = self.old.get(c.old_code);
      return (old ? old.fullName : c.old_code) + (c.relation === "part" ? " (" + self.labels.part + ")" : "");
    }).join(", ");
    count.textContent = String(tally.count);
    row.appendChild(count);
    var result = document.createElement("td");
    result.dataset.cell = "result";
    result.appendChild(this.badge(tally.status));
    tally.reasons.forEach(function (reason) {
      var line = document.createElement("div");
      line.className = "small";
      line.textContent = reason;
      result.appendChild(line);
    });
    var server = this.serverCheck && this.serverCheck.get(key);
    if (server && server.status !== tally.status && !this.dirty) {
      var note = document.createElement("div");
      note.className = "small server-note";
      note.textContent = this.t("mismatch", { status: this.labels[server.status] || server.status });
      result.appendChild(note);
    }
    row.appendChild(result);
    swatch.style.backgroundColor = colourOf(key);
  };

  Editor.prototype.reorderRows = function () {
    var body = $("tally-body");
    var self = this;
    var fragment = document.createDocumentFragment();
    this.order.forEach(function (key) { var row = self.rows.get(key); if (row) { fragment.appendChild(row); } });
    body.appendChild(fragment);
  };

  Editor.prototype.restyle = function (code) {
    var old = this.old.get(code);
    if (!old || !old.layer) { return; }
    var holders = this.holders.get(code);
    var colour = "#bbbbbb";
    var dashed = false;
    if (holders && holders.size) {
      colour = colourOf(holders.values().next().value);
      dashed = holders.size > 1;
    }
    old.layer.setStyle({ fillColor: colour, dashArray: dashed ? "4 3" : null });
    var element = old.layer.getElement();
    if (element) {
      element.classList.toggle("is-selected", this.selection.has(code));
      element.classList.toggle("is-unassigned", !holders && !this.notArranged.has(code));
    }
  };

  // Problems -------------------------------------------------------------------------------

  Editor.prototype.renderProblems = function () {
    var self = this;
    var lists = { unassigned: [], shares: [], contiguity: [], threshold: [], names: [] };
    this.old.forEach(function (old, code) {
      var holders = self.holders.get(code);
      if (!holders && !self.notArranged.has(code)) {
        lists.unassigned.push({ text: self.t("unassignedItem", { name: old.fullName, code: code }), codes: [code] });
        return;
      }
      if (holders && holders.size > 1) {
        var area = 0, population = 0;
        holders.forEach(function (key) {
          self.units.get(key).constituents.forEach(function (c) {
            if (c.old_code === code) {
              area += c.relation === "whole" ? 1 : c.area_share;
              population += c.relation === "whole" ? 1 : c.population_share;
            }
          });
        });
        if (Math.abs(area - 1) > 0.001 || Math.abs(population - 1) > 0.001) {
          lists.shares.push({
            text: self.t("sharesItem", { name: old.fullName, code: code, percent: self.percent(100 * area) }),
            codes: [code]
          });
        }
      }
    });
    var byName = new Map();
    this.order.forEach(function (key) {
      var unit = self.units.get(key);
      var tally = self.tallies.get(key);
      var codes = unit.constituents.map(function (c) { return c.old_code; });
      if (tally.pieces > 1) {
        lists.contiguity.push({ text: self.fullName(unit) + ": " + self.t("nonContiguous", { count: tally.pieces }), codes: codes, key: key });
      }
      if (tally.failures.length && tally.status === "fail") {
        lists.threshold.push({ text: self.fullName(unit) + ": " + tally.failures.join(" "), codes: codes, key: key });
      }
      var nk = nameKey(unit.name);
      if (!byName.has(nk)) { byName.set(nk, []); }
      byName.get(nk).push(key);
    });
    byName.forEach(function (keys) {
      if (keys.length < 2) { return; }
      var codes = [];
      keys.forEach(function (key) { self.units.get(key).constituents.forEach(function (c) { codes.push(c.old_code); }); });
      lists.names.push({
        text: keys.map(function (key) { return self.fullName(self.units.get(key)); }).join(", "),
        codes: codes
      });
    });
    Object.keys(lists).forEach(function (name) { self.renderProblemList(name, lists[name]); });
    this.problems = lists;
  };

  Editor.prototype.renderProblemList = function (name, items) {
    var self = this;
    var list = this.root.querySelector('[data-problem="' + name + '"]');
    this.root.querySelector('[data-problem-count="' + name + '"]').textContent = String(items.length);
    list.replaceChildren();
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "text-body-secondary";
      none.textContent = this.labels.noProblem;
      list.appendChild(none);
      return;
    }
    items.slice(0, LIST_LIMIT).forEach(function (item) {
      var li = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "btn btn-link btn-sm p-0 text-start problem-link";
      button.textContent = item.text;
      button.title = self.labels.zoom;
      button.addEventListener("click", function () { self.zoomTo(item.codes, true); });
      li.appendChild(button);
      list.appendChild(li);
    });
    if (items.length > LIST_LIMIT) {
      var more = document.createElement("li");
      more.textContent = "+ " + (items.length - LIST_LIMIT);
      list.appendChild(more);
    }
  };

  Editor.prototype.zoomTo = function (codes, select) {
    var L = window.L;
    var self = this;
    var layers = codes.map(function (code) { var o = self.old.get(code); return o && o.layer; }).filter(Boolean);
    if (layers.length) {
      this.map.fitBounds(L.featureGroup(layers).getBounds(), { padding: [24, 24], maxZoom: 13, animate: false });
    }
    if (select) { this.select(codes, false); }
  };

  Editor.prototype.focusUnit = function (key) {
    var unit = this.units.get(key);
    if (!unit) { return; }
    $("target-unit").value = key;
    this.onTargetChange();
    this.zoomTo(unit.constituents.map(function (c) { return c.old_code; }), true);
  };

  // Selection ------------------------------------------------------------------------------

  Editor.prototype.select = function (codes, add) {
    var self = this;
    var previous = Array.from(this.selection);
    if (!add) { this.selection.clear(); }
    codes.forEach(function (code) { if (self.old.has(code)) { self.selection.add(code); } });
    previous.concat(codes).forEach(function (code) { self.restyle(code); });
    this.renderSelection();
  };

  Editor.prototype.toggle = function (code) {
    if (this.selection.has(code)) { this.selection.delete(code); } else { this.selection.add(code); }
    this.restyle(code);
    this.renderSelection();
  };

  Editor.prototype.renderSelection = function () {
    var self = this;
    var status = $("selection-status");
    status.dataset.count = String(this.selection.size);
    if (!this.selection.size) { status.textContent = this.t("nothingSelected"); return; }
    var names = Array.from(this.selection).slice(0, 8).map(function (code) { return self.old.get(code).fullName; });
    status.textContent = this.t("selected", { count: this.selection.size }) + ": " + names.join(", ") +
      (this.selection.size > 8 ? ", …" : "");
  };

  Editor.prototype.onShapeClick = function (code, event) {
    if (this.lasso || this.boxJustEnded) { return; }
    var original = event.originalEvent || {};
    if (original.ctrlKey || original.metaKey || original.shiftKey) { this.toggle(code); }
    else { this.select([code], false); }
  };

  Editor.prototype.bindBoxSelection = function () {
    var L = window.L;
    var self = this;
    var map = this.map;
    var start = null, box = null;
    map.on("mousedown", function (event) {
      if (!event.originalEvent.shiftKey || self.lasso) { return; }
      start = event.latlng;
      map.dragging.disable();
      box = L.rectangle(L.latLngBounds(start, start), { className: "selection-box", weight: 1, interactive: false }).addTo(map);
    });
    map.on("mousemove", function (event) {
      if (start && box) { box.setBounds(L.latLngBounds(start, event.latlng)); }
    });
    map.on("mouseup", function (event) {
      if (!start) { return; }
      var bounds = L.latLngBounds(start, event.latlng);
      start = null;
      map.removeLayer(box);
      box = null;
      map.dragging.enable();
      var picked = [];
      self.old.forEach(function (old, code) {
        if (old.label && bounds.contains(L.latLng(old.label[1], old.label[0]))) { picked.push(code); }
      });
      if (picked.length) {
        self.select(picked, true);
        self.boxJustEnded = true;
        window.setTimeout(function () { self.boxJustEnded = false; }, 0);
      }
    });
  };

  Editor.prototype.bindLasso = function () {
    var L = window.L;
    var self = this;
    this.map.on("click", function (event) {
      if (!self.lasso) { return; }
      self.lasso.points.push([event.latlng.lng, event.latlng.lat]);
      self.lasso.line.addLatLng(event.latlng);
    });
    this.map.on("dblclick", function () { if (self.lasso) { self.finishLasso(); } });
    this.startLasso = function () {
      if (self.lasso) { self.cancelLasso(); return; }
      self.lasso = { points: [], line: L.polyline([], { className: "lasso-line", interactive: false }).addTo(self.map) };
      $("lasso-start").setAttribute("aria-pressed", "true");
      $("lasso-finish").disabled = false;
      self.say(self.t("lassoOn"));
    };
  };

  Editor.prototype.cancelLasso = function () {
    if (!this.lasso) { return; }
    this.map.removeLayer(this.lasso.line);
    this.lasso = null;
    $("lasso-start").setAttribute("aria-pressed", "false");
    $("lasso-finish").disabled = true;
  };

  Editor.prototype.finishLasso = function () {
    if (!this.lasso) { return; }
    var ring = this.lasso.points;
    this.cancelLasso();
    if (ring.length < 3) { this.say(this.t("lassoEmpty")); return; }
    var picked = [];
    this.old.forEach(function (old, code) { if (old.label && pointInPolygon(old.label, ring)) { picked.push(code); } });
    this.select(picked, true);
  };

  Editor.prototype.findOldUnit = function (text) {
    var match = /\((\w+)\)\s*$/.exec(text);
    if (match && this.old.has(match[1])) { return match[1]; }
    var trimmed = text.trim();
    if (this.old.has(trimmed)) { return trimmed; }
    var folded = fold(trimmed);
    var found = null;
    this.old.forEach(function (old, code) {
      if (!found && (fold(old.fullName) === folded || fold(old.name) === folded)) { found = code; }
    });
    return found;
  };

  // Actions --------------------------------------------------------------------------------

  Editor.prototype.say = function (text) { $("action-status").textContent = text; };

  // A lock is part of the plan (saved, versioned, enforced by the server); the editor refuses
  // the same edits up front so that the user learns it at once, not at the next autosave.
  Editor.prototype.isLocked = function (key) {
    var unit = this.units.get(key);
    return !!(unit && unit.locked);
  };

  Editor.prototype.lockedAmong = function (keys) {
    var self = this;
    return keys.filter(function (key) { return self.isLocked(key); });
  };

  Editor.prototype.newKey = function () {
    var n = this.units.size + 1;
    while (this.units.has("N" + n)) { n += 1; }
    return "N" + n;
  };

  // Entered figures described the old composition: a unit whose constituents change loses them.
  function recomposed(unit, constituents) {
    var next = clone(unit);
    next.constituents = constituents;
    next.area_km2 = null;
    next.population = null;
    next.figures_source = "";
    return next;
  }

  Editor.prototype.assignSelection = function () {
    var started = window.performance.now();
    var self = this;
    if (!this.canEdit) { return; }
    var codes = Array.from(this.selection);
    if (!codes.length) { this.say(this.t("selectFirst")); return; }
    var targetKey = $("target-unit").value;
    var target;
    if (targetKey) {
      target = this.units.get(targetKey);
    } else {
      var name = $("new-unit-name").value.replace(/\s+/g, " ").trim();
      if (!name) { this.say(this.t("nameRequired")); $("new-unit-name").focus(); return; }
      targetKey = this.newKey();
      target = {
        key: targetKey, name: name, special_zone: false, type_override: "", type_override_reason: "",
        seat_address: "", seat_lon: null, seat_lat: null, name_reason: "", detached_reason: "",
        factors: {}, area_km2: null, population: null, figures_source: "", locked: false,
        constituents: []
      };
    }
    var losing = new Set();
    codes.forEach(function (code) {
      var holders = self.holders.get(code);
      if (holders) { holders.forEach(function (key) { if (key !== targetKey) { losing.add(key); } }); }
    });
    var blocked = this.lockedAmong(Array.from(losing).concat([targetKey]));
    if (blocked.length) {
      this.say(this.t("locked", { name: this.fullName(this.units.get(blocked[0])) }));
      return;
    }
    var chosen = new Set(codes);
    var after = {};
    losing.forEach(function (key) {
      var unit = self.units.get(key);
      var kept = unit.constituents.filter(function (c) { return !chosen.has(c.old_code); });
      after[key] = kept.length ? recomposed(unit, kept) : null;
    });
    var keep = target.constituents.filter(function (c) { return !chosen.has(c.old_code); });
    var constituents = keep.concat(codes.sort().map(function (code) {
      return { old_code: code, relation: "whole", area_share: 1.0, population_share: 1.0 };
    }));
    after[targetKey] = recomposed(target, constituents);
    var notArranged = {};
    codes.forEach(function (code) { if (self.notArranged.has(code)) { notArranged[code] = null; } });
    this.execute(this.t("assignWhat") + " → " + target.name, after, notArranged);
    $("target-unit").value = targetKey;
    this.onTargetChange();
    this.record("assign", started);
    this.say(this.t("assigned", { count: codes.length, name: this.fullName(this.units.get(targetKey)) }));
  };

  // Locking is a command like any other: undone and redone, and saved with the assignment.
  Editor.prototype.toggleLock = function () {
    var started = window.performance.now();
    var key = $("target-unit").value;
    if (!key || !this.canEdit || !this.units.has(key)) { return; }
    var unit = clone(this.units.get(key));
    unit.locked = !unit.locked;
    var after = {};
    after[key] = unit;
    var name = this.fullName(unit);
    this.execute((unit.locked ? this.labels.lock : this.labels.unlock) + " " + name, after, {});
    this.onTargetChange();
    this.record("lock", started);
    this.say(this.t(unit.locked ? "lockedDone" : "unlockedDone", { name: name }));
  };

  Editor.prototype.fillTargets = function () {
    var self = this;
    var select = $("target-unit");
    var current = select.value;
    var fragment = document.createDocumentFragment();
    var fresh = document.createElement("option");
    fresh.value = "";
    fresh.textContent = this.labels.newUnit;
    fragment.appendChild(fresh);
    this.order.forEach(function (key) {
      var option = document.createElement("option");
      option.value = key;
      option.textContent = self.fullName(self.units.get(key)) + " (" + key + ")";
      fragment.appendChild(option);
    });
    select.replaceChildren(fragment);
    select.value = this.units.has(current) ? current : "";
    this.onTargetChange();
  };

  Editor.prototype.renameTargets = function (keys) {
    var self = this;
    var select = $("target-unit");
    keys.forEach(function (key) {
      var option = select.querySelector('option[value="' + window.CSS.escape(key) + '"]');
      if (option && self.units.has(key)) { option.textContent = self.fullName(self.units.get(key)) + " (" + key + ")"; }
    });
  };

  Editor.prototype.onTargetChange = function () {
    var key = $("target-unit").value;
    $("new-name-group").hidden = !!key;
    var lock = $("lock");
    lock.disabled = !key || !this.canEdit;
    var locked = !!key && this.isLocked(key);
    lock.setAttribute("aria-pressed", locked ? "true" : "false");
    lock.textContent = locked ? this.labels.unlock : this.labels.lock;
  };

  // Split dialog ---------------------------------------------------------------------------

  Editor.prototype.openSplit = function () {
    var self = this;
    if (this.selection.size !== 1) { this.say(this.t("splitOne")); return; }
    var code = Array.from(this.selection)[0];
    var old = this.old.get(code);
    var holders = Array.from(this.holders.get(code) || []);
    var blocked = this.lockedAmong(holders);
    if (blocked.length) { this.say(this.t("locked", { name: this.fullName(this.units.get(blocked[0])) })); return; }
    this.splitCode = code;
    $("split-unit-name").textContent = old.fullName + " (" + code + ")";
    $("split-rows").replaceChildren();
    $("split-error").textContent = "";
    holders.forEach(function (key) {
      var piece = self.units.get(key).constituents.filter(function (c) { return c.old_code === code; })[0];
      var whole = piece.relation === "whole";
      self.addSplitRow(key, whole ? 100 : 100 * piece.area_share, whole ? 100 : 100 * piece.population_share);
    });
    var add = $("split-add-unit");
    add.replaceChildren();
    this.order.forEach(function (key) {
      if (holders.indexOf(key) >= 0 || self.isLocked(key)) { return; }
      var option = document.createElement("option");
      option.value = key;
      option.textContent = self.fullName(self.units.get(key));
      add.appendChild(option);
    });
    this.updateSplitSums();
    $("split-dialog").showModal();
  };

  Editor.prototype.addSplitRow = function (key, area, population) {
    var self = this;
    var row = document.createElement("tr");
    row.dataset.key = key;
    var name = document.createElement("th");
    name.scope = "row";
    name.textContent = this.fullName(this.units.get(key));
    row.appendChild(name);
    [["area", area], ["population", population]].forEach(function (pair) {
      var cell = document.createElement("td");
      var input = document.createElement("input");
      input.type = "number";
      input.min = "0";
      input.max = "100";
      input.step = "0.01";
      input.className = "form-control form-control-sm";
      input.value = String(Math.round(pair[1] * 100) / 100);
      input.dataset.share = pair[0];
      input.setAttribute("aria-label", name.textContent + " — " + self.labels[pair[0]] + " (%)");
      input.addEventListener("input", function () { self.updateSplitSums(); });
      cell.appendChild(input);
      row.appendChild(cell);
    });
    $("split-rows").appendChild(row);
  };

  Editor.prototype.splitShares = function () {
    return Array.from($("split-rows").querySelectorAll("tr")).map(function (row) {
      return {
        key: row.dataset.key,
        area: parseFloat(row.querySelector('[data-share="area"]').value) || 0,
        population: parseFloat(row.querySelector('[data-share="population"]').value) || 0
      };
    });
  };

  Editor.prototype.updateSplitSums = function () {
    var shares = this.splitShares();
    var area = shares.reduce(function (s, r) { return s + r.area; }, 0);
    var population = shares.reduce(function (s, r) { return s + r.population; }, 0);
    $("split-sums").textContent = this.labels.area + ": " + this.percent(area) + " · " +
      this.labels.population + ": " + this.percent(population);
    return Math.abs(area - 100) < 0.1 && Math.abs(population - 100) < 0.1;
  };

  Editor.prototype.applySplit = function () {
    var started = window.performance.now();
    var self = this;
    if (!this.updateSplitSums()) { $("split-error").textContent = this.t("splitSum"); return; }
    var code = this.splitCode;
    var shares = this.splitShares().filter(function (r) { return r.area > 0 || r.population > 0; });
    var after = {};
    (Array.from(this.holders.get(code) || [])).forEach(function (key) {
      var unit = self.units.get(key);
      after[key] = recomposed(unit, unit.constituents.filter(function (c) { return c.old_code !== code; }));
    });
    shares.forEach(function (r) {
      var unit = after[r.key] || self.units.get(r.key);
      var whole = shares.length === 1;
      var piece = {
        old_code: code, relation: whole ? "whole" : "part",
        area_share: whole ? 1.0 : Math.round(r.area * 100) / 10000,
        population_share: whole ? 1.0 : Math.round(r.population * 100) / 10000
      };
      after[r.key] = recomposed(unit, unit.constituents.filter(function (c) { return c.old_code !== code; }).concat([piece]));
    });
    Object.keys(after).forEach(function (key) { if (!after[key].constituents.length) { after[key] = null; } });
    $("split-dialog").close();
    this.execute(this.t("splitWhat") + " " + this.old.get(code).fullName, after, {});
    this.record("split", started);
    this.say(this.t("splitDone", { name: this.old.get(code).fullName }));
  };

  // Saving ---------------------------------------------------------------------------------

  Editor.prototype.csrf = function () {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  };

  Editor.prototype.payload = function () {
    var self = this;
    return {
      units: this.order.map(function (key) { return self.units.get(key); }),
      not_arranged: Array.from(this.notArranged.entries()).sort().map(function (pair) {
        return { old_code: pair[0], reason: pair[1] };
      })
    };
  };

  Editor.prototype.setSaveStatus = function (text) {
    var status = $("save-status");
    status.textContent = text;
    status.dataset.version = String(this.version);
    status.dataset.state = this.conflict ? "conflict" : (this.saving ? "saving" : (this.dirty ? "dirty" : "saved"));
  };

  Editor.prototype.scheduleSave = function () {
    var self = this;
    if (!this.canEdit || this.conflict) { return; }
    window.clearTimeout(this.saveTimer);
    this.saveTimer = window.setTimeout(function () { self.save(); }, AUTOSAVE_MS);
  };

  // Resolves once the server holds what the editor shows (or the save failed).
  Editor.prototype.save = function () {
    var self = this;
    window.clearTimeout(this.saveTimer);
    if (!this.canEdit || this.conflict) { return Promise.resolve(false); }
    if (this.saving) { return this.saving.then(function () { return self.dirty ? self.save() : true; }); }
    if (!this.dirty) { return Promise.resolve(true); }
    var payload = this.payload();
    var sentAt = this.undoStack.length + ":" + this.redoStack.length + ":" + JSON.stringify(payload).length;
    var body = JSON.stringify({
      version: this.version,
      summary: this.undoStack.length ? this.undoStack[this.undoStack.length - 1].label : "",
      units: payload.units,
      not_arranged: payload.not_arranged
    });
    this.dirty = false;
    this.saving = true;
    this.setSaveStatus(this.t("saving"));
    this.saving = window.fetch(this.root.dataset.assignmentsUrl, {
      method: "PUT",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": this.csrf() },
      body: body
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (result) {
      self.saving = false;
      $("save-errors").hidden = true;
      if (result.status === 200) {
        self.version = result.data.version;
        self.base = { units: result.data.units, not_arranged: result.data.not_arranged };
        var now = self.undoStack.length + ":" + self.redoStack.length + ":" + JSON.stringify(self.payload()).length;
        if (now !== sentAt) { self.dirty = true; }
        self.setSaveStatus(self.dirty ? self.t("unsaved") : self.t("saved", { version: self.version }));
        if (self.dirty) { self.scheduleSave(); } else { self.fetchCheck(); }
        return true;
      }
      self.dirty = true;
      if (result.status === 409) { self.showConflict(result.data); return false; }
      self.showErrors($("save-errors"), self.t("saveFailed", { message: result.data.message || result.status }), result.data.fields);
      self.setSaveStatus(self.t("saveFailed", { message: result.data.message || result.status }));
      return false;
    }).catch(function (error) {
      self.saving = false;
      self.dirty = true;
      self.setSaveStatus(self.t("saveFailed", { message: error.message }));
      return false;
    });
    return this.saving;
  };

  Editor.prototype.showErrors = function (box, message, fields) {
    box.replaceChildren();
    var p = document.createElement("p");
    p.className = "mb-1";
    p.textContent = message;
    box.appendChild(p);
    var list = document.createElement("ul");
    list.className = "mb-0";
    Object.keys(fields || {}).forEach(function (field) {
      (fields[field] || []).forEach(function (text) {
        var li = document.createElement("li");
        li.textContent = field + ": " + text;
        list.appendChild(li);
      });
    });
    box.appendChild(list);
    box.hidden = false;
  };

  Editor.prototype.showConflict = function (data) {
    this.conflict = data;
    var panel = $("conflict-panel");
    $("conflict-message").textContent = this.t("conflict", { version: data.current_version });
    var box = $("conflict-diff");
    box.replaceChildren();
    var self = this;
    [["theirs", this.labels.conflictTheirs], ["mine", this.labels.conflictMine]].forEach(function (pair) {
      var diff = (data.diff || {})[pair[0]] || {};
      var title = document.createElement("strong");
      title.textContent = pair[1];
      box.appendChild(title);
      var list = document.createElement("ul");
      list.className = "mb-1";
      list.dataset.side = pair[0];
      (diff.units_added || []).forEach(function (key) { list.appendChild(self.diffItem(key, self.labels.added, "")); });
      (diff.units_removed || []).forEach(function (key) { list.appendChild(self.diffItem(key, self.labels.removed, "")); });
      Object.keys(diff.units_changed || {}).forEach(function (key) {
        var change = diff.units_changed[key];
        var detail = [];
        if (change.constituents_added) { detail.push("+ " + change.constituents_added.join(", ")); }
        if (change.constituents_removed) { detail.push("− " + change.constituents_removed.join(", ")); }
        if (change.fields) { detail.push(Object.keys(change.fields).join(", ")); }
        list.appendChild(self.diffItem(key, self.labels.changed, detail.join("; ")));
      });
      box.appendChild(list);
    });
    panel.hidden = false;
    this.setSaveStatus(this.t("conflict", { version: data.current_version }));
  };

  Editor.prototype.diffItem = function (key, what, detail) {
    var li = document.createElement("li");
    var unit = this.units.get(key);
    li.textContent = (unit ? this.fullName(unit) : key) + " — " + what + (detail ? ": " + detail : "");
    return li;
  };

  Editor.prototype.fetchLatest = function () {
    return window.fetch(this.root.dataset.assignmentsUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json(); });
  };

  Editor.prototype.reloadLatest = function () {
    var self = this;
    return this.fetchLatest().then(function (latest) {
      self.conflict = null;
      $("conflict-panel").hidden = true;
      self.reset(latest);
      self.setSaveStatus(self.t("saved", { version: self.version }));
      self.fetchCheck();
    });
  };

  // Mine (what changed since the base) on top of theirs (the latest); an old unit I moved
  // leaves the units of theirs that still hold it.
  Editor.prototype.mergeOnLatest = function () {
    var self = this;
    return this.fetchLatest().then(function (latest) {
      var base = new Map((self.base ? self.base.units : []).map(function (u) { return [u.key, JSON.stringify(u)]; }));
      var mine = new Set();
      self.units.forEach(function (unit, key) { if (base.get(key) !== JSON.stringify(unit)) { mine.add(key); } });
      base.forEach(function (value, key) { if (!self.units.has(key)) { mine.add(key); } });
      var moved = new Set();
      mine.forEach(function (key) {
        var unit = self.units.get(key);
        if (unit) { unit.constituents.forEach(function (c) { moved.add(c.old_code); }); }
      });
      var after = {};
      latest.units.forEach(function (unit) {
        if (mine.has(unit.key)) { return; }
        var kept = unit.constituents.filter(function (c) { return !moved.has(c.old_code); });
        after[unit.key] = kept.length === unit.constituents.length ? unit : (kept.length ? recomposed(unit, kept) : null);
      });
      mine.forEach(function (key) { after[key] = clone(self.units.get(key)) || null; });
      self.units.forEach(function (unit, key) { if (!(key in after)) { after[key] = null; } });
      self.conflict = null;
      $("conflict-panel").hidden = true;
      self.version = latest.version;
      self.base = { units: latest.units, not_arranged: latest.not_arranged };
      self.execute(self.t("mergeWhat"), after, {});
      self.say(self.t("merged", { version: latest.version }));
    });
  };

  Editor.prototype.fetchCheck = function () {
    var self = this;
    return window.fetch(this.root.dataset.checkUrl, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (report) {
        if (!report || report.version !== self.version) { return; }
        self.serverCheck = new Map(report.units.map(function (u) { return [u.key, u]; }));
        var box = $("server-check");
        box.textContent = self.t("checked", { pass: report.counts.pass, exempt: report.counts.exempt, fail: report.counts.fail });
        box.dataset.version = String(report.version);
        var mismatched = 0;
        self.order.forEach(function (key) {
          var server = self.serverCheck.get(key);
          if (server && self.tallies.get(key) && server.status !== self.tallies.get(key).status) { mismatched += 1; }
          self.renderRow(key);
        });
        box.dataset.mismatched = String(mismatched);
      })
      .catch(function () { /* the live tally stands until the next save */ });
  };

  Editor.prototype.exportCsv = function (event) {
    var self = this;
    var url = $("export-csv").getAttribute("href");
    if (!this.dirty && !this.saving) { return; }
    event.preventDefault();
    this.save().then(function () { window.location.assign(url); });
  };

  Editor.prototype.importCsv = function (event) {
    var self = this;
    event.preventDefault();
    var file = $("import-file").files[0];
    if (!file) { return; }
    var data = new window.FormData();
    data.append("version", String(this.version));
    data.append("file", file);
    var errors = $("import-errors");
    errors.hidden = true;
    this.save().then(function () {
      data.set("version", String(self.version));
      return window.fetch(self.root.dataset.csvUrl, {
        method: "POST", headers: { "X-CSRFToken": self.csrf(), Accept: "application/json" }, body: data
      });
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, data: body }; });
    }).then(function (result) {
      if (result.status === 200) {
        self.reset(result.data);
        self.say(self.t("imported", { version: result.data.version }));
        self.setSaveStatus(self.t("saved", { version: self.version }));
        self.fetchCheck();
        return;
      }
      if (result.status === 409) { self.showConflict(result.data); }
      self.showErrors(errors, self.labels.importFailed + " " + (result.data.message || ""), result.data.fields);
    });
  };

  // Wiring ---------------------------------------------------------------------------------

  Editor.prototype.bindControls = function () {
    var self = this;
    this.fillTargets();
    this.renderSelection();
    $("target-unit").addEventListener("change", function () { self.onTargetChange(); });
    $("assign").addEventListener("click", function () { self.assignSelection(); });
    $("split").addEventListener("click", function () { self.openSplit(); });
    $("lock").addEventListener("click", function () { self.toggleLock(); });
    $("undo").addEventListener("click", function () { self.undo(); });
    $("redo").addEventListener("click", function () { self.redo(); });
    $("clear-selection").addEventListener("click", function () { self.select([], false); });
    $("select-district").addEventListener("click", function () {
      var district = $("district-select").value;
      var codes = [];
      self.old.forEach(function (old, code) { if (old.district === district) { codes.push(code); } });
      self.select(codes, false);
      self.zoomTo(codes, false);
    });
    function addFromSearch() {
      var code = self.findOldUnit($("unit-search").value);
      if (code) { self.select([code], true); $("unit-search").value = ""; }
    }
    $("add-to-selection").addEventListener("click", addFromSearch);
    $("unit-search").addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); addFromSearch(); }
    });
    $("lasso-start").addEventListener("click", function () { self.startLasso(); });
    $("lasso-finish").addEventListener("click", function () { self.finishLasso(); });
    $("split-apply").addEventListener("click", function () { self.applySplit(); });
    $("split-cancel").addEventListener("click", function () { $("split-dialog").close(); });
    $("split-add").addEventListener("click", function () {
      var key = $("split-add-unit").value;
      if (key && !$("split-rows").querySelector('tr[data-key="' + window.CSS.escape(key) + '"]')) {
        self.addSplitRow(key, 0, 0);
        self.updateSplitSums();
      }
    });
    $("conflict-reload").addEventListener("click", function () { self.reloadLatest(); });
    $("conflict-merge").addEventListener("click", function () { self.mergeOnLatest(); });
    $("export-csv").addEventListener("click", function (event) { self.exportCsv(event); });
    if ($("import-form")) { $("import-form").addEventListener("submit", function (event) { self.importCsv(event); }); }
    document.addEventListener("keydown", function (event) {
      var typing = /^(INPUT|SELECT|TEXTAREA)$/.test((event.target || {}).tagName || "");
      if (event.key === "Escape") { self.cancelLasso(); return; }
      if (event.key === "Enter" && self.lasso && !typing) { event.preventDefault(); self.finishLasso(); return; }
      if (typing || !(event.ctrlKey || event.metaKey)) { return; }
      var key = event.key.toLowerCase();
      if (key === "z" && !event.shiftKey) { event.preventDefault(); self.undo(); }
      else if (key === "y" || (key === "z" && event.shiftKey)) { event.preventDefault(); self.redo(); }
    });
    window.addEventListener("beforeunload", function (event) {
      if (self.dirty && self.canEdit) { event.preventDefault(); event.returnValue = ""; }
    });
    if (!this.canEdit) {
      ["assign", "split", "lock", "undo", "redo", "new-unit-name", "target-unit"].forEach(function (id) {
        $(id).disabled = true;
      });
    }
  };

  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("plan-editor");
    if (root && window.L) { new Editor(root).load(); }
  });
})();
