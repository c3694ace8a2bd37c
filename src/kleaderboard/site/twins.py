"""The hand-written pages (``site_src/``) in two languages, like the generated ones.

Korean is at the root (``submit.md``), English under ``en/`` (``en/submit.md``). A page whose
twin exists gets the front matter the generated pages carry: ``kl_lang`` and
``kl_alternates``, so the header's language switch (``theme/partials/alternate.html``) leads
from each to the other (an English page is searched with the English pages: search_languages).
A page without a twin is left as written, and values a page's own front matter sets win.

The navigation is one per language too (``language_nav``): an English page's header and
tabs list the English twins of the pages in mkdocs.yml's ``nav``, under their own titles.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from mkdocs.structure import StructureItem
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from kleaderboard.site.pages import LANGUAGES, Links, localised


def page_language(src_uri: str) -> tuple[str, str]:
    """(language, the Korean page's src_uri) of a page: 'en/submit.md' -> ('en', 'submit.md')."""
    first, _, rest = src_uri.partition("/")
    if rest and first in LANGUAGES[1:]:
        return first, rest
    return LANGUAGES[0], src_uri


def twin_meta(src_uri: str, exists: Callable[[str], bool], use_directory_urls: bool) -> dict[str, object]:
    """The front matter that links a page to its twins in every language; {} without a twin."""
    lang, base = page_language(src_uri)
    twins = {other: localised(base, other) for other in LANGUAGES}
    if not src_uri.endswith(".md") or not all(exists(uri) for uri in twins.values()):
        return {}
    links = Links(use_directory_urls)
    here = links.url(src_uri)
    meta: dict[str, object] = {
        "kl_lang": lang,
        "kl_alternates": {other: get_relative_url(links.url(uri), here) for other, uri in twins.items()},
    }
    return meta


log = logging.getLogger("mkdocs.plugins.kleaderboard")


def language_nav(nav: Navigation, files: Files, lang: str) -> Navigation:
    """mkdocs.yml's navigation in another language: each page replaced by its twin there, which
    names itself (its front matter ``title`` or first heading); a page without a twin is left
    out. Links and sections' titles stay as written (mkdocs.yml names no English ones)."""
    items = _twin_items(nav.items, files, lang)
    pages: list[Page] = []
    _link_family(items, None, pages)
    for previous, page in zip([None, *pages], pages, strict=False):
        page.previous_page = previous
        if previous is not None:
            previous.next_page = page
    if pages:
        pages[-1].next_page = None
    translated = Navigation(items, pages)
    if nav.homepage is not None:
        home = files.get_file_from_path(localised(nav.homepage.file.src_uri, lang))
        translated.homepage = home.page if home is not None else None
    return translated


def _twin_items(items: list[StructureItem], files: Files, lang: str) -> list[StructureItem]:
    twins: list[StructureItem] = []
    for item in items:
        if isinstance(item, Page):
            twin = files.get_file_from_path(localised(item.file.src_uri, lang))
            if twin is None or twin.page is None:
                log.info(
                    "%s has no twin %s: the %s navigation leaves it out",
                    item.file.src_uri,
                    localised(item.file.src_uri, lang),
                    lang,
                )
                continue
            twins.append(twin.page)
        elif isinstance(item, Section):
            children = _twin_items(item.children, files, lang)
            if children:
                twins.append(Section(item.title, children))
        else:
            twins.append(item)
    return twins


def _link_family(items: list[StructureItem], parent: Section | None, pages: list[Page]) -> None:
    for item in items:
        item.parent = parent
        if isinstance(item, Page):
            pages.append(item)
        elif isinstance(item, Section):
            _link_family(item.children, item, pages)


__all__ = ["language_nav", "page_language", "twin_meta"]
