"""raw_html reads a page in one pass (site/raw_html.py): the headings and the ids it finds are
the ones the plain readings find (a page's lines from ``splitlines()``, as raw_html read them
before, and ``_ID.findall``), on any text, including every line break ``splitlines()`` knows and
ids in odd places."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kleaderboard.site import raw_html

# the characters that matter to either reading, and some that do not
PIECES = ["#", "##", "#######", " ", "\t", "\n", "\r", "\r\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"]
PIECES += [
    "\u2028",
    "\u2029",
    "\x1f",
    "\u3000",
    "<",
    "<p>",
    "a",
    "한",
    "id=",
    "id='x'",
    'id="y z"',
    'xid="',
    " id='",
    "\"'",
    "=",
    "'",
]
texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
PROPERTY = settings(max_examples=400, deadline=None)


@PROPERTY
@given(text=texts)
def test_chunks_are_the_line_by_line_reading(text: str) -> None:
    assert raw_html.chunks(text) == raw_html.chunks_line_by_line(text)


@pytest.mark.parametrize("other", ["\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"])
def test_every_other_line_break_starts_a_line_where_a_heading_may_be(other: str) -> None:
    text = f"<p>x{other}# heading\n<p>y{other}{other}## another{other}text"
    assert raw_html.chunks(text) == raw_html.chunks_line_by_line(text)
    assert [heading for _, heading in raw_html.chunks(text)] == ["# heading\n", f"## another{other}", ""]


@PROPERTY
@given(text=texts)
def test_ids_are_what_the_pattern_finds(text: str) -> None:
    assert raw_html.ids_in(text) == re.findall(r"""\sid=["']([^"']+)["']""", text)


def test_the_fast_readings_are_taken_on_a_page_of_plain_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page with "\\n" breaks only is read by one regular expression (the line-by-line
    reading is the other branch), and a heading on the first line, or right after another,
    is still found."""
    page = (
        "# First\n## Second\n<div id='a'>\n\n<p id=\"b\">x</p></div>\n#no\n####### seven\n#\ntext\n### last"
    )
    line_by_line = raw_html.chunks_line_by_line(page)
    monkeypatch.setattr(raw_html, "chunks_line_by_line", None)  # not called for this page
    assert raw_html.chunks(page) == line_by_line
    assert [heading for _, heading in raw_html.chunks(page)] == [
        "# First\n",
        "## Second\n",
        "#\n",
        "### last",
        "",
    ]
    assert raw_html.ids_in(page) == ["a", "b"]
    # an id= that is not an id (no space before it) may hold one that is
    assert raw_html.ids_in("<p data-xid=\"a id='b'\">") == ["b"]


def test_protect_and_restore_give_back_the_page() -> None:
    blocks = raw_html.Blocks()
    page = "## Scores\n\n<table id='t'>\n<tr><td>1</td></tr>\n</table>\n\n## Notes\n\nplain *text*\n"
    protected = blocks.protect("models/a/b.md", page)
    assert "<table" not in protected and "## Scores\n" in protected and "plain *text*" in protected
    html = re.sub(rf"\n({blocks.prefix}\d+)\n", r"<p>\1</p>", protected)
    restored, ids = blocks.restore("models/a/b.md", html)
    assert "<table id='t'>\n<tr><td>1</td></tr>\n</table>" in restored and ids == {"t"}
