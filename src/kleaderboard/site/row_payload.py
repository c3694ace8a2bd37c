"""The leaderboard's rows as one compact JSON payload, for a page that stays fast at thousands of models.

The page's HTML holds only the first :data:`FIRST_ROWS` rows (so it reads without JavaScript);
every row, those included, is also in a ``<script type="application/json">`` block as the
strings of its own markup: the ``<tr …>`` opening tag, then one string per ``<td>``. The
browser (assets/sortable.js) sorts, filters and pages those arrays and renders one page of rows
at a time. The strings come from the template's own row markup, so a column added there is in
the payload too, with no change here or in the script.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from markupsafe import Markup

FIRST_ROWS = 50  # rows in the page's HTML, and rows per page in the browser

_ROW = re.compile(r"\s*(<tr\b[^>]*>)(.*?)</tr>\s*", re.DOTALL)
_CELL = re.compile(r"<t[dh]\b.*?</t[dh]>", re.DOTALL)


def split_row(markup: str) -> list[str]:
    """One row's markup as [opening tag, cell, cell, ...]; a cell keeps its own tag and attributes.

    Raises ValueError when markup is not one ``<tr>`` of cells (a template mistake, not user data:
    cell text is escaped, so it never holds a tag).
    """
    match = _ROW.fullmatch(markup)
    if match is None:
        raise ValueError(f"not one table row: {markup[:80]!r}")
    cells = _CELL.findall(match.group(2))
    if _CELL.sub("", match.group(2)).strip():
        raise ValueError(f"text between the cells of a row: {markup[:80]!r}")
    return [match.group(1), *cells]


def rows_json(rows: Iterable[str]) -> Markup:
    """The payload: a JSON array of split rows, safe inside a <script> element."""
    text = json.dumps([split_row(row) for row in rows], ensure_ascii=False, separators=(",", ":"))
    # JSON may escape '/': with no '</' and no '<!--' nothing in it can end the script element
    return Markup(text.replace("</", "<\\/").replace("<!--", "<\\u0021--"))
