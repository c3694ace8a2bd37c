/* kleaderboard: compare 2–4 leaderboard rows side by side, from the page alone.
 *
 * A <section data-kl-compare="TABLE-ID"> names the table whose rows get a checkbox
 * (input.kl-pick) in their model cell, put there by this script (without JavaScript there is
 * no comparing, so the page's HTML and its row payload carry no boxes). Ticking 2–4 of them fills the section's table: one
 * column per model, in the order ticked, one row per column of the leaderboard from the
 * overall index on (scores, cost, parameters, from zero, loss log) plus the row's licence,
 * open weights and suite version (its data-* attributes). The cells are copies of the
 * leaderboard's own cells, so every figure is formatted and labelled as there. Nothing is
 * fetched. The section's data-* attributes hold the page language's words. A table whose rows
 * sortable.js renders from a payload (one page at a time) lends its rows through table.klRow(id),
 * and says with a "kl:rows" event when it has drawn a page: its boxes then show the selection.
 */
(function () {
  "use strict";

  var MAX = 4;
  var FIRST_COLUMN = 2; // team; the rank and the model name are the header

  function words(section, name, n) {
    return (section.getAttribute("data-" + name) || "").replace("{n}", String(n));
  }

  function headerText(table, index) {
    var rows = table.tHead.rows;
    return rows[rows.length - 1].cells[index].textContent.trim();
  }

  // The leaderboard's first header row groups its columns by where the figures come from
  // (measured, declared), each group with its badge; a compared row keeps its column's badge.
  function groupBadge(table, index) {
    var rows = table.tHead.rows, at = 0;
    if (rows.length < 2) return null;
    for (var i = 0; i < rows[0].cells.length; i++) {
      at += rows[0].cells[i].colSpan;
      if (index < at) return rows[0].cells[i].querySelector(".kl-badge");
    }
    return null;
  }

  function rowLabel(text, badge) {
    var label = document.createElement("th");
    label.scope = "row";
    label.appendChild(textCell("span", text)).className = "kl-compare__label";
    if (badge) {
      label.appendChild(document.createTextNode(" "));
      label.appendChild(badge.cloneNode(true));
    }
    return label;
  }

  function textCell(tag, text) {
    var cell = document.createElement(tag);
    cell.textContent = text;
    return cell;
  }

  // A box before the model link (a.kl-model-link) of each row drawn, named after the model.
  function addBoxes(section, table) {
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
      var link = row.querySelector("a.kl-model-link");
      if (!link || row.querySelector("input.kl-pick")) return;
      var box = document.createElement("input");
      box.type = "checkbox";
      box.className = "kl-pick";
      box.value = row.getAttribute("data-model");
      box.setAttribute("aria-label", words(section, "pick") + ": " + link.textContent);
      link.parentNode.insertBefore(box, link);
      link.parentNode.insertBefore(document.createTextNode(" "), link);
    });
  }

  function render(section, table, picked) {
    addBoxes(section, table);
    var status = section.querySelector(".kl-compare__status");
    var wrap = section.querySelector(".kl-table-wrap");
    var clear = section.querySelector(".kl-compare__clear");
    var boxes = table.querySelectorAll("input.kl-pick");
    Array.prototype.forEach.call(boxes, function (box) {
      box.checked = picked.indexOf(box.value) !== -1; // a reload may restore ticks the list does not know
      box.disabled = !box.checked && picked.length >= MAX;
    });
    clear.hidden = picked.length === 0;
    status.textContent = words(section, picked.length >= 2 ? "many" : "few", picked.length);
    wrap.hidden = picked.length < 2;
    var compare = wrap.querySelector("table");
    var head = compare.createTHead(), body = compare.tBodies[0]; // the page's HTML has no thead: tests read the first one as the leaderboard's
    head.textContent = "";
    body.textContent = "";
    if (picked.length < 2) return;

    var rows = picked.map(function (id) {
      return table.klRow ? table.klRow(id) : table.querySelector('tbody tr[data-model="' + CSS.escape(id) + '"]');
    });
    var top = document.createElement("tr");
    top.appendChild(document.createElement("td"));
    rows.forEach(function (row) {
      var th = document.createElement("th");
      th.scope = "col";
      var link = row.querySelector("a.kl-model-link").cloneNode(true);
      th.appendChild(link);
      th.appendChild(document.createTextNode(" "));
      var rank = row.cells[0].getAttribute("data-sort");
      if (rank) th.appendChild(textCell("small", "#" + rank));
      top.appendChild(th);
    });
    head.appendChild(top);

    var columns = table.tHead.rows[table.tHead.rows.length - 1].cells.length;
    for (var index = FIRST_COLUMN; index < columns; index++) {
      var line = document.createElement("tr");
      line.appendChild(rowLabel(headerText(table, index), groupBadge(table, index)));
      rows.forEach(function (row) {
        var cell = row.cells[index].cloneNode(true);
        cell.removeAttribute("data-sort");
        line.appendChild(cell);
      });
      body.appendChild(line);
    }
    // licence and open weights are declared (open weights: from the declared licence and Hub repo);
    // the suite version is that of the measured run
    var declared = table.tHead.querySelector(".kl-group--declared .kl-badge");
    var measured = table.tHead.querySelector(".kl-group--measured .kl-badge");
    var facets = [
      ["licence", function (row) { return row.dataset.licence || words(section, "not-stated"); }, declared],
      ["open", function (row) { return words(section, row.dataset.open === "1" ? "yes" : "no"); }, declared],
      ["suite", function (row) { return row.dataset.suite ? "v" + row.dataset.suite : words(section, "none"); }, measured],
    ];
    facets.forEach(function (facet) {
      var line = document.createElement("tr");
      line.appendChild(rowLabel(words(section, facet[0]), facet[2]));
      rows.forEach(function (row) { line.appendChild(textCell("td", facet[1](row))); });
      body.appendChild(line);
    });
  }

  function makeComparable(section) {
    var table = document.getElementById(section.getAttribute("data-kl-compare"));
    if (!table || section.dataset.klReady) return;
    section.dataset.klReady = "1";
    section.hidden = false;
    var picked = [];
    // one listener for every box, those of rows drawn later included
    table.addEventListener("change", function (event) {
      var box = event.target;
      if (!box.matches || !box.matches("input.kl-pick")) return;
      var at = picked.indexOf(box.value);
      if (box.checked && at === -1 && picked.length < MAX) picked.push(box.value);
      if (!box.checked && at !== -1) picked.splice(at, 1);
      render(section, table, picked);
    });
    table.addEventListener("kl:rows", function () { render(section, table, picked); });
    section.querySelector(".kl-compare__clear").addEventListener("click", function () {
      picked = [];
      render(section, table, picked);
    });
    render(section, table, picked);
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("section[data-kl-compare]"), makeComparable);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  }
})();
