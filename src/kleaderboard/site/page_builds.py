"""The model pages and the leaderboard built ahead of MkDocs' own page loop, several at once.

A site's model pages (two per model, one per language) are nearly all of its pages and, with
the leaderboard (a row per model), nearly all of its build time: each is rendered from our
templates, passed through Markdown and MkDocs' theme, and written. MkDocs builds pages one
after another in one process. So the plugin registers these pages with their front matter
only (:class:`~kleaderboard.site.pages.LazyPage`), and in ``on_env`` (every page gathered, the
theme ready) :func:`build_ahead` builds them whole, split across forked worker processes:
:func:`populate` fires the plugin events of MkDocs' ``_populate_page`` in its order (converting
each distinct Markdown skeleton once), then the page is rendered and written as MkDocs'
``_build_page`` does (filled into its kind's shell where it has one: shells.py), so a page comes
out byte for byte as MkDocs would make it. MkDocs' loop then passes over
each built page with an empty template, which it skips without writing (:data:`SKIP_TEMPLATE`).

What MkDocs needs back from a worker comes back through a pipe: the warnings and errors it
logged (so ``--strict`` still fails on them), each page's anchors and links to anchors (for
MkDocs' anchor check after the build), and, for a page in the search index, its entries (or,
where other plugins see pages' contexts, its HTML and table of contents to index there).
Workers are forked only from a process with a single thread (``mkdocs build``): forking a
process whose other threads may hold a lock (``mkdocs serve``, a test server) can hang the
child, so there the pages are built in the process itself, as they are where the platform
cannot fork.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import logging
import re
import traceback
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents
from mkdocs.utils.meta import YAML_RE

from kleaderboard import forked
from kleaderboard.site.outputs import Outputs
from kleaderboard.site.shells import Shells

log = logging.getLogger("mkdocs.plugins.kleaderboard")

# An empty theme template (theme/kl-built.html): MkDocs writes nothing for a page that renders
# to nothing, so a page built ahead keeps the file its worker wrote.
SKIP_TEMPLATE = "kl-built.html"


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a build loads thousands of submissions: each
    full collection walks every object made so far (a quarter of the loading time at 5,000)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def hold_until_built() -> None:
    """What exists now (the loaded submissions, the pages' plans, MkDocs' pages) lives as long as
    the build: Python's collector leaves it out of its walks from now on (``gc.freeze``), and a
    forked worker does not touch, so copy, its memory. At 5,000 models, full collections in
    MkDocs' loops took about 2.5 s before (timed with gc.callbacks). :func:`release_held` ends it."""
    gc.freeze()


def release_held() -> None:
    """The end of the build (or its failure): what :func:`hold_until_built` held is collected
    as usual again."""
    gc.unfreeze()


@dataclass
class Built:
    """What the parent process needs of one page a worker built."""

    src_uri: str
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]]  # {target src_uri: {anchor: link as written}}
    content: str | None = None  # the page's HTML and table of contents, when search indexes it
    toc: TableOfContents | None = None
    search_entries: list[dict[str, Any]] | None = None  # or its search entries, made here


@dataclass
class Outcome:
    """A worker's report: its pages, the log records MkDocs would have counted, or its failure."""

    built: list[Built] = field(default_factory=list)
    records: list[logging.LogRecord] = field(default_factory=list)
    error: str | None = None


class PlannedPage(Page):
    """A page MkDocs gathers with its front matter only (pages.LazyPage), whose meta is known.

    MkDocs' loop reads every page before the build (``_populate_page``): for these it would
    parse their YAML and start a Markdown converter for an empty body, most of that loop's time
    at thousands of pages, in one process. This page takes its planned meta instead and renders
    its empty body as Markdown does; :func:`build_one` renders it whole, as any page, its meta
    again taken as planned (not parsed) when its text starts with that front matter.
    """

    def __init__(self, file: File, config: MkDocsConfig, meta: Mapping[str, object]) -> None:
        super().__init__(None, file, config)
        self.planned_meta = meta
        self.planned_front = file.content_string
        self.planned = False  # its meta taken as planned when it was last read

    def read_source(self, config: MkDocsConfig) -> None:
        source = self.file.content_string
        # planned: the front matter MkDocs would read is the planned one (and no plugin gives
        # the page's source): the whole page (built ahead), or its front matter alone
        found = None if config.plugins.events["page_read_source"] else YAML_RE.match(source)
        front = self.planned_front
        self.planned = found is not None and found.end() == len(front) and source.startswith(front)
        if not self.planned:
            super().read_source(config)
            return
        # what meta.get_data makes of front_matter(meta) and a body: the body, and the values
        self.markdown, self.meta = source[len(front) :].lstrip("\n"), _copied(dict(self.planned_meta))

    def render(self, config: MkDocsConfig, files: Files) -> None:
        if not (self.planned and self.markdown == ""):
            super().render(config, files)
            return
        # what Page.render makes of an empty body (Markdown returns "" before any extension runs)
        self.content, self.toc = "", TableOfContents([])
        self._title_from_render = None
        self.present_anchor_ids = set()
        self.links_to_anchors = {}


