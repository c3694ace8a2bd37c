"""Depth up-scaling detected from the weights (a reference layer seen as several layers); the null chart."""

from __future__ import annotations

from pathlib import Path

from kleaderboard.provenance.null_panel import Calibrated
from kleaderboard.provenance.record import ReferenceResult, write_provenance
from kleaderboard.provenance.summary import summary_lines
from kleaderboard.site.pages import template_environment
from kleaderboard.site.provenance_view import provenance_view
from tests.test_provenance_intake import _record


def norm(component: str, matched: str, flagged: bool = True, statistic: str = "norm") -> Calibrated:
    return Calibrated(
        component=component, kind=component.rpartition(".")[2], statistic=statistic, value=0.99,
        matched=matched, z=9.0, percentile=100.0, null_size=12, flagged=flagged,
    )  # fmt: skip


# A 2-layer base stacked twice: layers 0 and 2 are base layer 0, layers 1 and 3 base layer 1.
UPSCALED = [norm(f"layers.{i}.mlp", f"layers.{i % 2}.mlp") for i in range(4)]


def test_several_layers_matching_one_reference_layer_is_depth_up_scaling() -> None:
    result = ReferenceResult(reference="base", revision=None, scores=UPSCALED)
    assert result.repeated_layers == {0: [0, 2], 1: [1, 3]}


def test_a_same_depth_derivative_or_unflagged_matches_are_not() -> None:
    same_depth = [norm(f"layers.{i}.mlp", f"layers.{i}.mlp") for i in range(4)]
    unflagged = [norm(f"layers.{i}.mlp", "layers.0.mlp", flagged=False) for i in range(4)]
    by_gram = [norm(f"layers.{i}.mlp", "layers.0.mlp", statistic="gram") for i in range(4)]
    for scores in (same_depth, unflagged, by_gram):
        assert ReferenceResult(reference="base", revision=None, scores=scores).repeated_layers == {}


def test_the_section_shows_depth_up_scaling_detected_beside_declared(tmp_path: Path) -> None:
    record = _record(
        declared_innovations=["depth-up-scaling"],
        weights=[ReferenceResult(reference="base/Base-1B", revision="c" * 40, scores=UPSCALED)],
    )
    assert record.depth_up_scaled_from == ["base/Base-1B"]
    write_provenance(record, tmp_path / "provenance")
    view = provenance_view(tmp_path, "models/acme/acme-7b")
    assert view is not None
    rows = {row.tag: (row.declared, row.detected) for row in view.innovations}
    assert rows["depth-up-scaling"] == (True, True)
    env = template_environment("en")
    html = env.get_template("_provenance.html.j2").render(
        prov=view, m=env.get_template("_macros.html.j2").module, href=lambda uri: uri
    )
    assert "<tr><td><code>depth-up-scaling</code></td><td>✓</td><td>✓</td></tr>" in html
    assert "reference layer 0 → layers 0, 2; reference layer 1 → layers 1, 3" in html
    assert "depth up-scaling: layers 0, 2 all match layer 0 of base/Base-1B" in summary_lines(record)


def test_without_repeated_layers_nothing_is_detected(tmp_path: Path) -> None:
    write_provenance(_record(), tmp_path / "provenance")
    view = provenance_view(tmp_path, "models/acme/acme-7b")
    assert view is not None and "depth-up-scaling" not in {row.tag for row in view.innovations}


def test_the_null_chart_speaks_the_page_language() -> None:
    from kleaderboard.provenance.null_panel import NullDistribution
    from kleaderboard.site.provenance_view import null_chart

    null = NullDistribution(family="f", kind="mlp", statistic="norm", values=[-0.1, 0.05, 0.2])
    score = norm("layers.0.mlp", "layers.0.mlp")
    korean, english = null_chart(null, score, "ko"), null_chart(null, score, "en")
    assert 'lang="ko"' in korean and "<title>접은 정규화 프로필의 중심화 상관: layers.0.mlp</title>" in korean
    assert "귀무 값 3개" in korean and "null values" not in korean and "correlation" not in korean
    assert (
        'lang="en"' in english
        and "<title>centred correlation of folded norm profiles: layers.0.mlp" in english
    )
    assert "3 null values from" in english and "this pair" in english
