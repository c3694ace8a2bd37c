"""site/row_payload.py: the leaderboard's rows as a JSON payload, and the page holding only the first rows."""

from __future__ import annotations

import json
import re

import pytest

from kleaderboard.site import pages, row_payload


def test_a_row_splits_into_its_opening_tag_and_cells():
    row = (
        '<tr data-model="a/b" data-search="x">\n'
        '<td class="kl-num" data-sort="1">1<br><small>1–2</small></td>\n<td>A &amp; B</td>\n</tr>\n'
    )
    assert row_payload.split_row(row) == [
        '<tr data-model="a/b" data-search="x">',
        '<td class="kl-num" data-sort="1">1<br><small>1–2</small></td>',
        "<td>A &amp; B</td>",
    ]


@pytest.mark.parametrize("markup", ["<td>1</td>", "<tr><td>1</td>stray</tr>", "<tr><td>1</td></tr><tr></tr>"])
def test_anything_but_one_row_of_cells_is_refused(markup):
    with pytest.raises(ValueError):
        row_payload.split_row(markup)


def test_the_payload_cannot_end_its_script_element():
    text = row_payload.rows_json(['<tr data-search="&lt;/script&gt;"><td></script><!--</td></tr>'])
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == [['<tr data-search="&lt;/script&gt;">', "<td></script><!--</td>"]]


def _payload(markdown: str) -> list[list[str]]:
    found = re.search(r'<script type="application/json" id="leaderboard-rows">(.*?)</script>', markdown, re.S)
    assert found
    return json.loads(found.group(1))


def test_the_page_holds_the_first_rows_and_the_payload_every_row(board, monkeypatch):
    monkeypatch.setattr(row_payload, "FIRST_ROWS", 2)
    markdown = pages.leaderboard_page(board, pages.Links(use_directory_urls=False))
    body = markdown[markdown.index('<table class="kl-table kl-table--leaderboard"') :]
    html_rows = re.findall(r'<tr data-model="([^"]+)"', body[: body.index("</table>")])
    payload = _payload(markdown)
    ids = [re.search(r'data-model="([^"]+)"', row[0]).group(1) for row in payload]
    assert ids == [entry.id for entry in board.entries] and len(ids) == 4
    assert html_rows == ids[:2]
    columns = len(re.findall(r"<th scope=\"col\"", body[: body.index("</thead>")]))
    assert {len(row) for row in payload} == {1 + columns}  # the opening tag, then a cell per column
    assert 'data-kl-pager="leaderboard"' in markdown and "first 2 of 4" not in markdown  # Korean page
    english = pages.leaderboard_page(board, pages.Links(use_directory_urls=False, lang="en"))
    assert "This page holds the first 2 of 4 models" in english


def test_a_short_leaderboard_has_no_pager(board):
    markdown = pages.leaderboard_page(board, pages.Links(use_directory_urls=False))
    assert len(_payload(markdown)) == 4
    assert "data-kl-pager" not in markdown