_IMMUTABLE = (str, int, float, bool, type(None))


def _copied(value: Any) -> Any:
    """copy.deepcopy of front matter's values (dicts, lists, text, numbers), several times
    faster: a deep copy for each page was a tenth of MkDocs' loop over the pages. (Checked
    against built-in classes only: an isinstance against an abstract class such as Mapping
    took microseconds each during a build.)"""
    if isinstance(value, _IMMUTABLE):
        return value
    if type(value) is dict:
        return {key: _copied(item) for key, item in value.items()}
    if type(value) is list:
        return [_copied(item) for item in value]
    return copy.deepcopy(value)


def _toc_copy(toc: TableOfContents) -> TableOfContents:
    """copy.deepcopy of a table of contents, every attribute of every entry kept (MkDocs marks
    the first one active), in a tenth of the time."""
    copied = TableOfContents.__new__(TableOfContents)
    copied.__dict__ = {**toc.__dict__, "items": [_link_copy(link) for link in toc.items]}
    return copied


def _link_copy(link: AnchorLink) -> AnchorLink:
    copied = AnchorLink.__new__(AnchorLink)
    copied.__dict__ = {**link.__dict__, "children": [_link_copy(child) for child in link.children]}
    return copied


@dataclass(frozen=True)
class Site:
    """What building one page needs of the build in progress."""

    config: MkDocsConfig
    files: Files
    nav: Navigation
    env: jinja2.Environment
    doc_files: Sequence[File]
    # The files published beside each page (a model's run records, loss log...): copied by the
    # process that builds the page, not one by one by MkDocs' process afterwards.
    evidence: Mapping[str, Sequence[File]] = field(default_factory=dict)
    # What Markdown makes of a page once the plugin has taken its HTML out (raw_html.py): its
    # headings around placeholders. Model pages share a handful of these skeletons, so each is
    # converted once (this build's: they depend on its Markdown settings); Markdown's setup and
    # parse were a quarter of a model page's build.
    skeletons: dict[str, tuple[str, TableOfContents, set[str] | None, dict[str, str]]] = field(
        default_factory=dict
    )
    # The search entries of a page, where the plugin can make them in the worker (where it
    # cannot, the page's HTML goes back for MkDocs' loop to index); those made, by src_uri.
    search_entries: Callable[[Page], list[dict[str, Any]]] | None = None
    searched: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Material's frame of each kind of model page, cut where pages differ (shells.py)
    shells: Shells = field(init=False)
    outputs: Outputs = field(default_factory=Outputs)  # the files written, each folder made once

    def __post_init__(self) -> None:
        shells = Shells(self.config, self.nav, self.env, self.doc_files, self.outputs)
        object.__setattr__(self, "shells", shells)


def build_ahead(
    pages: Sequence[Page],
    text: Callable[[Page], str],
    site: Site,
    workers: int,
    group: Callable[[Page], Hashable] | None = None,
    weight: Callable[[Page], float] | None = None,
) -> None:
    """Build ``pages`` whole (``text(page)`` is each one's full source), in ``workers``
    processes where the process may fork; then leave them for MkDocs' loop to skip.
    Pages of the same ``group(page)`` are built by the same process, one after the other;
    ``weight(page)``: about how long a page takes, in model pages (forked.shares).
    A page that fails to build raises PluginError naming it, as MkDocs would have."""
    workers = min(workers, len(pages))
    unsafe = forked.fork_unsafe_because() if workers > 1 else None
    if unsafe is not None:
        log.info(
            "kleaderboard: building %d pages ahead (leaderboard, claims, charts, models) here (%s)",
            len(pages),
            unsafe,
        )
        workers = 1
    hold_until_built()  # what was made since the submissions were loaded, too (the plugin releases it)
    if workers <= 1:
        outcomes = [_build_slice(pages, text, site, capture=False)]
    else:
        log.info(
            "kleaderboard: building %d pages ahead (leaderboard, claims, charts, models) in %d processes",
            len(pages),
            workers,
        )
        outcomes = _build_in_workers(pages, text, site, workers, group, weight)
    pages_by_uri = {page.file.src_uri: page for page in pages}
    for outcome in outcomes:
        for record in outcome.records:
            logging.getLogger(record.name).handle(record)
        if outcome.error is not None:
            raise PluginError(outcome.error)
        for built in outcome.built:
            _take_back(pages_by_uri[built.src_uri], built, site.files)
            if built.search_entries is not None:
                site.searched[built.src_uri] = built.search_entries
    for page in pages:
        page.meta["template"] = SKIP_TEMPLATE
        for file in site.evidence.get(page.file.src_uri, ()):
            site.files.remove(file)  # copied with its page: MkDocs' copy of static files skips it


def _build_in_workers(
    pages: Sequence[Page],
    text: Callable[[Page], str],
    site: Site,
    workers: int,
    group: Callable[[Page], Hashable] | None,
    weight: Callable[[Page], float] | None,
) -> list[Outcome]:
    parts = forked.shares(
        len(pages),
        workers,
        (lambda index: group(pages[index])) if group else None,
        (lambda index: weight(pages[index])) if weight else None,
    )
    # in a worker (in_child), the MkDocs log records are kept for the parent to print and count
    outcomes = forked.in_slices(
        lambda part, in_child: _build_slice(part, text, site, capture=in_child), pages, parts
    )
    return [
        Outcome(error=f"a process building pages ahead stopped (exit code {outcome.exitcode})")
        if isinstance(outcome, forked.ChildFailed)
        else outcome
        for outcome in outcomes
    ]


