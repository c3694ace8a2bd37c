"""The model pages and the leaderboard built ahead of MkDocs' loop, in worker processes
(site/page_builds.py): the same site, byte for byte, as MkDocs builds itself; the anchor check,
strict mode and a failing page work as in MkDocs' own loop."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from mkdocs.utils import meta

from kleaderboard.errors import SiteBuildError
from kleaderboard.forked import ITEMS_PER_WORKER, worker_count
from kleaderboard.site import build_site, pages

FIXTURE = Path(__file__).parent / "data" / "site_repo"
MODEL_PAGE = "models/alpha-lab/hangul-7b.md"


def copy_fixture(tmp_path: Path, workers: int | str | None = None, extra: str = "") -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("site"))
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    if workers is not None:
        text = text.replace("  - kleaderboard:\n", f"  - kleaderboard:\n      workers: {workers}\n", 1)
    config.write_text(text + extra, encoding="utf-8")
    return repo


def build_in_a_process(repo: Path, site: Path, before: str = "") -> subprocess.CompletedProcess[str]:
    """build_site in a fresh process: one thread, so it may fork its workers (a test process
    runs other threads, where the pages are built in the process itself)."""
    script = (
        "import logging, sys\nfrom pathlib import Path\n"
        "logging.basicConfig(level=logging.INFO, format='%(levelname)s %(message)s')\n"
        f"{before}\n"
        "from kleaderboard.site import build_site\n"
        "from kleaderboard.errors import SiteBuildError\n"
        "try:\n"
        "    build_site(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "except SiteBuildError as exc:\n"
        "    print(exc, file=sys.stderr)\n"
        "    sys.exit(3)\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script, str(repo / "mkdocs.yml"), str(site)],
        capture_output=True,
        text=True,
        timeout=300,
    )


def page_text_made_by(body: str) -> str:
    """A ``before`` script for build_in_a_process: each page built ahead gets its whole text from
    ``body`` (Python, run with the page's ``front`` matter; ``real(front, render, *args)`` is
    the text it would have had)."""
    return (
        "from kleaderboard.site import pages\n"
        "real = pages._lazy_text\n"
        "def text(front, render, *args):\n"
        f"{textwrap.indent(body, '    ')}"
        "pages._lazy_text = text\n"
    )


def files_of(site: Path) -> dict[Path, bytes]:
    return {path.relative_to(site): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture built as usual (in this process: the pages built ahead, one at a time)."""
    return build_site(FIXTURE / "mkdocs.yml", tmp_path_factory.mktemp("ahead") / "site")


def test_pages_built_ahead_are_the_pages_mkdocs_builds_itself(site, tmp_path, monkeypatch):
    # every page handed to MkDocs whole, as before page_builds: MkDocs' own loop builds them
    planned = pages.plan_pages

    def whole(*args: object, **kwargs: object) -> dict[str, str | pages.LazyPage]:
        return {
            uri: page.text() if isinstance(page, pages.LazyPage) else page
            for uri, page in planned(*args, **kwargs).items()
        }

    monkeypatch.setattr(pages, "plan_pages", whole)
    itself = build_site(FIXTURE / "mkdocs.yml", tmp_path / "site")
    assert files_of(itself) == files_of(site)


def test_workers_build_the_same_site(site, tmp_path):
    repo = copy_fixture(tmp_path, workers=3)
    done = build_in_a_process(repo, tmp_path / "site")
    assert done.returncode == 0, done.stderr
    assert (
        "building 14 pages ahead (leaderboard, claims, charts, models) in 3 processes" in done.stderr
    )  # the workers did run
    assert files_of(tmp_path / "site") == files_of(site)


def test_anchors_of_pages_built_by_workers_are_checked(tmp_path):
    repo = copy_fixture(tmp_path, workers=2, extra="validation:\n  anchors: warn\n")
    about = repo / "site_src" / "about.md"
    about.write_text(f"# About\n\n[scores]({MODEL_PAGE}#performance)\n", encoding="utf-8")
    done = build_in_a_process(repo, tmp_path / "good")
    assert done.returncode == 0, done.stderr  # the anchor, found in a worker, came back
    about.write_text(f"# About\n\n[scores]({MODEL_PAGE}#no-such-heading)\n", encoding="utf-8")
    done = build_in_a_process(repo, tmp_path / "bad")
    assert done.returncode == 3
    assert "no-such-heading" in done.stderr and "strict mode" in done.stderr


def test_a_page_failing_in_a_worker_fails_the_build_naming_it(tmp_path):
    repo = copy_fixture(tmp_path, workers=3)
    # one page's text cannot be made: in whichever process builds it, the build stops and says which
    broken = page_text_made_by(
        "if 'gamma' in front.lower():\n"
        "    raise ValueError('the gamma page cannot be made')\n"
        "return real(front, render, *args)\n"
    )
    done = build_in_a_process(repo, tmp_path / "site", before=broken)
    assert done.returncode == 3, done.stderr
    assert "Error building page 'models/gamma/pending-model.md'" in done.stderr or (
        "Error building page 'en/models/gamma/pending-model.md'" in done.stderr
    )
    assert "the gamma page cannot be made" in done.stderr
    assert "Traceback" not in done.stderr.split("the site build failed")[0]


