"""The generated pages' HTML kept out of Markdown's parser, for build speed.

A generated page is Markdown headings (they feed the table of contents) around large blocks
of HTML that Markdown passes through unchanged. Python-Markdown still parses every such block
twice with a pure-Python HTML parser (once to stash it, once for MkDocs' anchor check): most
of a build's time at a few hundred models. :meth:`Blocks.protect` swaps each HTML block for a
one-word placeholder paragraph before Markdown sees the page; :meth:`Blocks.restore` puts the
block back in the page's HTML and reports the ids it holds, which MkDocs would otherwise have
found itself.

Only chunks between headings that begin with an HTML tag are swapped; anything else stays
Markdown. A test builds the fixture site both ways and compares every page.

Both steps run once for each of a site's pages (at 5,000 models, 10,000 pages of about 28,000
characters), so each reads a page in one pass of a regular expression that starts with a
literal, which ``re`` finds with a fast scan (0.12 ms a page for both, from 0.3 ms): the
headings (where a page has only ``\n`` line breaks; any other, the line-by-line reading) and
the ids (``id=`` first, the space before it checked after).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

_HEADING = re.compile(r"^#{1,6}\s")
# where "\n" is the only line break, a heading's line less its "\n" (what _HEADING matches on a
# line of splitlines()): "#" to "######" and a space, then the rest of the line; found after
# the "\n" before it (a literal first: re's fast scan), or at the start
_HEADING_LINE = re.compile(r"\n(#{1,6}(?=\s)(?:[^\S\n].*)?)")
_FIRST_HEADING = re.compile(r"#{1,6}(?=\s)(?:[^\S\n].*)?")
# the line breaks splitlines() knows besides "\n" (each looked for with ``in``: a character
# class's search is ten times slower on a page of Korean text)
_OTHER_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_TAG_FIRST = re.compile(r"\s*<")
_ID = re.compile(r"""\sid=["']([^"']+)["']""")  # what ids_in() finds
_ID_VALUE = re.compile(r"""id=["']([^"']+)["']""")


@dataclass
class Blocks:
    """The HTML blocks taken out of each page: {src_uri: [block, ...]}, and their placeholders' prefix."""

    prefix: str = field(default_factory=lambda: f"klraw{uuid.uuid4().hex[:12]}x")
    pages: dict[str, list[str]] = field(default_factory=dict)

    def protect(self, src_uri: str, markdown: str) -> str:
        """The page's Markdown (front matter taken off) with each HTML chunk between its
        headings replaced by a placeholder."""
        blocks: list[str] = []
        out: list[str] = []

        def flush(text: str) -> None:
            if _TAG_FIRST.match(text):  # text.lstrip().startswith("<"), without the copy
                out.append(f"\n{self.prefix}{len(blocks)}\n\n")
                blocks.append(text.strip("\n"))
            else:
                out.append(text)

        for chunk, heading in chunks(markdown):
            flush(chunk)
            out.append(heading)
        if blocks:
            self.pages[src_uri] = blocks
        return "".join(out)

    def restore(self, src_uri: str, html: str) -> tuple[str, set[str]]:
        """The page's HTML with its blocks back in place, and the ids those blocks hold."""
        blocks = self.pages.pop(src_uri, None)
        if not blocks:
            return html, set()
        placeholder = re.compile(rf"<p>{self.prefix}(\d+)</p>")
        restored = placeholder.sub(lambda match: blocks[int(match.group(1))], html)
        ids = {found for block in blocks for found in ids_in(block)}
        return restored, ids


def chunks(markdown: str) -> list[tuple[str, str]]:
    """The page's text as (text before a heading, the heading's line) pairs, the last with no
    heading (""); a heading is a line of ``splitlines()`` that _HEADING matches."""
    found: list[tuple[str, str]] = []
    if not any(other in markdown for other in _OTHER_BREAKS):
        start = 0
        first = _FIRST_HEADING.match(markdown)
        matches = [first] if first is not None else []
        for match in (*matches, *_HEADING_LINE.finditer(markdown)):
            head, end = match.start(match.lastindex or 0), match.end(match.lastindex or 0)
            end += markdown.startswith("\n", end)  # the line's break is the heading's
            found.append((markdown[start:head], markdown[head:end]))
            start = end
        found.append((markdown[start:], ""))
        return found
    return chunks_line_by_line(markdown)


def chunks_line_by_line(markdown: str) -> list[tuple[str, str]]:
    """:func:`chunks`, a line of ``splitlines()`` at a time (any text; slower)."""
    found: list[tuple[str, str]] = []
    chunk: list[str] = []
    for line in markdown.splitlines(keepends=True):
        if _HEADING.match(line):
            found.append(("".join(chunk), line))
            chunk.clear()
        else:
            chunk.append(line)
    found.append(("".join(chunk), ""))
    return found


def ids_in(html: str) -> list[str]:
    """``_ID.findall(html)``: each ``id=`` value after a space, found by its literal first."""
    found = []
    at = 0  # _ID may match from here, so _ID_VALUE from the next character on
    while (match := _ID_VALUE.search(html, at + 1)) is not None:
        if html[match.start() - 1].isspace():
            found.append(match.group(1))
            at = match.end()
        else:
            at = match.start()
    return found
