"""The leaderboard of many models in Chromium: the first rows are HTML (read without JavaScript);
sorting, filtering, paging and the compare view work over every row of the JSON payload.

The site is built from benchmarks/site_scale.py's generated submissions (120 models: more than
two pages of 50), served from 127.0.0.1; any console error or request to another host fails.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from kleaderboard.site import build_site

from .site_fixture import site_scale_module
from .test_browser import ARGS, CHROMIUM, _only_local, _record_foreign, pytestmark, serve_site  # noqa: F401

MODELS = 120


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("paging")
    site_scale = site_scale_module()
    site_scale.write_submissions(root, MODELS)
    site = build_site(site_scale.write_config(root, None), root / "site")
    with serve_site(site) as url:
        yield f"{url}en/index.html"


@pytest.fixture
def browser():
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    problems: list[str] = []
    tab = browser.new_page(viewport={"width": 1400, "height": 900})
    tab.route("**/*", functools.partial(_only_local, problems))
    tab.on("request", lambda request: _record_foreign(problems, request.url))
    tab.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield tab
    assert problems == []


def _rows(page) -> list[str]:
    return page.locator("#leaderboard tbody tr").evaluate_all("rows => rows.map(r => r.dataset.model)")


def _overall(page) -> list[str]:
    return page.locator("#leaderboard tbody tr td.kl-overall").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)"
    )


def test_without_javascript_the_first_rows_are_there(browser, base_url):
    tab = browser.new_page(java_script_enabled=False)
    tab.goto(base_url)
    assert len(_rows(tab)) == 50
    assert "This page holds the first 50 of 120 models" in tab.locator(".kl-pager").inner_text()


def test_pages_of_fifty_cover_every_row(page, base_url):
    page.goto(base_url)
    pager = page.locator(".kl-pager")
    pager.get_by_role("button", name="Next").wait_for()
    assert pager.locator("[role=status]").inner_text() == "Rows 1–50 of 120"
    assert pager.get_by_role("button", name="Previous").is_disabled()
    seen = _rows(page)
    for _ in range(2):
        pager.get_by_role("button", name="Next").click()
        seen += _rows(page)
    assert pager.locator("[role=status]").inner_text() == "Rows 101–120 of 120"
    assert pager.get_by_role("button", name="Next").is_disabled()
    assert len(seen) == len(set(seen)) == MODELS


def test_a_sort_orders_every_row_not_only_the_page(page, base_url):
    page.goto(base_url)
    page.locator("#leaderboard thead tr:last-child th", has_text="Overall").locator("button").click()
    values = _overall(page)
    for _ in range(2):
        page.get_by_role("button", name="Next").click()
        values += _overall(page)
    scored = [float(v) for v in values if v]
    assert len(values) == MODELS and len(scored) > 50
    assert scored == sorted(scored, reverse=True)
    assert values[len(scored) :] == [""] * (MODELS - len(scored))  # no score: last


def test_a_filter_finds_rows_beyond_the_first_page(page, base_url):
    page.goto(base_url)
    form = page.locator("form.kl-filters")
    form.locator("input[name=q]").fill("org00117/")
    assert len(_rows(page)) == 1 and _rows(page)[0].startswith("org00117/")
    assert form.locator("output").inner_text() == "1 / 120"
    assert page.locator(".kl-pager").is_hidden()
    form.locator("input[name=q]").fill("")
    assert form.locator("output").inner_text() == "120 / 120"
    assert len(_rows(page)) == 50


def test_compare_keeps_a_model_picked_on_another_page(page, base_url):
    page.goto(base_url)
    first = _rows(page)[0]
    page.locator(f'tr[data-model="{first}"] input.kl-pick').check()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Next").click()
    last = _rows(page)[-1]
    page.locator(f'tr[data-model="{last}"] input.kl-pick').check()
    compare = page.locator("section.kl-compare table")
    compare.wait_for()
    assert compare.locator("thead th").count() == 2
    page.get_by_role("button", name="Previous").click()
    page.get_by_role("button", name="Previous").click()
    assert page.locator(f'tr[data-model="{first}"] input.kl-pick').is_checked()
