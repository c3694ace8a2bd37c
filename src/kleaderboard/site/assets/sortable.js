/* kleaderboard: sortable tables, no dependencies.
 *
 * Any <table data-kl-sortable> gets a button in each cell of its last header row. Clicking sorts
 * the body rows by that column, ascending then descending (or descending first
 * with data-sort-first="descending"). A cell's data-sort attribute, when present,
 * is the value sorted on; numbers compare as numbers, text with a numeric-aware
 * collator; empty values always go last. aria-sort tells assistive technology
 * which column is sorted and how.
 *
 * A table with data-kl-rows="ID" has its rows in <script type="application/json" id="ID">: an
 * array of rows, each the strings of its markup ([opening <tr>, <td>, <td>, ...]). The page's
 * HTML holds only the first rows (readable without JavaScript); sorting, the filters and paging
 * work on the arrays and render one page (data-kl-page-size rows) at a time, so their cost does
 * not grow with the DOM. The script knows no column: a cell's data-sort is its sort key.
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


  // --- tables whose rows come from a JSON payload ----------------------------------------

  var ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos));/gi;
  var NAMED = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  function decode(text) {
    return text.indexOf("&") === -1 ? text : text.replace(ENTITY, function (all, dec, hex, name) {
      if (dec) return String.fromCharCode(parseInt(dec, 10));
      if (hex) return String.fromCharCode(parseInt(hex, 16));
      return NAMED[name.toLowerCase()];
    });
  }

  var SORT_ATTRIBUTE = /^<t[dh]\b[^>]*?\sdata-sort="([^"]*)"/;
  var TAG = /<[^>]*>/g;
  // A cell's sort value from its markup: data-sort, else its text.
  function markupValue(cell) {
    var found = SORT_ATTRIBUTE.exec(cell);
    return decode(found ? found[1] : cell.replace(TAG, "")).trim();
  }

  var DATA_ATTRIBUTE = /\sdata-([a-z0-9-]+)="([^"]*)"/g;
  function dataset(openTag) {
    var data = {}, found;
    DATA_ATTRIBUTE.lastIndex = 0;
    while ((found = DATA_ATTRIBUTE.exec(openTag))) {
      var name = found[1].replace(/-([a-z0-9])/g, function (all, c) { return c.toUpperCase(); });
      data[name] = decode(found[2]);
    }
    return data;
  }

  function Store(table, rows) {
    this.table = table;
    this.rows = rows;
    this.order = rows.map(function (row, index) { return index; });
    this.view = this.order;
    this.page = 0;
    this.size = parseInt(table.getAttribute("data-kl-page-size"), 10) || 50;
    this.keys = {}; // column -> sort values, parsed once
    this.data = null; // each row's data-* attributes, parsed when a filter first needs them
    this.match = null;
  }

  Store.prototype.column = function (index) {
    if (!this.keys[index]) {
      var text = this.rows.map(function (row) { return row[index + 1] ? markupValue(row[index + 1]) : ""; });
      this.keys[index] = { text: text, number: text.map(function (value) { return parseFloat(value); }) };
    }
    return this.keys[index];
  };

  Store.prototype.sort = function (index, descending, numeric) {
    var keys = this.column(index), position = new Int32Array(this.rows.length);
    this.order.forEach(function (row, at) { position[row] = at; });
    this.order = this.order.slice().sort(function (a, b) {
      var x = keys.text[a], y = keys.text[b];
      var aEmpty = x === "", bEmpty = y === "";
      if (aEmpty || bEmpty) return aEmpty === bEmpty ? position[a] - position[b] : (aEmpty ? 1 : -1);
      var order;
      if (numeric && !isNaN(keys.number[a]) && !isNaN(keys.number[b])) order = keys.number[a] - keys.number[b];
      else order = collator.compare(x, y);
      if (order === 0) return position[a] - position[b];
      return descending ? -order : order;
    });
    this.filter(this.match);
  };

  Store.prototype.filter = function (match) {
    this.match = match;
    if (match && !this.data) this.data = this.rows.map(function (row) { return dataset(row[0]); });
    var data = this.data;
    this.view = match ? this.order.filter(function (row) { return match(data[row]); }) : this.order;
    this.show(0);
  };

  Store.prototype.show = function (page) {
    var pages = Math.max(1, Math.ceil(this.view.length / this.size));
    this.page = Math.min(Math.max(0, page), pages - 1);
    var start = this.page * this.size, rows = this.rows;
    this.table.tBodies[0].innerHTML = this.view.slice(start, start + this.size).map(function (row) {
      return rows[row].join("") + "</tr>";
    }).join("");
    renderPager(this);
    this.table.dispatchEvent(new CustomEvent("kl:rows"));
  };

  // One row as a detached element (for views that need a row not on the current page).
  Store.prototype.element = function (id) {
    var data = this.data || this.rows.map(function (row) { return dataset(row[0]); });
    this.data = data;
    for (var i = 0; i < this.rows.length; i++) {
      if (data[i].model === id) {
        var template = document.createElement("template");
        template.innerHTML = "<table><tbody>" + this.rows[i].join("") + "</tr></tbody></table>";
        return template.content.querySelector("tr");
      }
    }
    return null;
  };

  function pagerOf(store) {
    return document.querySelector('[data-kl-pager="' + store.table.id + '"]');
  }

  function renderPager(store) {
    var pager = pagerOf(store);
    if (!pager) return;
    var total = store.view.length, start = store.page * store.size;
    if (!pager.klReady) {
      pager.klReady = true;
      pager.textContent = "";
      pager.klStatus = document.createElement("span");
      pager.klStatus.setAttribute("role", "status");
      ["previous", "next"].forEach(function (name, step) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "md-button kl-pager__" + name;
        button.textContent = pager.getAttribute("data-" + name);
        button.addEventListener("click", function () { store.show(store.page + (step ? 1 : -1)); });
        pager["kl" + name] = button;
        pager.appendChild(button);
        pager.appendChild(document.createTextNode(" "));
      });
      pager.insertBefore(pager.klStatus, pager.klnext);
      pager.insertBefore(document.createTextNode(" "), pager.klnext);
    }
    pager.klStatus.textContent = (pager.getAttribute("data-status") || "")
      .replace("{from}", String(total ? start + 1 : 0))
      .replace("{to}", String(Math.min(total, start + store.size)))
      .replace("{n}", String(total));
    pager.klprevious.disabled = store.page === 0;
    pager.klnext.disabled = start + store.size >= total;
    pager.hidden = total <= store.size;
  }

  // The payload is read once, when the page is idle or when first needed.
  function storeOf(table) {
    if (table.klStore !== undefined) return table.klStore;
    var script = document.getElementById(table.getAttribute("data-kl-rows") || "");
    table.klStore = script ? new Store(table, JSON.parse(script.textContent)) : null;
    if (table.klStore) table.klRow = function (id) { return table.klStore.element(id); };
    return table.klStore;
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
    var numeric = header.getAttribute("data-sort-type") === "number", store = storeOf(table);
    if (store) store.sort(index, next === "descending", numeric);
    else sortRows(table, index, next === "descending", numeric);
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
    function match(data) {
      return (!query || data.search.indexOf(query) !== -1) &&
        (!size || data.size === size) &&
        (!mode || data.mode === mode) &&
        (!zero || data.zero === "1") &&
        (!evaluated || data.status === "evaluated") &&
        same(licence, data.licence || "") &&
        (!open || data.open === "1") &&
        same(suite, data.suite || "");
    }
    var active = query || size || mode || zero || evaluated || licence || open || suite;
    if (table.hasAttribute("data-kl-rows")) {
      var total = table.getAttribute("data-kl-count");
      if (!active && !table.klStore) {
        form.elements.shown.value = total + " / " + total; // the page as served: nothing to read yet
        return;
      }
      var store = storeOf(table);
      store.filter(active ? match : null);
      form.elements.shown.value = store.view.length + " / " + store.rows.length;
      return;
    }
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var matches = match(row.dataset);
      row.hidden = !matches;
      if (matches) shown += 1;
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
    // after the first paint: read each payload and turn the pager's no-script note into buttons
    (window.requestIdleCallback || setTimeout)(function () {
      Array.prototype.forEach.call(document.querySelectorAll("table[data-kl-rows]"), function (table) {
        var store = storeOf(table), pager = store && pagerOf(store);
        if (pager && !pager.klReady) renderPager(store);
      });
    });
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
