/* kleaderboard: sortable tables, no dependencies.
 *
 * Any <table data-kl-sortable> gets a button in each cell of its last header row. Clicking sorts
 * the body rows by that column, ascending then descending (or descending first
 * with data-sort-first="descending"). A cell's data-sort attribute, when present,
 * is the value sorted on; numbers compare as numbers, text with a numeric-aware
 * collator; empty values always go last. aria-sort tells assistive technology
 * which column is sorted and how.
 */
(function () {
  "use strict";

  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-sort");
    return (value === null ? cell.textContent : value).trim();
  }

  function compare(a, b, numeric) {
    if (numeric) {
      var x = parseFloat(a), y = parseFloat(b);
      if (!isNaN(x) && !isNaN(y)) return x - y;
    }
    return collator.compare(a, b);
  }

  function sortRows(table, index, descending, numeric) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows).map(function (row, position) {
      return { row: row, value: cellValue(row, index), position: position };
    });
    rows.sort(function (a, b) {
      var aEmpty = a.value === "", bEmpty = b.value === "";
      if (aEmpty || bEmpty) return aEmpty === bEmpty ? a.position - b.position : (aEmpty ? 1 : -1);
      var order = compare(a.value, b.value, numeric);
      if (order === 0) return a.position - b.position;
      return descending ? -order : order;
    });
    var fragment = document.createDocumentFragment();
    rows.forEach(function (item) { fragment.appendChild(item.row); });
    body.appendChild(fragment);
  }

  // The last header row has one cell per column; rows above it may group columns.
  function columnHeaders(table) {
    return table.tHead.rows[table.tHead.rows.length - 1].cells;
  }

  function activate(table, header, index) {
    var current = header.getAttribute("aria-sort");
    var first = header.getAttribute("data-sort-first") === "descending" ? "descending" : "ascending";
    var next = current === "ascending" ? "descending" : current === "descending" ? "ascending" : first;
    var headers = columnHeaders(table);
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute("aria-sort");
    header.setAttribute("aria-sort", next);
    sortRows(table, index, next === "descending", header.getAttribute("data-sort-type") === "number");
  }

  function makeSortable(table) {
    if (!table.tHead || !table.tBodies.length || table.hasAttribute("data-kl-ready")) return;
    table.setAttribute("data-kl-ready", "");
    var headers = columnHeaders(table);
    Array.prototype.forEach.call(headers, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "kl-sort";
      while (header.firstChild) button.appendChild(header.firstChild);
      header.appendChild(button);
      button.addEventListener("click", function () { activate(table, header, index); });
    });
  }

  // Material's search is a dialog without a name (axe-core: aria-dialog-name); name it
  // after its own input's label.
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    var input = document.querySelector(".md-search__input");
    if (dialog && input && !dialog.hasAttribute("aria-label")) {
      dialog.setAttribute("aria-label", input.getAttribute("aria-label") || "search");
    }
  }

  // Filters above a table: each row carries data-search, data-size, data-mode, data-zero,
  // data-status, data-licence ('' when not stated), data-open and data-suite ('' without a run);
  // rows that do not match are hidden, and the form says how many are shown. A select's value
  // "-" matches the rows whose attribute is empty.
  function applyFilters(form, table) {
    var query = form.elements.q.value.trim().toLowerCase();
    var size = form.elements.size.value;
    var mode = form.elements.mode.value;
    var zero = form.elements.zero.checked;
    var evaluated = form.elements.status.checked;
    var licence = form.elements.licence ? form.elements.licence.value : "";
    var open = form.elements.open ? form.elements.open.checked : false;
    var suite = form.elements.suite ? form.elements.suite.value : "";
    function same(wanted, value) { return !wanted || (wanted === "-" ? !value : value === wanted); }
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var match = (!query || row.dataset.search.indexOf(query) !== -1) &&
        (!size || row.dataset.size === size) &&
        (!mode || row.dataset.mode === mode) &&
        (!zero || row.dataset.zero === "1") &&
        (!evaluated || row.dataset.status === "evaluated") &&
        same(licence, row.dataset.licence || "") &&
        (!open || row.dataset.open === "1") &&
        same(suite, row.dataset.suite || "");
      row.hidden = !match;
      if (match) shown += 1;
    });
    form.elements.shown.value = shown + " / " + table.tBodies[0].rows.length;
  }

  function makeFilterable(form) {
    var table = document.getElementById(form.getAttribute("data-kl-filters"));
    if (!table || form.dataset.klReady) return;
    form.dataset.klReady = "1";
    form.addEventListener("input", function () { applyFilters(form, table); });
    form.addEventListener("change", function () { applyFilters(form, table); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    applyFilters(form, table);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table[data-kl-sortable]"), makeSortable);
    Array.prototype.forEach.call(document.querySelectorAll("form[data-kl-filters]"), makeFilterable);
    nameSearchDialog();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Material's instant navigation swaps pages without a reload; follow it when enabled.
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  }
})();
