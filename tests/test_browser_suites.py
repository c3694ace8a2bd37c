"""Two suites side by side in a real browser: the fixture site scored on `demo` (the main
board) and `ko-global-v1` (beside it), each board sorted on its own, the filters and the
compare view on the main board only, the claims column sortable, no accessibility fault."""

# ruff: noqa: F811  (test_browser's `page` fixture is imported, and test functions take it by name)

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kleaderboard.site import build_site

from .test_browser import FIXTURE, page, pytestmark, serve_site  # noqa: F401  (fixtures, marks)
from .test_site_suites import ALPHA, ALPHA_KMMLU, BETA, V1_SCORES, v1_run

V1_TABLE = "#leaderboard-ko-global-v1"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = tmp_path_factory.mktemp("suites") / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("site"))
    v1_run(repo / "submissions" / ALPHA, V1_SCORES[ALPHA], kmmlu=ALPHA_KMMLU)
    v1_run(repo / "submissions" / BETA, V1_SCORES[BETA])
    config = repo / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "suite: demo" in text
    config.write_text(text.replace("suite: demo", "suites: [demo, ko-global-v1]"), encoding="utf-8")
    return build_site(config, repo / "site")


@pytest.fixture(scope="module")
def base_url(site: Path) -> Iterator[str]:
    with serve_site(site) as url:
        yield url


def _rows(page, table: str) -> list[str]:
    return page.locator(f"{table} tbody tr").evaluate_all("rows => rows.map(r => r.dataset.model)")


def _visible(page, table: str) -> list[str]:
    return page.locator(f"{table} tbody tr:visible").evaluate_all("rows => rows.map(r => r.dataset.model)")


def test_each_board_sorts_on_its_own_and_filters_touch_the_main_board_only(page, base_url):
    page.goto(base_url + "en/index.html")
    page.wait_for_load_state("networkidle")
    headings = page.locator("h2.kl-board-title").all_inner_texts()
    assert [h.split(" — ")[1] for h in headings] == ["demo v1", "ko-global-v1 v1"]
    main = _rows(page, "#leaderboard")
    assert _rows(page, V1_TABLE)[:2] == [BETA, ALPHA]  # ranked on v1 alone

    claims = page.locator(f"{V1_TABLE} thead tr:last-child th", has_text="Claimed vs measured")
    claims.locator("button").click()  # the largest gap first
    assert claims.get_attribute("aria-sort") == "descending"
    assert _rows(page, V1_TABLE)[0] == ALPHA
    assert _rows(page, "#leaderboard") == main  # the main board did not move

    page.locator("form[data-kl-filters] input[name=q]").fill("beta")
    assert _visible(page, "#leaderboard") == [BETA]
    assert len(_visible(page, V1_TABLE)) == len(_rows(page, V1_TABLE))  # the board beside keeps its rows
    assert page.locator(f"{V1_TABLE} input.kl-pick").count() == 0  # the compare view is the main board's


def test_the_model_page_shows_each_suite_in_its_own_block(page, base_url):
    page.goto(base_url + "en/models/alpha-lab/hangul-7b.html")
    page.wait_for_load_state("networkidle")
    blocks = page.locator("section.kl-suite-result h4").all_inner_texts()
    assert [b.split(" — ")[1] for b in blocks] == ["demo v1 (main board)", "ko-global-v1 v1"]
    v1 = page.locator("section.kl-suite-result", has=page.locator("#suite-result-ko-global-v1"))
    assert "2 / 2" in v1.inner_text()


@pytest.mark.parametrize("width", [1400, 390])
def test_axe_finds_no_serious_violation_on_the_two_board_pages(page, base_url, width):
    from axe_playwright_python.sync_playwright import Axe

    page.set_viewport_size({"width": width, "height": 900})
    found = []
    for path in ("index.html", "en/index.html", "en/models/alpha-lab/hangul-7b.html"):
        page.goto(base_url + path)
        page.wait_for_load_state("networkidle")
        for violation in Axe().run(page).response["violations"]:
            if violation["impact"] in ("serious", "critical"):
                found.append(f"{path}: {violation['id']} {[n['target'] for n in violation['nodes'][:3]]}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
    assert found == []
