"""Search in the page's own language: one search index per language, from the same build.

Material's search plugin (``material/search``) writes one index, ``search/search_index.json``,
of every page not marked ``search: exclude``; its script fetches it from the site's base
(``__config.base``, the template's ``base_url``), and from ``file://`` loads the copy that
Material's ``offline`` plugin inlines into ``search/search_index.js`` (``var __index = …``).

So each language other than the default is a site of its own to that script:

- its pages (under ``en/``) go into an index of their own, built by Material's own
  ``SearchIndex`` with the language's settings (Material's ``search.config.*`` translations:
  English words, stemming and stop words), its entries located from ``en/``;
- Material's index keeps the default language's pages only;
- on its pages the template's ``base_url`` is the language's folder, so the script fetches
  ``en/search/search_index.json`` (``en/search/search_index.js`` offline) and resolves results
  there; ``extra.scope`` keeps the reader's stored choices (light/dark) shared by every language.

A page's own ``search: exclude`` (model pages unless ``search_model_pages``) still keeps it out
of every index. Without Material's search plugin (or with it disabled) nothing changes.
"""

from __future__ import annotations

import copy
import os
import re
from typing import Any

from material.plugins.search.plugin import SearchIndex  # type: ignore[import-untyped]  # no type info
from mkdocs import utils
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from mkdocs.utils.templates import TemplateContext

from kleaderboard.site.pages import LANGUAGES
from kleaderboard.site.twins import page_language

SEARCH_PLUGIN = "material/search"
OFFLINE_PLUGIN = "material/offline"
INDEX = "search/search_index.json"  # where Material's script looks, from the base
INLINED = "search/search_index.js"  # the offline plugin's copy for file://


class LanguageIndexes:
    """The search index of each language other than the default, for one build."""

    def __init__(self, config: MkDocsConfig) -> None:
        search = config.plugins.get(SEARCH_PLUGIN)
        offline = config.plugins.get(OFFLINE_PLUGIN)
        self.offline = offline is not None and bool(offline.config.enabled)
        self.indexes: dict[str, SearchIndex] = {}
        if search is not None and search.config.enabled:
            self.indexes = {lang: _index(config, dict(search.config), lang) for lang in LANGUAGES[1:]}

    def add(self, page: Page, context: TemplateContext) -> None:
        """Index a page of another language in its own index (before Material's plugin sees it:
        it leaves the page out) and point the page's search at that index."""
        lang = self.index(page)
        if lang is None:
            return
        # Material's script reads its base from base_url, and so does the scope of the reader's
        # stored choices (light/dark): that stays the site root, shared with the other languages
        config = copy.copy(context["config"])  # one per page, as english_config's
        config["extra"] = copy.copy(config.extra)
        config.extra.setdefault("scope", context["base_url"])
        context["config"] = config
        context["base_url"] = get_relative_url(f"{lang}/", page.url)

    def index(self, page: Page) -> str | None:
        """Index a page of another language in its own index, unless the page says not to, and
        keep it out of the default language's; its language, or None for the default's page."""
        lang = page_language(page.file.src_uri)[0]
        index = self.indexes.get(lang)
        if index is None:
            return None
        search: dict[str, Any] = dict(page.meta.get("search") or {})
        if not search.get("exclude"):
            _index_into(index, page, lang)
        page.meta["search"] = {**search, "exclude": True}  # not in the default language's index
        return lang

    def entries(self, page: Page, config: MkDocsConfig) -> list[dict[str, Any]]:
        """The entries ``page`` (populated, searched) adds to its language's index, made without
        keeping them: a page built ahead is indexed in its worker (page_builds), its entries
        added by :meth:`add_entries` as MkDocs' loop passes over it."""
        index, lang = self._index_of(page, config)
        if index is None:
            return []
        first = len(index.entries)
        try:
            return _index_into(index, page, lang)
        finally:
            del index.entries[first:]

    def add_entries(self, page: Page, entries: list[dict[str, Any]], config: MkDocsConfig) -> None:
        """Add the entries made ahead (:meth:`entries`) to the page's index, where indexing it
        here would have put them; Material's plugin then leaves the page out."""
        index, _ = self._index_of(page, config)
        if index is not None:
            index.entries.extend(entries)
        page.meta["search"] = {**(page.meta.get("search") or {}), "exclude": True}

    def _index_of(self, page: Page, config: MkDocsConfig) -> tuple[SearchIndex | None, str | None]:
        """The index a page goes into, and its language where it is not the default's."""
        lang = page_language(page.file.src_uri)[0]
        if lang in self.indexes:
            return self.indexes[lang], lang
        search = config.plugins.get(SEARCH_PLUGIN)
        if search is None or not search.config.enabled:
            return None, None
        return search.search_index, None

    def write(self, config: MkDocsConfig) -> None:
        """Write each language's index (and, with the offline plugin, its inlined copy)."""
        for lang, index in self.indexes.items():
            data = index.generate_search_index(None)
            folder = os.path.join(config.site_dir, lang)
            utils.write_file(data.encode("utf-8"), os.path.join(folder, INDEX))
            if self.offline:  # as material/offline does for the default index
                utils.write_file(f"var __index = {data}".encode(), os.path.join(folder, INLINED))

    def clear(self) -> None:
        """Let go of the indexes (the build is over)."""
        self.indexes = {}


def _index_into(index: SearchIndex, page: Page, lang: str | None) -> list[dict[str, Any]]:
    """Index ``page`` into ``index``; the entries it added, located from the folder of ``lang``
    (a language's own index: its folder is its base), or from the site's root (None)."""
    first = len(index.entries)
    index.add_entry_from_context(page)
    added: list[dict[str, Any]] = index.entries[first:]
    if lang is not None:
        for entry in added:
            entry["location"] = entry["location"].removeprefix(f"{lang}/")
    return added


def _index(config: MkDocsConfig, settings: dict[str, Any], lang: str) -> SearchIndex:
    """Material's SearchIndex with the language's own words (lunr language, separator, pipeline)."""
    words = config.theme.get_env().get_template(f"partials/languages/{lang}.html").module

    def say(key: str) -> str:
        return str(words.t(key))  # type: ignore[attr-defined]  # the macro of Material's language files

    settings["lang"] = [say("search.config.lang")]
    settings["separator"] = say("search.config.separator")
    # split as Material's plugin splits its own default
    settings["pipeline"] = [step for step in re.split(r"\s*,\s*", say("search.config.pipeline")) if step]
    return SearchIndex(**settings)


__all__ = ["LanguageIndexes"]
