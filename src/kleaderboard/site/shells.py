"""A model page's whole HTML filled into a shell: Material's page rendered once per kind of page.

Thousands of model pages differ, inside Material's frame (head, header, navigation, table of
contents, footer, scripts), only in a handful of values: the page's title, its links to its
counterparts in each language, its canonical and edit addresses, and its content. So for the
pages built ahead that are out of the navigation (page_builds.PlannedPage), a page's kind is
what else the frame reads of it: its template, language, depth (every link in the frame is
relative), table of contents and other front matter. For the first page of a kind the frame is
rendered with stand-ins for those values (:func:`stand_in`), and cut at each stand-in into a
:class:`Shell`; every other page of the kind is the shell with its own values filled in,
escaped as the template escapes them, where rendering the frame took most of a page's time
after its own body.

Nothing is taken on trust: a kind's shell is used only once filling it gave, for the first two
pages of the kind, the very text MkDocs renders for them (else that kind is rendered page by
page, as any other page). A page is filled only where the plugins that see a page's context
are known to change nothing a shell keeps (ours, Material's search for a page it does not
index); MkDocs' ``post_page`` event and its writing of the file run for every page.
"""

from __future__ import annotations

import logging
import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import jinja2
import markupsafe
from mkdocs import utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from kleaderboard.site.outputs import Outputs

log = logging.getLogger("mkdocs.plugins.kleaderboard")

# The plugins whose page_context event a shell may stand for: ours (the page's language: its
# navigation, configuration and search index) and Material's search (it indexes no page built
# ahead: build_one marks them excluded while they are rendered).
KNOWN_CONTEXT_PLUGINS = frozenset({"kleaderboard.site.plugin", "material.plugins.search.plugin"})

# Material's search strips these attributes from a page's content as it renders: a page whose
# content has one is rendered whole.
_SEARCH_ATTRIBUTE = "data-search-"

# A stand-in is a hole's name and a mark of the characters HTML escapes, between private-use
# characters: the mark as the frame printed it says how to print the hole's value there.
_MARK = "<&\"'>"
_PRINTED: dict[str, Callable[[object], str]] = {
    _MARK: str,
    str(markupsafe.escape(_MARK)): lambda value: str(markupsafe.escape(value)),
}
_STAND_IN = re.compile("\ue000kl:([^\ue001\ue002]+)\ue002([^\ue001]*)\ue001")

# Material's content partial adds the page's title as a heading where the content has none:
# the content's stand-in has one where the content has (the kind tells them apart).
_HEADING = "<h1"


def stand_in(hole: str) -> str:
    """The text put in place of a page's value ``hole``."""
    return f"\ue000kl:{hole}\ue002{_MARK}\ue001"


@dataclass(frozen=True)
class Shell:
    """A kind's page cut at its holes: text, then (hole, how it is printed) and text in turn."""

    parts: tuple[str, ...]
    holes: tuple[tuple[str, Callable[[object], str]], ...]

    @classmethod
    def cut(cls, html: str) -> Shell | None:
        """The shell of a page rendered with stand-ins; None where a value is printed some
        other way than as it is or HTML-escaped (a filter, JSON...): such a page is rendered."""
        pieces = _STAND_IN.split(html)
        holes: list[tuple[str, Callable[[object], str]]] = []
        for at in range(1, len(pieces), 3):
            printed = _PRINTED.get(pieces[at + 1])
            if printed is None:
                return None
            holes.append((pieces[at], printed))
        return cls(tuple(pieces[0::3]), tuple(holes))

    def fill(self, page: Page) -> str:
        parts = [self.parts[0]]
        for (hole, printed), text in zip(self.holes, self.parts[1:], strict=True):
            parts += (printed(_value(page, hole)), text)
        return "".join(parts)


def _value(page: Page, hole: str) -> object:
    """A page's own value for ``hole``."""
    if hole.startswith("content"):
        return page.content or ""
    if hole == "title":
        return page.meta["title"]
    if hole == "canonical_url":
        return page.canonical_url
    if hole == "edit_url":
        return page.edit_url
    return page.meta["kl_alternates"][hole.split(":", 1)[1]]  # alternate:<lang>


