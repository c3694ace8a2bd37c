"""The home page answers issue 12's questions, each from the board and each labelled: which
model is best at Korean (measured, or claimed), which is cheapest for its score, which were
trained from zero and on what evidence, what changed between versions, where to download.

The build test takes the root site as `mkdocs build` makes it from the committed
submissions and follows links from its home page: each answer must be found within two.
"""

from __future__ import annotations

import csv
import io
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag

import pytest

from kleaderboard.scoring.leaderboard import build_leaderboard
from kleaderboard.site import answers, pages
from kleaderboard.site.build import build_site
from kleaderboard.suites import load_suite

from .site_fixture import SUBMISSIONS, entry, to_html

ROOT = Path(__file__).parents[1]


# --- the answers, from a board ----------------------------------------------------------


def by_key(board) -> dict[str, answers.Answer]:
    return {answer.key: answer for answer in answers.answers(board)}


def test_five_answers_in_the_issues_order(board):
    assert [a.key for a in answers.answers(board)] == ["korean", "cost", "zero", "versions", "download"]


def test_best_at_korean_measured_is_the_highest_mean_of_the_korean_categories(board):
    korean = by_key(board)["korean"]
    measured, claimed = korean.lines
    assert measured.kind == "measured" and claimed.kind == "declared"
    ranked = [e for e in board.entries if e.rank is not None and answers.korean_index(e) is not None]
    assert ranked, "the fixture has a measured model"
    best = max(ranked, key=answers.korean_index)
    assert measured.words.en.startswith(f"{best.submission.manifest.model.name}: mean Korean category index")
    alpha = entry(board, "alpha-lab/hangul-7b")
    ko = [c.index.value for c in alpha.categories if c.category.id.startswith("ko_") and c.index]
    assert answers.korean_index(alpha) == pytest.approx(sum(ko) / len(ko))


def test_best_at_korean_claimed_names_the_top_claim_and_says_it_is_not_a_ranking():
    board = build_leaderboard(SUBMISSIONS, load_suite("ko-global-v1"))
    assert {"KMMLU", "HAE-RAE Bench", "CLIcK"} <= answers.korean_benchmarks(board.suite)
    assert "MMLU" not in answers.korean_benchmarks(board.suite)
    _, claimed = by_key(board)["korean"].lines
    assert claimed.kind == "declared"
    assert re.match(r"Highest KMMLU a team published: Hangul-7B [\d.]+ \(", claimed.words.en)
    assert "not a ranking" in claimed.words.en and "순위가 아닙니다" in claimed.words.ko


def test_nothing_measured_says_so_rather_than_naming_a_model():
    board = build_leaderboard(ROOT / "submissions", load_suite("ko-global-v1"))
    assert all(e.overall is None for e in board.entries)  # the committed board: no run yet
    found = by_key(board)
    assert found["korean"].lines[0].words.en == "No model has a measured Korean score yet."
    assert found["cost"].lines[0].words.en.startswith("No model has a price and a score measured")


def test_from_zero_counts_the_declarations_and_their_loss_logs(board):
    zero = by_key(board)["zero"]
    declared = [e for e in board.entries if e.submission.manifest.originality.weights_initialised_from_zero]
    logged = [e for e in declared if e.loss.log is not None]
    assert zero.lines[0].words.en.startswith(f"{len(declared)} models declare training from zero")
    assert f"{len(logged)} of them submit a loss log" in zero.lines[0].words.en
    assert [(link.uri, link.anchor) for link in zero.links] == [
        ("index.md", "leaderboard"),
        ("methodology.md", "provenance"),
    ]
    names = {e.submission.manifest.model.name for e in board.entries}
    assert not any(link.words.en in names for link in zero.links)  # one link per model name on the page


def test_the_cheapest_answer_names_the_cost_charts_frontier(board):
    cost = by_key(board)["cost"]
    assert cost.lines[0].words.en == "On the Pareto frontier (no cheaper model scores higher): Hangul-7B."
    assert (cost.links[0].uri, cost.links[0].anchor) == ("charts.md", "cost")


def test_the_answers_are_on_the_home_page_in_its_language(rendered):
    ko, en = to_html(rendered[pages.INDEX_URI]), to_html(rendered[f"en/{pages.INDEX_URI}"])
    assert ko.count('class="kl-answer"') == en.count('class="kl-answer"') == 5
    assert "한국어를 가장 잘하는 모델은?" in ko and "Which model is best at Korean?" not in ko
    assert "Which model is best at Korean?" in en and "한국어를 가장 잘하는 모델은?" not in en
    assert 'href="charts.html#cost"' in ko and 'href="charts.html#cost"' in en  # each in its language


