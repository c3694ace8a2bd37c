"""The ``kleaderboard`` MkDocs plugin: event hooks that hand the work to plain functions.

In mkdocs.yml::

    plugins:
      - search
      - offline            # optional: a site that also works from file://
      - kleaderboard:
          suites: [ko-global-v2, ko-global-v1]
          submissions_dir: submissions

With ``repo_url`` set in mkdocs.yml, every page links the repository in its header (Material's
link, without the script that would ask GitHub's API for star counts).

On each build it loads every submission and run record, scores them on each suite
(the first is the main board; the others are shown beside it, each labelled with its
suite and version, never ranked across) and adds the generated pages (``index.md``,
``methodology.md``, one page per model under ``models/``, kept out of the navigation),
the evidence files next to them and its own CSS and JavaScript. Nothing it adds loads
anything from another host.
"""

from __future__ import annotations

import copy
import functools
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from jinja2 import Environment
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from kleaderboard import forked
from kleaderboard.errors import InputError
from kleaderboard.scoring.leaderboard import Leaderboard, build_leaderboards
from kleaderboard.site import (
    analysis,
    claims_board,
    downloads,
    page_builds,
    pages,
    raw_html,
    search_languages,
    twins,
)
from kleaderboard.site.shells import known_context_plugins
from kleaderboard.suites import Suite, load_suite

if TYPE_CHECKING:  # (mkdocs serve's server, and its file watcher: not needed to build)
    from mkdocs.livereload import LiveReloadServer

log = logging.getLogger("mkdocs.plugins.kleaderboard")

ASSETS_DIR = Path(__file__).parent / "assets"
THEME_DIR = Path(__file__).parent / "theme"  # overrides of Material's partials, searched first
# Material's language switch, shown on every page; generated pages link their counterpart.
ALTERNATES = [
    {"name": "한국어", "link": "/", "lang": "ko"},
    {"name": "English", "link": "/en/", "lang": "en"},
]
ASSET_PREFIX = "assets/kleaderboard"
STYLESHEET = f"{ASSET_PREFIX}/leaderboard.css"
SCRIPT = f"{ASSET_PREFIX}/sortable.js"
COMPARE_SCRIPT = f"{ASSET_PREFIX}/compare.js"
WORKER_SHIM = f"{ASSET_PREFIX}/iframe-worker-shim.js"
ASSET_FILES = {
    STYLESHEET: ASSETS_DIR / "leaderboard.css",
    SCRIPT: ASSETS_DIR / "sortable.js",
    COMPARE_SCRIPT: ASSETS_DIR / "compare.js",
    WORKER_SHIM: ASSETS_DIR / "iframe-worker-shim.js",
}


class LeaderboardConfig(Config):
    """Options of the ``kleaderboard`` plugin."""

    submissions_dir = c.Type(str, default="submissions")
    """Folder of ``<org>/<model>/submission.yaml`` (plus loss logs and ``runs/``), relative
    to the folder of mkdocs.yml. A missing folder gives an empty leaderboard."""

    suites = c.ListOfItems(c.Type(str), default=[])
    """The benchmark suites whose scores the site shows, each the name of a suite shipped in
    ``kleaderboard/suites/`` (e.g. ``[ko-global-v2, ko-global-v1]``). The first is the main
    board (its methodology page, its downloads at ``leaderboard.json``); each other one gets
    its own board beside it. Only runs made on a suite's current version count on its board,
    and no model is ranked across two boards."""

    suite = c.Optional(c.Type(str))
    """One suite, the same as ``suites: [name]`` (the older spelling; set one of the two).
    With neither, ``ko-global-v1``."""

    loss_log_x = c.Type(bool, default=False)
    """Draw loss curves with a logarithmic token axis. Off by default, because a log axis
    hides the first logged point (0 tokens), whose loss is evidence of a from-zero start."""

    site_name_en = c.Type(str, default="")
    """The site's name on the English pages (under ``en/``: header and browser tab); without it
    they show ``site_name``."""

    site_description_en = c.Type(str, default="")
    """The site's description on the English pages; without it they show ``site_description``."""

    workers = c.Type(int, default=0)
    """How many processes build the model pages and the leaderboard at once: 0 (the default)
    one per CPU, up to 8, with at least 64 pages each; 1 builds them in MkDocs' own process.
    ``mkdocs serve``, a process running other threads and a platform without fork always use 1
    (see site/page_builds.py)."""

    search_model_pages = c.Type(bool, default=False)
    """Put every model page into the search index. Off by default: with thousands of
    models the index grows to tens of megabytes that each reader's browser downloads,
    while the leaderboard page (which is indexed) already names every model and team."""


