"""Pieces of Material's page frame rendered once and reused by every model page alike.

A model page's HTML is our body inside Material's frame: head links, tabs, footer, the
theme's configuration and scripts. For the pages built ahead that are not in the navigation
(page_builds.PlannedPage: the model pages), those pieces depend only on the page's language
(which picks its navigation and configuration: plugin.on_page_context) and its depth (every
link in them is relative, from ``base_url``). Rendering them for each of thousands of pages
was most of the theme's share of a build. ``theme/main.html`` wraps each such block of
Material's ``base.html`` in ``{% call kl_frame(name, page, nav, base_url) %}``: the block is
rendered for the first page of a kind and the same text given to the others. Any other page
(in the navigation, hand-written, the leaderboard) renders every block itself.
"""

from __future__ import annotations

from collections.abc import Callable

from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kleaderboard.site.page_builds import PlannedPage

# The blocks of base.html that read nothing of a page out of the navigation but its language
# and depth. (The header shows the page's title and language links; the sidebars its table
# of contents: those are rendered for each page.)
SHARED_BLOCKS = ("styles", "libs", "fonts", "analytics", "tabs", "footer", "config", "scripts")


class Frames:
    """The shared blocks rendered so far in this build, by (block, language, base_url, hidden)."""

    def __init__(self) -> None:
        self.rendered: dict[tuple[object, ...], str] = {}

    def __call__(
        self, name: str, page: Page | None, nav: Navigation | None, base_url: str, caller: Callable[[], str]
    ) -> str:
        key = self.key(name, page, nav, base_url)
        if key is None:
            return caller()
        text = self.rendered.get(key)
        if text is None:
            text = self.rendered[key] = caller()
        return text

    @staticmethod
    def key(name: str, page: Page | None, nav: Navigation | None, base_url: str) -> tuple[object, ...] | None:
        """What the block ``name`` of ``page`` depends on, or None where it may depend on more."""
        if name not in SHARED_BLOCKS or not isinstance(page, PlannedPage):
            return None
        # in the navigation, a page is marked active in the tabs, and has neighbours in the footer
        if page.previous_page is not None or page.next_page is not None:
            return None
        if nav is not None and page in nav.pages:
            return None
        hidden = page.meta.get("hide") or ()
        return (
            name,
            page.meta.get("kl_lang"),
            base_url,
            tuple(hidden) if isinstance(hidden, list) else hidden,
        )