# --- the root site, followed link by link -------------------------------------------------


class _Page(HTMLParser):
    """The links and element ids of one HTML page, and the links inside its answers block."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.answer_links: dict[str, list[str]] = {}
        self._answer: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(str(attributes["id"]))
        if tag == "div" and attributes.get("data-answer"):
            self._answer, self._depth = str(attributes["data-answer"]), 0
            self.answer_links[self._answer] = []
        elif tag == "div" and self._answer:
            self._depth += 1
        if tag == "a" and attributes.get("href"):
            self.links.append(str(attributes["href"]))
            if self._answer:
                self.answer_links[self._answer].append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._answer:
            if self._depth == 0:
                self._answer = None
            else:
                self._depth -= 1


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


@pytest.fixture(scope="module")
def root_site(tmp_path_factory) -> Path:
    """The public site as `mkdocs build` makes it at the repository root."""
    return build_site(ROOT / "mkdocs.yml", tmp_path_factory.mktemp("root") / "site")


def _target(site: Path, page: Path, href: str) -> tuple[Path, str] | None:
    """The file an href of a page leads to, and its fragment; None for another host."""
    if re.match(r"^[a-z]+:", href) or href.startswith("//"):
        return None
    path, fragment = urldefrag(href)
    target = (page.parent / path).resolve() if path else page
    assert target.is_relative_to(site.resolve()), f"{page}: {href} leaves the site"
    return target, fragment


def _within_two(site: Path, home: Path, key: str) -> dict[Path, str]:
    """Every file the answer's links reach (one link), and every file those pages link (two)."""
    first: dict[Path, str] = {}
    for href in _parse(home).answer_links[key]:
        found = _target(site, home, href)
        assert found, f"{href}: an answer links the site's own pages"
        path, fragment = found
        assert path.is_file(), f"{key}: {href} is missing"
        if fragment:
            assert fragment in _parse(path).ids, f"{key}: {href} names a section the page lacks"
        first[path] = fragment
    reached = dict(first)
    for path in [p for p in first if p.suffix == ".html"]:
        for href in _parse(path).links:
            found = _target(site, path, href)
            if found and found[0].is_file():
                reached.setdefault(found[0], found[1])
    return reached


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_each_answer_is_within_two_links_of_the_root_page(root_site, lang):
    home = root_site / ("index.html" if lang == "ko" else "en/index.html")
    board = build_leaderboard(ROOT / "submissions", load_suite("ko-global-v1"))
    assert set(_parse(home).answer_links) == {"korean", "cost", "zero", "versions", "download"}
    texts = {
        key: {
            p: p.read_text(encoding="utf-8") for p in _within_two(root_site, home, key) if p.suffix == ".html"
        }
        for key in _parse(home).answer_links
    }

    # best at Korean: the measured table's Korean columns, and the claims board with the claimed figure
    korean = by_key(board)["korean"].lines[1].words.en
    model, value = re.match(r"Highest .+? a team published: (.+) ([\d.]+) \(", korean).groups()
    claims = [t for p, t in texts["korean"].items() if p.name == "claims.html"]
    assert claims and model in claims[0] and f">{value}<" in claims[0] and "kl-badge--declared" in claims[0]
    assert any(
        'id="leaderboard"' in t and ("한국어 지식" in t or "Korean knowledge" in t)
        for t in texts["korean"].values()
    )

    # cheapest for its score: the cost chart's section (empty until a GPU run is merged)
    assert any('id="cost"' in t and "kl-charts" in t for t in texts["cost"].values())

    # trained from zero: each declared model's originality section and its loss-log section
    zero = [e for e in board.entries if e.submission.manifest.originality.weights_initialised_from_zero]
    for declared in zero:
        page = next(t for p, t in texts["zero"].items() if p.stem == Path(declared.page_path).stem)
        assert 'id="originality"' in page and 'id="loss-log"' in page

    # what changed between versions: the per-family timeline
    assert any('id="families"' in t for t in texts["versions"].values())

    # where to download it: a model page's Hub link (two links), and the tables as files (one)
    hub = [e.submission.manifest.model.hub_repo for e in board.entries]
    assert any(
        f'href="https://huggingface.co/{repo}"' in t for t in texts["download"].values() for repo in hub
    )
    reached = _within_two(root_site, home, "download")
    for name in ("leaderboard.csv", "claims.csv"):
        (table,) = [p for p in reached if p.name == name]
        assert next(csv.reader(io.StringIO(table.read_text(encoding="utf-8"))))  # a header row