class LeaderboardPlugin(BasePlugin[LeaderboardConfig]):
    """Adds the leaderboard, methodology and model pages to an MkDocs site."""

    blocks: raw_html.Blocks  # the generated pages' HTML while Markdown renders the rest
    nav: Navigation
    search: search_languages.LanguageIndexes  # this build's index of each other language

    def __init__(self) -> None:
        super().__init__()
        self.navs: dict[str, Navigation] = {}  # the navigation of each language, this build's
        self.serving = False
        self.lazy: dict[str, pages.LazyPage] = {}  # the pages built in on_env (page_builds)
        self.evidence: dict[str, list[File]] = {}  # the files published next to each model page
        self.site: page_builds.Site | None = None  # the pages built ahead, in this build
        self.skip_filter: page_builds.SkipFilter | None = None
        self.downloads_pending: forked.Pending[int] | forked.Done[int] | None = None  # written meanwhile

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @event_priority(-50)  # after material's offline plugin has set its polyfills
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        add_assets(config)
        repository_from_environment(config)
        self.search = search_languages.LanguageIndexes(config)
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        with page_builds.collector_paused():  # thousands of submissions: objects, not garbage
            workers = 1 if self.serving else self.config.workers
            board = load_board(config, self.config, workers)
            # a CPU is idle until the pages are built ahead (on_env): the downloads are made there
            fork = forked.worker_count(workers, len(board.entries)) > 1
            self.downloads_pending = forked.in_background(
                functools.partial(
                    downloads.write_downloads,
                    board,
                    pages.Links(config.use_directory_urls).url,
                    config.site_dir,
                ),
                fork,
            )
            options = pages.Options(self.config.loss_log_x, self.config.search_model_pages)
            self.lazy, self.evidence = add_generated_files(files, config, board, options)
            page_builds.hold_until_built()  # released in on_post_build (or on_build_error)
        self.blocks = raw_html.Blocks()
        return files

    # Our pages' HTML skips Markdown's parser (most of a build's time): see raw_html.
    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        link_twins(page, files, config)
        if page.file.generated_by != "kleaderboard":
            return markdown
        return self.blocks.protect(page.file.src_uri, markdown)

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        html, ids = self.blocks.restore(page.file.src_uri, html)
        if page.present_anchor_ids is not None:
            page.present_anchor_ids |= ids
        return html

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        self.navs = {lang: twins.language_nav(nav, files, lang) for lang in pages.LANGUAGES[1:]}
        return nav

    # The leaderboard, claims, charts and model pages are built here, several at once; MkDocs'
    # loop skips them.
    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self._downloads_written()
        lazy = self.lazy
        ahead = [page for uri in lazy if (page := _page(files, uri)) is not None]
        inclusion = InclusionLevel.is_in_serve if self.serving else InclusionLevel.is_included
        # where no other plugin reads a page's HTML in MkDocs' loop, search entries are made ahead
        entries = (lambda page: self.search.entries(page, config)) if known_context_plugins(config) else None
        site = page_builds.Site(
            config,
            files,
            self.nav,
            env,
            files.documentation_pages(inclusion=inclusion),
            self.evidence,
            search_entries=entries,
        )
        self.site = site
        workers = 1 if self.serving else forked.worker_count(self.config.workers, len(ahead))
        self.skip_filter = page_builds.SkipFilter(set(lazy))
        logging.getLogger("mkdocs.commands.build").addFilter(self.skip_filter)
        page_builds.build_ahead(
            ahead,
            lambda page: lazy[page.file.src_uri].text(),
            site,
            workers,
            group=_build_group,
            weight=functools.partial(_build_weight, models=len(lazy) // len(pages.LANGUAGES)),
        )
        return env

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._drop_skip_filter()
        self.search.write(config)
        self._let_go()

    def on_build_error(self, *, error: Exception) -> None:
        self._drop_skip_filter()
        self._let_go()

    def _let_go(self) -> None:
        """Let go of this build's pages and submissions. MkDocs keeps its plugins until Python
        exits, and Python's teardown took about 3 s over a build of 5,000 models held here (0.6 s
        once let go of at the end of the build)."""
        if self.downloads_pending is not None:
            self.downloads_pending.stop()
            self.downloads_pending = None
        self.lazy, self.evidence, self.navs, self.site = {}, {}, {}, None
        self.blocks = raw_html.Blocks()
        if hasattr(self, "search"):  # (a build can fail before on_config)
            self.search.clear()
        page_builds.release_held()

    def _downloads_written(self) -> None:
        """Wait for the downloads (written into the site folder, where MkDocs copies nothing)."""
        if self.downloads_pending is not None:
            self.downloads_pending.result()
            self.downloads_pending = None

    def _drop_skip_filter(self) -> None:
        if self.skip_filter is not None:
            logging.getLogger("mkdocs.commands.build").removeFilter(self.skip_filter)
            self.skip_filter = None

    @event_priority(50)  # before material/search indexes the page: search_languages
    def on_page_context(
        self, context: TemplateContext, *, page: Page, config: MkDocsConfig, nav: Navigation
    ) -> TemplateContext:
        if page.meta.get("template") == page_builds.SKIP_TEMPLATE:
            # built ahead, its file written: MkDocs' loop renders nothing, only search reads it now
            entries = self.site.searched.pop(page.file.src_uri, None) if self.site is not None else None
            if entries is not None:
                self.search.add_entries(page, entries, config)  # made where it was built
            else:
                self.search.index(page)
            return context
        # a page's header, tabs and footer lead to pages of its own language, under its name
        lang = twins.page_language(page.file.src_uri)[0]
        context["nav"] = self.navs.get(lang, nav)
        if lang == "en":
            context["config"] = english_config(config, self.config)
        self.search.add(page, context)  # search in the page's language
        return context

    def on_serve(
        self, server: LiveReloadServer, *, config: MkDocsConfig, builder: object
    ) -> LiveReloadServer:
        folder = submissions_path(config, self.config)
        if folder.is_dir():
            server.watch(str(folder))
        return server


# --- the work, as plain functions ------------------------------------------------------


REPO_URL_VARIABLE = "KLEADERBOARD_REPO_URL"


def repository_from_environment(config: MkDocsConfig) -> None:
    """repo_url from $KLEADERBOARD_REPO_URL when mkdocs.yml names none (publish.yml sets it to
    the repository it runs in), so that every page links where it is rebuilt from."""
    url = os.environ.get(REPO_URL_VARIABLE, "").strip().rstrip("/")
    if config.repo_url or not url:
        return
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc:
        raise PluginError(
            f"${REPO_URL_VARIABLE} is {url!r}, not an https:// address — set it to the repository's "
            "address, e.g. https://github.com/OWNER/REPO, or unset it"
        )
    config.repo_url = url
    config.repo_name = parts.path.strip("/") or parts.netloc


def english_config(config: MkDocsConfig, options: LeaderboardConfig) -> MkDocsConfig:
    """What the theme reads on an English page: mkdocs.yml with the English name and description."""
    english = copy.copy(config)  # a shallow copy: one per page, nothing else duplicated
    if options.site_name_en:
        english["site_name"] = options.site_name_en
    if options.site_description_en:
        english["site_description"] = options.site_description_en
    return english


def add_assets(config: MkDocsConfig) -> None:
    """Add our stylesheet and script; keep every script and stylesheet on the site itself."""
    if STYLESHEET not in config.extra_css:
        config.extra_css.append(STYLESHEET)
    for script in (SCRIPT, COMPARE_SCRIPT):
        if script not in [str(s) for s in config.extra_javascript]:
            config.extra_javascript.append(script)
    if "attr_list" not in config.markdown_extensions:
        config.markdown_extensions.append("attr_list")  # the generated headings carry ids
    if str(THEME_DIR) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(THEME_DIR))
    if not config.extra.get("alternate"):
        config.extra["alternate"] = ALTERNATES
    polyfills = config.extra.get("polyfills", [])
    config.extra["polyfills"] = [_local_polyfill(url) for url in polyfills]
    _refuse_remote_assets(config)


