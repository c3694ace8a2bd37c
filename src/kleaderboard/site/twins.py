"""The hand-written pages (``site_src/``) in two languages, like the generated ones.

Korean is at the root (``submit.md``), English under ``en/`` (``en/submit.md``). A page whose
twin exists gets the front matter the generated pages carry: ``kl_lang`` and
``kl_alternates``, so the header's language switch (``theme/partials/alternate.html``) leads
from each to the other; an English page stays out of the search index, as the generated
English pages do. A page without a twin is left as written, and values a page's own front
matter sets win.
"""

from __future__ import annotations

from collections.abc import Callable

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
    if lang != LANGUAGES[0]:
        meta["search"] = {"exclude": True}
    return meta


__all__ = ["page_language", "twin_meta"]
