// Date fields written the site's way (dd/mm/yyyy in Vietnamese), whatever the browser's locale.
// The markup and the message come from hopnhat/apps/core/dates.py; no inline script anywhere,
// the CSP only allows files from this origin.
(function () {
  "use strict";

  // "dd/mm/yyyy" -> a function reading "30/06/2025" as {year, month, day}, or null.
  function readerFor(format) {
    var order = [];
    var source = format
      .replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      .replace(/dd|mm|yyyy/g, function (token) {
        order.push(token);
        return token === "yyyy" ? "(\\d{4})" : "(\\d{1,2})";
      });
    var pattern = new RegExp("^" + source + "$");
    return function (text) {
      var match = pattern.exec(text);
      if (!match) { return null; }
      var parts = {};
      order.forEach(function (token, index) { parts[token] = parseInt(match[index + 1], 10); });
      return { year: parts.yyyy, month: parts.mm, day: parts.dd };
    };
  }

  // 31/02/2025 reads as numbers but is no day: the calendar must give the same date back.
  function isRealDate(parts) {
    var date = new Date(Date.UTC(parts.year, parts.month - 1, parts.day));
    return parts.year >= 1000 &&
      date.getUTCFullYear() === parts.year &&
      date.getUTCMonth() === parts.month - 1 &&
      date.getUTCDate() === parts.day;
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) { text = "0" + text; }
    return text;
  }

  function isoOf(parts) {
    return pad(parts.year, 4) + "-" + pad(parts.month, 2) + "-" + pad(parts.day, 2);
  }

  // The ISO date of the text, "" for an empty field, null for text that is no date.
  function isoDate(readers, text) {
    if (text === "") { return ""; }
    for (var i = 0; i < readers.length; i++) {
      var parts = readers[i](text);
      if (parts && isRealDate(parts)) { return isoOf(parts); }
    }
    return null;
  }

  function feedbackFor(input) {
    var feedback = document.createElement("div");
    feedback.className = "invalid-feedback date-feedback";
    feedback.id = (input.id || input.name) + "-date-error";
    feedback.setAttribute("aria-live", "polite");
    var group = input.closest(".input-group");
    if (group) {
      group.classList.add("has-validation");
      group.appendChild(feedback);
    } else {
      input.insertAdjacentElement("afterend", feedback);
    }
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + feedback.id);
    return feedback;
  }

  function enhance(input) {
    var readers = input.getAttribute("data-date-formats").split(" ").map(readerFor);
    var message = input.getAttribute("data-date-invalid");
    var feedback = feedbackFor(input);
    // Filter forms keep ISO dates in their URLs: the typed text stays, an ISO copy is sent.
    var isoCopy = null;
    if (input.getAttribute("data-date-input") === "iso" && input.form && input.name) {
      isoCopy = document.createElement("input");
      isoCopy.type = "hidden";
      isoCopy.name = input.name;
      input.removeAttribute("name");
      input.form.appendChild(isoCopy);
    }

    // Quietly on every keystroke, so that the browser refuses to submit a wrong date.
    function check() {
      var text = input.value.trim();
      var iso = isoDate(readers, text);
      input.setCustomValidity(iso === null ? message.replace("{value}", text) : "");
      if (isoCopy) { isoCopy.value = iso || ""; }
      if (iso !== null) { hide(); }
      return iso;
    }
    function show() {
      if (!input.validationMessage) { return; }
      feedback.textContent = input.validationMessage;
      input.classList.add("is-invalid");
    }
    function hide() {
      feedback.textContent = "";
      input.classList.remove("is-invalid");
    }

    check();
    input.addEventListener("input", check);
    input.addEventListener("change", function () { check(); show(); });
    input.addEventListener("invalid", show);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-date-input]").forEach(enhance);
  });
})();