def test_a_worker_that_dies_fails_the_build_saying_so(tmp_path):
    repo = copy_fixture(tmp_path, workers=3)
    # a worker killed (for memory, say) sends nothing back: the build stops, and says how it ended
    killed = page_text_made_by(
        "import os, signal\n"
        "if os.getpid() != PARENT:\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "return real(front, render, *args)\n"
    )
    done = build_in_a_process(repo, tmp_path / "site", before="import os\nPARENT = os.getpid()\n" + killed)
    assert done.returncode == 3, done.stderr
    assert "a process building pages ahead stopped (exit code -9)" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_small_site_is_built_in_one_process_and_a_big_one_in_several():
    assert worker_count(0, ITEMS_PER_WORKER - 1) == 1
    assert worker_count(0, 100 * ITEMS_PER_WORKER) >= 1
    assert worker_count(3, 2) == 3  # asked for: given (build_ahead never uses more than the pages)


def test_workers_option_must_be_an_integer(tmp_path):
    repo = copy_fixture(tmp_path, workers="many")
    with pytest.raises(SiteBuildError, match=r"workers"):
        build_site(repo / "mkdocs.yml", tmp_path / "site")


def test_a_warning_in_a_worker_fails_a_strict_build(tmp_path):
    repo = copy_fixture(tmp_path, workers=3)
    # every model page gets a link to a page that does not exist: MkDocs warns while a worker
    # builds it, and the warning must reach the parent's count
    broken_link = page_text_made_by(
        "return real(front, render, *args) + '\\n## Extra\\n\\n[gone](no-such-page.md)\\n'\n"
    )
    done = build_in_a_process(repo, tmp_path / "site", before=broken_link)
    assert done.returncode == 3, done.stderr
    assert "building 14 pages ahead (leaderboard, claims, charts, models) in 3 processes" in done.stderr
    assert "no-such-page.md" in done.stderr
    assert "Aborted with 14 warnings in strict mode" in done.stderr  # one a page, whoever built it


def test_without_fork_the_pages_are_built_in_the_process(site, tmp_path, monkeypatch, caplog):
    import multiprocessing

    monkeypatch.setattr(multiprocessing, "get_all_start_methods", lambda: ["spawn"])  # e.g. Windows
    repo = copy_fixture(tmp_path, workers=3)
    with caplog.at_level("INFO", logger="mkdocs.plugins.kleaderboard"):
        built = build_site(repo / "mkdocs.yml", tmp_path / "site")
    assert "14 pages ahead (leaderboard, claims, charts, models) here" in caplog.text
    assert files_of(built) == files_of(site)


def test_mkdocs_takes_the_planned_pages_meta_without_parsing_it(tmp_path, monkeypatch):
    # MkDocs' loop reads every page before the build; a planned page (front matter alone) gives
    # it its meta as planned (page_builds.PlannedPage), and again when it is built whole: only
    # the pages not planned (hand-written, methodology) are ever parsed
    read = []
    real = meta.get_data

    def spy(doc: str) -> tuple[str, dict[str, object]]:
        read.append(doc)
        return real(doc)

    monkeypatch.setattr(meta, "get_data", spy)
    site = build_site(FIXTURE / "mkdocs.yml", tmp_path / "site")
    assert (site / "models/alpha-lab/hangul-7b.html").is_file()
    bodies = [real(doc)[0] for doc in read]
    assert all(body.strip() for body in bodies)  # never a page's front matter alone
    titles = [real(doc)[1].get("title") for doc in read]
    assert sorted(filter(None, titles)) == ["Methodology", "평가 방법"]  # no page built ahead


def test_the_build_holds_its_objects_out_of_the_collector_and_lets_them_go_after(tmp_path, monkeypatch):
    # the loaded submissions and the pages' plans are frozen (gc.freeze) from the loading on, so
    # that the collector's full walks in MkDocs' loops skip them; the build's end releases them,
    # whether it succeeded or failed
    import gc

    held = []
    real = pages._lazy_text

    def text(front, render, *args):
        held.append(gc.get_freeze_count())
        return real(front, render, *args)

    monkeypatch.setattr(pages, "_lazy_text", text)
    build_site(FIXTURE / "mkdocs.yml", tmp_path / "site")
    assert held and min(held) > 1000  # every page was made with the build's objects held
    assert gc.get_freeze_count() == 0

    def broken(front, render, *args):
        raise ValueError("this page cannot be made")

    monkeypatch.setattr(pages, "_lazy_text", broken)
    with pytest.raises(SiteBuildError, match="this page cannot be made"):
        build_site(FIXTURE / "mkdocs.yml", tmp_path / "site2")
    assert gc.get_freeze_count() == 0


def test_the_build_lets_go_of_its_pages_when_it_ends(tmp_path, monkeypatch):
    # MkDocs keeps its plugins until Python exits: a build's pages held there made Python's
    # teardown slow (3 s at 5,000 models); they go when the build ends, whether or not it failed
    import gc

    def planned() -> int:
        gc.collect()
        # type(), not isinstance(): isinstance reads each object's __class__, and some of torch's
        # deprecated aliases warn when that is read
        return sum(type(o) is pages.LazyPage for o in gc.get_objects())

    before = planned()
    build_site(FIXTURE / "mkdocs.yml", tmp_path / "site")
    assert planned() == before

    real = pages._lazy_text
    made = []

    def broken(front, render, *args):
        made.append(real(front, render, *args))
        raise ValueError("this page cannot be made")

    monkeypatch.setattr(pages, "_lazy_text", broken)
    with pytest.raises(SiteBuildError, match="this page cannot be made"):
        build_site(FIXTURE / "mkdocs.yml", tmp_path / "site2")
    assert made and planned() == before
