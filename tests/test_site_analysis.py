"""The charts page: score against cost and size with Pareto frontiers, overlaid loss curves."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from kleaderboard.site import analysis, charts, pages
from kleaderboard.site.charts import Point

from .site_fixture import to_html


def test_frontier_keeps_only_points_nothing_beats():
    points = [Point("a", 1, 10), Point("b", 2, 5), Point("c", 3, 20), Point("d", 3, 15), Point("e", 4, 20)]
    assert [p.name for p in charts.pareto_frontier(points)] == ["a", "c"]


@given(st.lists(st.tuples(st.integers(1, 50), st.integers(-20, 100)), min_size=1, max_size=30))
def test_no_point_beats_a_frontier_point_and_every_other_is_beaten(raw):
    points = [Point(str(i), x, y) for i, (x, y) in enumerate(raw)]
    frontier = charts.pareto_frontier(points)
    for f in frontier:
        assert not any(p.x <= f.x and p.y > f.y for p in points)
    for p in points:
        if p not in frontier:
            assert any(f.x <= p.x and f.y >= p.y for f in frontier)


def test_scatter_names_the_frontier_and_titles_every_dot():
    svg = str(
        charts.scatter_chart(
            [Point("Cheap <b>", 1.0, 30.0), Point("Dear", 5.0, 20.0), Point("Best", 9.0, 60.0)],
            x_axis=charts.Axis("US$"),
            y_axis=charts.Axis("index"),
            title="t",
        )
    )
    assert svg.count('<circle class="kl-chart__dot') == 3
    assert svg.count("kl-chart__dot--frontier") == 2  # Dear costs more than Cheap for less
    assert "Cheap &lt;b&gt;</text>" in svg and "Dear</text>" not in svg
    assert 'class="kl-chart__frontier"' in svg
    assert charts.scatter_chart([], x_axis=charts.Axis("x"), y_axis=charts.Axis("y"), title="t") == ""


def test_cost_chart_draws_only_priced_gpu_runs(board):
    points = analysis.cost_points(board.entries)
    assert [p.name for p in points] == ["Hangul-7B"]  # the CPU run (Beta-MoE) has no price
    size = {p.name: p.x for p in analysis.size_points(board.entries)}
    assert size["Hangul-7B"] == 7_800_000_000  # dense: its total
    assert size["Beta-MoE <img src=x onerror=alert(1)>"] == 3_000_000_000  # MoE: active


def test_charts_page_in_both_languages(rendered):
    ko, en = to_html(rendered[analysis.CHARTS_URI]), to_html(rendered[f"en/{analysis.CHARTS_URI}"])
    assert ko.count('<svg class="kl-chart"') == en.count('<svg class="kl-chart"') == 3
    assert "Overall index against cost" in en and "종합 지수와 비용" in ko
    assert not re.search(r"<script|https?://(?!www\.w3\.org)", ko.split("</h1>", 1)[1])
    assert 'href="charts.html"' in rendered[pages.INDEX_URI]


HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
SVG = re.compile(r'<svg class="kl-chart" .*?</svg>', re.S)
# Every word the charts themselves write (titles, axes, legends, "no score"): one language each.
CHART_WORDS = [
    analysis.INDEX, analysis.USD, analysis.ACTIVE, analysis.TOKENS, analysis.LOSS,
    analysis.TITLE_COST, analysis.TITLE_SIZE, analysis.TITLE_LOSS,
    pages.CATEGORY_TITLE, pages.LOSS_TITLE, pages.TOKENS_SEEN, pages.LOSS_SERIES, charts.NO_SCORE,
]  # fmt: skip


def _chart_pages(rendered: dict[str, str], lang: str) -> dict[str, list[str]]:
    """{page: its chart SVGs} for the charts page and every model page in lang."""
    prefix = "en/" if lang == "en" else ""
    uris = [f"{prefix}{analysis.CHARTS_URI}"] + [
        uri for uri in rendered if uri.startswith(f"{prefix}models/") and uri.endswith(".md")
    ]
    return {uri: SVG.findall(rendered[uri]) for uri in uris}


def test_each_chart_speaks_only_its_pages_language(rendered, board):
    categories = [c.category for c in board.entries[0].categories]
    ko_charts, en_charts = _chart_pages(rendered, "ko"), _chart_pages(rendered, "en")
    assert sum(map(len, ko_charts.values())) == sum(map(len, en_charts.values())) >= 5
    ko_svg = "".join(svg for svgs in ko_charts.values() for svg in svgs)
    en_svg = "".join(svg for svgs in en_charts.values() for svg in svgs)
    assert ko_svg.count('lang="ko"') == sum(map(len, ko_charts.values()))
    assert en_svg.count('lang="en"') == sum(map(len, en_charts.values()))
    for words in CHART_WORDS:
        assert words.en.strip("— ") not in ko_svg, words
        assert words.ko.strip("— ") not in en_svg, words
    assert any(words.ko in ko_svg for words in (analysis.TITLE_COST, pages.LOSS_TITLE))
    assert all(escape(c.ko) in ko_svg and escape(c.en) in en_svg for c in categories)  # category bars
    assert not HANGUL.search(en_svg), HANGUL.findall(en_svg)[:10]


def test_dot_tooltips_name_the_axes_in_the_pages_language(rendered):
    ko = rendered[analysis.CHARTS_URI]
    en = rendered[f"en/{analysis.CHARTS_URI}"]
    assert re.search(r"<title>Hangul-7B: 출력 토큰 100만 개당 US\$ [\d.]+, 종합 지수 [\d.-]+</title>", ko)
    assert re.search(r"<title>Hangul-7B: US\$ per 1M output tokens [\d.]+, overall index [\d.-]+</title>", en)


def test_charts_name_fonts_that_draw_hangul_without_a_web_font():
    svg = charts.line_chart(
        [charts.Series("학습 손실", ((0.0, 9.0), (10.0, 3.0)))],
        x_axis=charts.Axis("학습 토큰 수"), y_axis=charts.Axis("손실"), title="사전학습 손실",
    )  # fmt: skip
    family = re.search(r'font-family="([^"]+)"', svg)
    assert family and "Malgun Gothic" in family[1] and "Noto Sans CJK KR" in family[1]
    assert "url(" not in svg and "@font-face" not in svg
    # the legend leaves room for Hangul, which draws about twice as wide as Latin letters
    assert charts.text_width("학습손실") > 1.5 * charts.text_width("loss")