class _Capture(logging.Handler):
    """Keeps a worker's log records (their arguments already formatted) for the parent."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        record.msg, record.args, record.exc_info, record.exc_text = record.getMessage(), None, None, None
        self.records.append(record)


def _build_slice(pages: Iterable[Page], text: Callable[[Page], str], site: Site, capture: bool) -> Outcome:
    """Build each page; in a worker (capture) its MkDocs log records go back to the parent,
    which prints and counts them once."""
    handler = _Capture()
    if capture:
        mkdocs_log = logging.getLogger("mkdocs")
        mkdocs_log.handlers = [handler]
        mkdocs_log.propagate = False
    outcome = Outcome(records=handler.records)
    page = None
    try:
        for page in pages:
            outcome.built.append(build_one(page, text(page), site))
    except Exception as exc:  # reported by the parent as a PluginError naming the page
        where = page.file.src_uri if page is not None else "?"
        detail = exc.message if isinstance(exc, PluginError) else f"{type(exc).__name__}: {exc}"
        log.debug("kleaderboard: building %s failed:\n%s", where, traceback.format_exc())
        outcome.error = f"Error building page '{where}': {detail}"
    return outcome


def build_one(page: Page, source: str, site: Site) -> Built:
    """Populate and build one page as MkDocs' own loop does, from ``source``."""
    front = page.file.content_string
    page.file.content_string = source
    search = page.meta.get("search")
    try:
        populate(page, site)
        searched = not (page.meta.get("search") or {}).get("exclude")
        # The search index takes the page's entries as MkDocs' loop passes over it (the parent's
        # loop, in its order), made here from its HTML as populated, or there from that HTML.
        content, toc = page.content, page.toc
        entries = site.search_entries(page) if searched and site.search_entries is not None else None
        page.meta["search"] = {**(search or {}), "exclude": True}
        site.shells.build(page)
    finally:
        page.file.content_string = front  # keep only the front matter in memory
        if search is None:
            page.meta.pop("search", None)
        else:
            page.meta["search"] = search
    for file in site.evidence.get(page.file.src_uri, ()):
        site.outputs.copy(file)
    built = Built(
        src_uri=page.file.src_uri,
        anchors=page.present_anchor_ids,
        links_to_anchors={target.src_uri: links for target, links in (page.links_to_anchors or {}).items()},
        content=content if searched and entries is None else None,
        toc=toc if searched and entries is None else None,
        search_entries=entries,
    )
    if not searched:
        page.markdown = page.content = ""  # written, and out of search: nothing reads them again
    return built


# A skeleton with a link or inline HTML could depend on the page's place: always converted.
_PAGE_DEPENDENT = re.compile(r"[\[<]|\]\(|://")


def populate(page: Page, site: Site) -> None:
    """MkDocs' _populate_page (the same plugin events, in order), converting each distinct
    skeleton with Markdown once."""
    config, files = site.config, site.files
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page, config=config, files=files)
        known = site.skeletons.get(page.markdown)
        if known is not None and "title" in page.meta:
            page.content, toc, anchors, own_links = known
            page.toc = _toc_copy(toc)
            page.present_anchor_ids = set(anchors) if anchors is not None else None
            page.links_to_anchors = {page.file: dict(own_links)} if own_links else {}
        else:
            page.render(config, files)
            links = page.links_to_anchors or {}
            # the headings' permalinks (#id) are the only links such a skeleton may hold
            if not _PAGE_DEPENDENT.search(page.markdown) and set(links) <= {page.file}:
                own = links.get(page.file, {})
                site.skeletons[page.markdown] = (page.content or "", page.toc, page.present_anchor_ids, own)
        assert page.content is not None
        page.content = config.plugins.on_page_content(page.content, page=page, config=config, files=files)
    except Exception as e:
        log.error(f"Error reading page '{page.file.src_uri}': {e}")
        raise
    finally:
        config._current_page = None


def _take_back(page: Page, built: Built, files: Files) -> None:
    """What MkDocs reads of a page after its loop (anchor check, search) onto the parent's page."""
    page.present_anchor_ids = built.anchors
    page.links_to_anchors = {}
    for uri, links in built.links_to_anchors.items():
        target = files.get_file_from_path(uri)
        if target is not None:
            page.links_to_anchors[target] = links
    if built.content is not None:
        page.content = built.content
        page.toc = built.toc if built.toc is not None else TableOfContents([])


class SkipFilter(logging.Filter):
    """Hides MkDocs' note that it wrote nothing for a page built ahead (its file is written)."""

    def __init__(self, uris: set[str]) -> None:
        super().__init__()
        self.notes = {f"Page skipped: '{uri}'. Generated empty output." for uri in uris}

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() not in self.notes
