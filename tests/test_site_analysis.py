"""The charts page: score against cost and size with Pareto frontiers, overlaid loss curves."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

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
