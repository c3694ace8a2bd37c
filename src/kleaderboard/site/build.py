"""Building the site from Python: MkDocs' own load_config + build, with our errors.

:func:`build_site` is what the CLI and the workflows call; a failed build becomes a
:class:`~kleaderboard.errors.SiteBuildError` carrying the warnings and errors MkDocs
logged (in strict mode every warning fails the build). :func:`workspace_mkdocs_yaml`
writes the mkdocs.yml of a self-contained demo workspace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from kleaderboard.errors import KleaderboardError, SiteBuildError

NOT_IN_NAV = "/models/"
MARKDOWN_EXTENSIONS = ["toc", "attr_list", "tables", "admonition"]


class _Collector(logging.Handler):
    """Keeps the warnings and errors MkDocs logs during one build."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collect_mkdocs_messages() -> Iterator[_Collector]:
    collector = _Collector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(collector)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)


def build_site(config_file: Path, site_dir: Path | None = None, strict: bool = True) -> Path:
    """Build the MkDocs site of config_file (into site_dir if given); return the site folder.

    Raises SiteBuildError with MkDocs' messages when the configuration is invalid, a
    plugin fails, or (with strict) anything logs a warning. A relative site_dir is taken
    from the current folder (MkDocs would take it from the config file's folder).
    """
    site_dir = site_dir.resolve() if site_dir else None
    with _collect_mkdocs_messages() as collector:
        try:
            config = load_config(
                str(config_file), site_dir=str(site_dir) if site_dir else None, strict=strict
            )
            build(config)
        except (MkDocsException, KleaderboardError, OSError) as exc:
            raise SiteBuildError(_failure_text(config_file, exc, collector.messages)) from exc
    return Path(config.site_dir)


def _failure_text(config_file: Path, exc: Exception, messages: list[str]) -> str:
    lines = [f"{config_file}: the site build failed ({exc})"]
    lines += [f"  {message}" for message in messages]
    return "\n".join(lines)


def workspace_mkdocs_yaml(
    site_name: str,
    suite: str | Sequence[str],
    submissions_dir: str = "submissions",
    site_name_en: str | None = None,
) -> str:
    """The complete mkdocs.yml of a demo workspace (its docs_dir ``site_src`` may be empty);
    suite: one suite's name, or several (one board each, the first the main board);
    ``site_name`` names the Korean pages, ``site_name_en`` (if given) the English ones.

    The folder ``site_src`` must exist; every page comes from the plugin.
    """
    suites = [suite] if isinstance(suite, str) else list(suite)
    plugin: dict[str, object] = {"suites": suites, "submissions_dir": submissions_dir}
    if site_name_en:
        plugin["site_name_en"] = site_name_en
    config = {
        "site_name": site_name,
        "docs_dir": "site_src",
        "site_dir": "site",
        "theme": {"name": "material", "language": "ko", "font": False, "features": ["navigation.tabs"]},
        "plugins": [
            "search",
            "offline",
            {"kleaderboard": plugin},
        ],
        "nav": [  # the Korean nav; English pages get one of their twins (site/twins.py)
            {"리더보드": "index.md"},
            {"팀이 밝힌 점수": "claims.md"},
            {"차트": "charts.md"},
            {"평가 방법": "methodology.md"},
        ],
        "not_in_nav": NOT_IN_NAV,
        "markdown_extensions": MARKDOWN_EXTENSIONS,
    }
    header = "# Written by kleaderboard for a demo workspace; `mkdocs build` renders the site.\n"
    return header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
