"""The benchmark catalogue, and claims put beside measurements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kleaderboard.benchmark_catalogue import catalogue
from kleaderboard.kinds import Mode
from kleaderboard.records import RunRecord
from kleaderboard.site.claims import claim_row, claim_rows, measured_value
from kleaderboard.submission.manifest import SelfReportedScore
from kleaderboard.suites import load_suite

RUN = Path(__file__).parent / "data" / "site_repo" / "submissions" / "alpha-lab" / "hangul-7b" / "runs"


def demo_run() -> RunRecord:
    """A committed demo-suite record: demo_arith 0.47 ± 0.04, base mode."""
    path = next(RUN.glob("*.json"))
    return RunRecord.model_validate(json.loads(path.read_text(encoding="utf-8")))


def claim(benchmark: str, value: float, mode: str | None = "base") -> SelfReportedScore:
    return SelfReportedScore.model_validate(
        {"benchmark": benchmark, "value": value, "mode": mode, "source": "https://example.org/r"}
    )


@pytest.mark.parametrize("benchmark", catalogue().benchmarks, ids=lambda b: b.id)
def test_every_measurement_names_tasks_of_its_suite(benchmark) -> None:
    for measurement in benchmark.measured_by:
        suite = load_suite(measurement.suite)
        for mode in measurement.modes:
            tasks = {t.task for t in suite.for_mode(mode).tasks}
            assert set(measurement.tasks) <= tasks, (benchmark.name, measurement.suite, mode)


def test_names_and_ids_are_unique() -> None:
    names = catalogue().names()
    assert len(names) == len(set(names))
    assert len({b.id for b in catalogue().benchmarks}) == len(names)


def test_a_claim_the_suite_measures_is_paired_with_its_gap() -> None:
    row = claim_row(claim("Demo arithmetic", 50.0), demo_run())
    assert row.why_unpaired is None
    assert (row.claimed, row.measured, row.gap) == ("50", "47.0 ± 4.0", "+3.0 ± 4.0")


def test_a_claim_below_the_measurement_has_a_negative_gap() -> None:
    assert claim_row(claim("Demo arithmetic", 40.0), demo_run()).gap == "−7.0 ± 4.0"


@pytest.mark.parametrize(
    ("benchmark", "mode", "reason"),
    [
        ("LogicKor", "base", "no suite measures it"),
        ("Demo arithmetic", "think_on", "measured in base mode"),
        ("KMMLU-Pro", "base", "not in demo"),
    ],
)
def test_claims_without_a_measurement_say_why(benchmark: str, mode: str, reason: str) -> None:
    row = claim_row(claim(benchmark, 60.0, mode), demo_run())
    assert row.why_unpaired is not None and row.why_unpaired.en == reason
    assert row.measured == row.gap == "—"


def test_paired_claims_come_first() -> None:
    rows = claim_rows([claim("LogicKor", 8.6), claim("Demo arithmetic", 50.0)], demo_run())
    assert [r.benchmark for r in rows] == ["Demo arithmetic", "LogicKor"]


def test_several_tasks_are_averaged_with_a_combined_error() -> None:
    run = demo_run()
    scores = [
        s.model_copy(update={"value": v, "stderr": 0.03})
        for s, v in zip(run.scores[:2], (0.5, 0.7), strict=True)
    ]
    got = measured_value(scores)
    assert got.value == pytest.approx(60.0) and got.stderr == pytest.approx(100 * (2 * 0.03**2) ** 0.5 / 2)
    assert measured_value([scores[0].model_copy(update={"stderr": None})]).stderr is None


def test_measurements_follow_the_mode() -> None:
    kmmlu = catalogue().get("KMMLU")
    assert kmmlu is not None
    base = kmmlu.measurement("ko-global-v1", Mode.base)
    think = kmmlu.measurement("ko-global-v1", Mode.think_on)
    assert base is not None and base.tasks == ["kmmlu"]
    assert think is not None and think.tasks == ["kmmlu_direct"]


def test_the_methodology_page_explains_v2() -> None:
    from kleaderboard.site import pages

    text = pages.methodology_page(load_suite("ko-global-v2"), pages.Links(False, "en"))
    assert "Changes from ko-global-v1" in text and "Not the official score" in text
    assert "Artificial Analysis Intelligence Index" in text
    assert "KoBALT-700" in text and "avg@8" in text
    assert '<code>think_on</code></td><td class="kl-num">32,768</td>' in text
    korean = pages.methodology_page(load_suite("ko-global-v2"), pages.Links(False))
    assert "v1에서 바뀐 점" in korean and "공식 점수가 아닙니다" in korean and "Changes from" not in korean
    v1 = pages.methodology_page(load_suite("ko-global-v1"), pages.Links(False, "en"))
    assert "Generation per mode" not in v1 and "Changes from" not in v1


def test_the_model_page_shows_claimed_measured_and_the_gap(tmp_path: Path) -> None:
    import shutil

    from kleaderboard.scoring.leaderboard import build_leaderboard
    from kleaderboard.site import pages

    from .site_fixture import SUBMISSIONS, to_html

    shutil.copytree(SUBMISSIONS, tmp_path / "submissions")
    manifest = tmp_path / "submissions" / "alpha-lab" / "hangul-7b" / "submission.yaml"
    text = manifest.read_text(encoding="utf-8").replace(
        "self_reported:\n",
        "self_reported:\n  - {benchmark: Demo arithmetic, value: 50.0, mode: base, "
        "source: 'https://alpha-lab.example.org/r'}\n",
    )
    manifest.write_text(text, encoding="utf-8")
    board = build_leaderboard(tmp_path / "submissions", load_suite("demo"))
    html = to_html(pages.render_pages(board, pages.Links(False))["en/models/alpha-lab/hangul-7b.md"])
    table = html.split("Claimed vs measured", 1)[1].split("</table>", 1)[0]
    assert "Demo arithmetic" in table
    assert "47.0 ± 4.0" in table and "+3.0 ± 4.0" in table  # demo_arith 0.47 ± 0.04 in the record
    assert "no suite measures it" not in table.split("KMMLU", 1)[0]  # paired rows come first