def _local_polyfill(url: object) -> object:
    # Material's offline plugin adds the iframe-worker shim from a CDN; ship our copy.
    if isinstance(url, str) and "iframe-worker" in url and _is_remote(url):
        return WORKER_SHIM
    return url


def _is_remote(url: str) -> bool:
    return url.startswith(("http://", "https://", "//"))


def _refuse_remote_assets(config: MkDocsConfig) -> None:
    remote = [
        str(url)
        for url in [*config.extra_css, *config.extra_javascript, *config.extra["polyfills"]]
        if _is_remote(str(url))
    ]
    if remote:
        raise PluginError(
            f"{config.config_file_path}: extra_css/extra_javascript load {', '.join(remote)} "
            "from another host — the site must work with no network: copy the file into the "
            "docs folder and link it by a relative path"
        )


def submissions_path(config: MkDocsConfig, options: LeaderboardConfig) -> Path:
    """The submissions folder, resolved against the folder of mkdocs.yml."""
    base = Path(config.config_file_path).parent if config.config_file_path else Path.cwd()
    return base / options.submissions_dir


DEFAULT_SUITE = "ko-global-v1"


def suite_names(config: MkDocsConfig, options: LeaderboardConfig) -> tuple[tuple[str, str], ...]:
    """(option path, suite name) of each suite to show, main board first, from ``suites`` or
    the older ``suite``; PluginError when both are set or a name repeats."""
    where = f"{config.config_file_path}: plugins.kleaderboard"
    if options.suites and options.suite is not None:
        raise PluginError(
            f"{where}: both suite and suites are set — keep suites "
            f"(e.g. suites: [{', '.join([options.suite, *options.suites])}]) and remove suite"
        )
    if not options.suites:
        return (("suite", options.suite or DEFAULT_SUITE),)
    repeated = sorted({name for name in options.suites if options.suites.count(name) > 1})
    if repeated:
        raise PluginError(f"{where}.suites: {', '.join(repeated)} is listed twice — list each suite once")
    return tuple((f"suites[{i}]", name) for i, name in enumerate(options.suites))


