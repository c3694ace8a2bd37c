"""What a built page says in its theme (html lang, navigation, light/dark switch, search box),
read with the standard library's HTML parser, for the tests that every page speaks one
language: Korean at the site root, English under en/."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

HANGUL = re.compile(r"[\uac00-\ud7a3\u1100-\u11ff\u3130-\u318f]")
# What Material and our theme write on each language's pages (partials/palette.html,
# Material's partials/languages/*.html).
PALETTE_NAMES = {
    "ko": {"어두운 화면으로 바꾸기", "밝은 화면으로 바꾸기"},
    "en": {"Switch to dark mode", "Switch to light mode"},
}
SEARCH_PLACEHOLDER = {"ko": "검색", "en": "Search"}


@dataclass
class PageTheme:
    """The theme's words and links of one built page."""

    lang: str = ""
    nav: list[tuple[str, str]] = field(default_factory=list)  # (label, href) of tabs and side nav
    # ('' for the logo's link home)
    palette: list[str] = field(default_factory=list)  # the light/dark toggles' titles
    search_placeholder: str = ""
    title: str | None = None  # the browser tab's: "<page> - <site name>"


class _ThemeReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.theme = PageTheme()
        self._navs: list[bool] = []  # per open <nav>/<div class=md-tabs>: a site navigation?
        self._link: tuple[str, list[str]] | None = None
        self._title: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._title is not None:  # a title's text is never markup (RCDATA)
            self._title.append(self.get_starttag_text() or "")
            return
        values = {name: value or "" for name, value in attrs}
        classes = values.get("class", "").split()
        if tag == "html":
            self.theme.lang = values.get("lang", "")
        elif tag == "nav":
            self._navs.append("md-tabs" in classes or "md-nav--primary" in classes or any(self._navs))
        elif tag == "label" and values.get("for", "").startswith("__palette") and "title" in values:
            self.theme.palette.append(values["title"])
        elif tag == "input" and "md-search__input" in classes:
            self.theme.search_placeholder = values.get("placeholder", "")
        elif tag == "title" and self.theme.title is None:  # the head's, not an SVG chart's
            self._title = []
        elif tag == "a" and any(self._navs) and not values.get("href", "").startswith("#"):
            self._link = (values.get("href", ""), [])

    def handle_endtag(self, tag: str) -> None:
        if tag == "nav" and self._navs:
            self._navs.pop()
        elif tag == "a" and self._link is not None:
            href, text = self._link
            self.theme.nav.append((" ".join("".join(text).split()), href))
            self._link = None
        elif tag == "title" and self._title is not None:
            self.theme.title = "".join(self._title).strip()
            self._title = None

    def handle_data(self, data: str) -> None:
        if self._title is not None:
            self._title.append(data)
        if self._link is not None:
            self._link[1].append(data)


def page_theme(path: Path) -> PageTheme:
    reader = _ThemeReader()
    reader.feed(path.read_text(encoding="utf-8"))
    return reader.theme


def language_problems(site: Path, site_names: dict[str, str] | None = None) -> list[str]:
    """Every place where a built page's theme is not in the page's own language; with
    site_names ({language: the site's name}), each page's browser tab must end in its own."""
    problems = [] if (site / "index.html").is_file() else [f"{site}: no site built there"]
    for path in sorted(site.rglob("*.html")):
        where = path.relative_to(site).as_posix()
        expected = "en" if where.startswith("en/") else "ko"
        theme = page_theme(path)
        problems += _page_problems(where, expected, theme)
        if site_names and not (theme.title or "").endswith(site_names[expected]):
            problems.append(f"{where}: browser tab says {theme.title!r}")
    return problems


def _page_problems(where: str, expected: str, theme: PageTheme) -> list[str]:
    problems = []
    if theme.lang != expected:
        problems.append(f"{where}: <html lang={theme.lang!r}>, not {expected!r}")
    if not theme.nav and where != "404.html":
        problems.append(f"{where}: no navigation found")
    for label, href in theme.nav:
        if "://" in href:  # the repository's link, in the side nav on small screens
            continue
        target = posixpath.normpath(posixpath.join(posixpath.dirname(where), href))
        if where == "404.html":  # Material writes the error page's links from the site root
            target = href.lstrip("/")
        in_english = target.startswith("en/") or target == "en"
        if expected == "en" and (HANGUL.search(label) or not in_english):
            problems.append(f"{where}: English nav item {label!r} -> {target}")
        if expected == "ko" and ((label and not HANGUL.search(label)) or in_english):
            problems.append(f"{where}: Korean nav item {label!r} -> {target}")
    if not set(theme.palette) <= PALETTE_NAMES[expected]:
        problems.append(f"{where}: light/dark switch named {theme.palette}")
    if theme.search_placeholder != SEARCH_PLACEHOLDER[expected]:
        problems.append(f"{where}: search box says {theme.search_placeholder!r}")
    return problems
