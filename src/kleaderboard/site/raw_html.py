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
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

_HEADING = re.compile(r"^#{1,6}\s")
_ID = re.compile(r"""\sid=["']([^"']+)["']""")


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
        chunk: list[str] = []

        def flush() -> None:
            text = "".join(chunk)
            if text.lstrip().startswith("<"):
                out.append(f"\n{self.prefix}{len(blocks)}\n\n")
                blocks.append(text.strip("\n"))
            else:
                out.append(text)
            chunk.clear()

        for line in markdown.splitlines(keepends=True):
            if _HEADING.match(line):
                flush()
                out.append(line)
            else:
                chunk.append(line)
        flush()
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
        ids = {found for block in blocks for found in _ID.findall(block)}
        return restored, ids