def load_suites(config: MkDocsConfig, options: LeaderboardConfig) -> list[Suite]:
    """The suites to show, loaded; a suite that cannot be used is a PluginError naming the option."""
    suites = []
    for field, name in suite_names(config, options):
        try:
            suites.append(load_suite(name))
        except InputError as exc:
            problems = "\n".join(f"  {problem}" for problem in exc.problems)
            raise PluginError(
                f"{config.config_file_path}: plugins.kleaderboard.{field}: "
                f"{name!r} cannot be used:\n{problems}"
            ) from exc
    return suites


def load_board(config: MkDocsConfig, options: LeaderboardConfig, workers: int = 1) -> Leaderboard:
    """Load the suites and every submission (in ``workers`` processes, 0: one per CPU); turn
    failures into PluginError naming the file."""
    suites = load_suites(config, options)
    folder = submissions_path(config, options)
    if not folder.is_dir():
        log.info("No submissions folder at %s: the leaderboard is empty", folder)
    try:
        board = build_leaderboards(folder, suites, workers)
    except InputError as exc:
        raise PluginError(f"kleaderboard cannot build the leaderboard:\n{exc}") from exc
    for problem in board.problems:
        log.warning("Submission left off the leaderboard: %s", problem)
    return board


def link_twins(page: Page, files: Files, config: MkDocsConfig) -> None:
    """A hand-written page with a twin in the other language gets the language switch's links."""
    if "kl_lang" in page.meta and "kl_alternates" in page.meta:
        return  # a generated page: planned with both (pages._alternates)
    meta = twins.twin_meta(
        page.file.src_uri, lambda uri: files.get_file_from_path(uri) is not None, config.use_directory_urls
    )
    for key, value in meta.items():
        page.meta.setdefault(key, value)
    # every page says its language, twin or not: the theme (partials/language.html) speaks it
    page.meta.setdefault("kl_lang", twins.page_language(page.file.src_uri)[0])