@dataclass
class Shells:
    """The shells of this build's kinds of pages; a kind whose check failed has None."""

    config: MkDocsConfig
    nav: Navigation
    env: jinja2.Environment
    doc_files: Sequence[File]
    outputs: Outputs = field(default_factory=Outputs)
    shells: dict[tuple[object, ...], Shell | None] = field(default_factory=dict)
    checked: dict[tuple[object, ...], int] = field(default_factory=dict)  # pages compared, by kind
    known_plugins: bool = field(init=False)  # known_context_plugins: the same for a whole build
    CHECKS = 2  # pages of a kind whose filled text is compared with their rendered text

    def __post_init__(self) -> None:
        self.known_plugins = known_context_plugins(self.config)

    def build(self, page: Page) -> None:
        """Build ``page`` (populated) as MkDocs' ``_build_page`` does: from its kind's shell
        where it has one, else rendered by MkDocs itself."""
        kind = self.kind(page)
        shell = self.shells.get(kind) if kind is not None else None
        if kind is None or (shell is None and kind in self.shells):
            mkdocs_build._build_page(page, self.config, self.doc_files, self.nav, self.env)
            return
        if shell is None or self.checked[kind] < self.CHECKS:
            rendered = self._render(page)
            shell = self._check(kind, page, shell, rendered)
            self._write(page, rendered)
            return
        self._write(page, shell.fill(page))

    def kind(self, page: Page) -> tuple[object, ...] | None:
        """What, beyond its holes, the frame may read of ``page``; None: render it whole."""
        meta = page.meta
        if page.previous_page is not None or page.next_page is not None or page in self.nav.pages:
            return None  # in the navigation: marked active in it, with neighbours
        if not isinstance(meta.get("title"), str) or not isinstance(meta.get("kl_alternates"), dict):
            return None
        if _SEARCH_ATTRIBUTE in (page.content or "") or not self.known_plugins:
            return None
        rest = sorted(
            (key, repr(value)) for key, value in meta.items() if key not in ("title", "kl_alternates")
        )
        return (
            meta.get("template", "main.html"),
            utils.get_relative_url(".", page.url),  # the depth: base_url
            posixpath.dirname(page.url).split("/", 1)[0],  # the top folder (a language's)
            tuple(sorted(meta["kl_alternates"])),
            tuple(rest),
            _toc_shape(page.toc),
            page.canonical_url is None,
            page.edit_url is None,
            _HEADING in (page.content or ""),
        )

    def _check(
        self, kind: tuple[object, ...], page: Page, shell: Shell | None, rendered: str
    ) -> Shell | None:
        """The kind's shell (cut from ``page`` if it has none yet) if filling it with ``page``
        gives ``rendered``, the page's text as MkDocs renders it; else None, from now on."""
        if shell is None:
            shell = Shell.cut(self._render_stand_ins(page))
            self.checked[kind] = 0
        if shell is None or shell.fill(page) != rendered:
            log.debug(
                "kleaderboard: pages like %s are rendered one by one (a shell differs)", page.file.src_uri
            )
            self.shells[kind] = None
            return None
        self.shells[kind] = shell
        self.checked[kind] += 1
        return shell

    def _render_stand_ins(self, page: Page) -> str:
        """The page rendered with a stand-in for each of its holes."""
        meta = page.meta
        saved = meta["title"], meta["kl_alternates"], page.content, page.canonical_url, page.edit_url
        meta["title"] = stand_in("title")
        meta["kl_alternates"] = {lang: stand_in(f"alternate:{lang}") for lang in saved[1]}
        page.content = stand_in("content" + (f" {_HEADING}" if _HEADING in (page.content or "") else ""))
        if page.canonical_url is not None:
            page.canonical_url = stand_in("canonical_url")
        if page.edit_url is not None:
            page.edit_url = stand_in("edit_url")
        try:
            return self._render(page)
        finally:
            meta["title"], meta["kl_alternates"], page.content, page.canonical_url, page.edit_url = saved

    def _render(self, page: Page) -> str:
        """MkDocs' _build_page up to the rendered text: the page's context, its plugin events,
        its template."""
        config = self.config
        config._current_page = page
        page.active = True
        content = page.content
        try:
            context = mkdocs_build.get_context(self.nav, self.doc_files, config, page)
            template = self.env.get_template(page.meta.get("template", "main.html"))
            context = config.plugins.on_page_context(context, page=page, config=config, nav=self.nav)
            return template.render(context)
        finally:
            page.active = False
            page.content = content  # as it was populated (search's clean-up changes nothing here)
            config._current_page = None

    def _write(self, page: Page, output: str) -> None:
        """The rest of MkDocs' _build_page: the post_page event, then the file."""
        config = self.config
        config._current_page = page
        try:
            output = config.plugins.on_post_page(output, page=page, config=config)
            if output.strip():
                self.outputs.write(
                    output.encode("utf-8", errors="xmlcharrefreplace"), page.file.abs_dest_path
                )
            else:
                log.info(f"Page skipped: '{page.file.src_uri}'. Generated empty output.")
        except Exception as e:
            log.error(f"Error building page '{page.file.src_uri}': {e}")
            raise
        finally:
            config._current_page = None


def known_context_plugins(config: MkDocsConfig) -> bool:
    """Whether every plugin that sees a page's context is one of KNOWN_CONTEXT_PLUGINS."""
    return all(
        type(getattr(method, "__self__", None)).__module__ in KNOWN_CONTEXT_PLUGINS
        for method in config.plugins.events["page_context"]
    )


def _toc_shape(toc: TableOfContents | Sequence[AnchorLink]) -> tuple[object, ...]:
    return tuple((item.level, item.id, item.title, _toc_shape(item.children)) for item in toc)