def add_generated_files(
    files: Files, config: MkDocsConfig, board: Leaderboard, options: pages.Options
) -> tuple[dict[str, pages.LazyPage], dict[str, list[File]]]:
    """Add the generated pages, the evidence files and the assets to files; return the pages
    added with their front matter only, to be built whole later (the leaderboard and model
    pages), and the evidence files by the model page they sit beside (copied as it is built)."""
    links = pages.Links(config.use_directory_urls)
    lazy = {}
    evidence: dict[str, list[File]] = {}
    for uri, page in pages.plan_pages(board, links, options).items():
        _refuse_clash(files, uri, config)
        in_nav = not uri.startswith(("models/", *(f"{lang}/" for lang in pages.LANGUAGES)))
        inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
        if isinstance(page, pages.LazyPage):
            lazy[uri] = page
            file = File.generated(config, uri, content=page.front, inclusion=inclusion)
            page_builds.PlannedPage(file, config, page.meta)  # (the nav makes its own of the leaderboard)
        else:
            file = File.generated(config, uri, content=page, inclusion=inclusion)
        files.append(file)
    for item in pages.site_files(board):
        _refuse_clash(files, item.src_uri, config)
        if item.path is not None:
            file = File.generated(config, item.src_uri, abs_src_path=str(item.path))
        else:
            file = File.generated(config, item.src_uri, content=item.content or "")
        files.append(file)
        if item.page is not None:
            evidence.setdefault(item.page, []).append(file)
    for uri in downloads.download_uris(board):  # written into the site folder (on_files)
        _refuse_clash(files, uri, config)
        files.append(File.generated(config, uri, abs_src_path=os.path.join(config.site_dir, uri)))
    for uri, path in ASSET_FILES.items():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    return lazy, evidence


# The pages built ahead that grow with the models, and how long each takes for every model, in
# model pages (at 5,000 models: the leaderboard 2.0 s, the claims 1.4 s, the charts 0.25 s, a
# model page 3.5 ms; text and HTML, one language).
_BOARD_PAGES = {pages.INDEX_URI: 1 / 8, claims_board.CLAIMS_URI: 1 / 12, analysis.CHARTS_URI: 1 / 64}


def _build_group(page: Page) -> str:
    """A model's pages in every language are built one after the other (they share drawings);
    each board page alone (they are the largest)."""
    base = twins.page_language(page.file.src_uri)[1]
    return page.file.src_uri if base in _BOARD_PAGES else base


def _build_weight(page: Page, models: int) -> float:
    """About how long building ``page`` takes, in model pages (to share the pages evenly)."""
    per_model = _BOARD_PAGES.get(twins.page_language(page.file.src_uri)[1])
    return 1.0 if per_model is None else max(1.0, models * per_model)


def _page(files: Files, uri: str) -> Page | None:
    file = files.get_file_from_path(uri)
    return file.page if file is not None else None


def _refuse_clash(files: Files, uri: str, config: MkDocsConfig) -> None:
    existing = files.get_file_from_path(uri)
    if existing is not None:
        where = existing.abs_src_path or f"{config.docs_dir}/{uri}"
        raise PluginError(
            f"{where}: conflicts with the page kleaderboard generates at {uri} — remove or rename that file"
        )
