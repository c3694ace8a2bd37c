"""One vocabulary for every figure: each format pinned, and one value read the same on every surface."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kleaderboard import display
from kleaderboard.checks.evidence import parameter_findings
from kleaderboard.github import comments
from kleaderboard.github.comments import ScoresContext, render_check_comment, render_scores_comment
from kleaderboard.github.pull_check import CheckReport
from kleaderboard.records import RunRecord, StructuralCostRecord
from kleaderboard.scoring.normalise import Estimate
from kleaderboard.site import pages
from kleaderboard.submission.manifest import parse_manifest
from tests.pr_fixtures import manifest_data, record_data

from .site_fixture import entry, to_html

E = display
KST = dt.timezone(dt.timedelta(hours=9))

FORMATS = [
    # counts: exact with separators, the short form exact or marked ≈
    (E.count, 7_241_732_096, "7,241,732,096 (≈7.24B)"),
    (E.count, 7_800_000_000, "7,800,000,000 (7.8B)"),
    (E.count, 400_000_000_000, "400,000,000,000 (400B)"),
    (E.count, 1_843_200, "1,843,200 (≈1.84M)"),
    (E.count, 35_030, "35,030"),
    (E.count, None, "—"),
    (E.count_short, 7_241_732_096, "≈7.24B"),
    (E.count_short, 7_800_000_000, "7.8B"),
    (E.count_short, 20_730_000_000, "20.73B"),
    (E.count_short, 102_600_000_000, "102.6B"),
    (E.count_short, 13_015_864_320, "≈13.0B"),
    (E.count_short, 236_000_000_000, "236B"),
    (E.count_short, 560_000_000, "560M"),
    (E.count_short, 2_000_000_000_000, "2T"),
    (E.count_short, 19_700_000_000_000, "19.7T"),
    (E.count_short, 4.5e16, "45,000T"),
    (E.count_short, 2e12, "2T"),
    (E.count_short, 999, "999"),
    (E.count_short, 0, "0"),
    (E.count_short, 0.5, "0.5"),
    (E.count_short, None, "—"),
    (E.number, 35_030, "35,030"),
    (E.number, None, "—"),
    (E.exact, 55.1, "55.1"),
    (E.exact, 55.0, "55"),
    (E.exact, 0.64321, "0.64321"),
    # durations
    (E.seconds, 12.04, "12.0 s"),
    (E.seconds, 1210.5, "1,210 s (20.2 min)"),
    (E.seconds, 5000, "5,000 s (83.3 min)"),
    (E.seconds, 9000, "9,000 s (2.5 h)"),
    (E.seconds, None, "—"),
    (E.latency, 0.0312, "31.2 ms"),
    (E.latency, 1.92, "1.92 s"),
    (E.latency, None, "—"),
    # bytes, money, rates, energy, compute
    (E.byte_size, 131_072, "128 KiB"),
    (E.byte_size, 55_296, "54 KiB"),
    (E.byte_size, 1000, "1,000 B"),
    (E.byte_size, 14_500_000_000, "13.5 GiB"),
    (E.byte_size, 200 * 2**30 + 1, "200 GiB"),
    (E.byte_size, None, "—"),
    (E.usd, 5.3646, "US$5.36"),
    (E.usd, 0.04123, "US$0.0412"),
    (E.usd, 1234.5, "US$1,234"),
    (E.usd, None, "—"),
    (E.rate, 155.34, "155.3"),
    (E.rate, 4.507, "4.51"),
    (E.rate, None, "—"),
    (E.energy, 540.5, "540.5 Wh"),
    (E.energy, 1819.94, "1,819.9 Wh"),
    (E.energy, 0.158, "0.158 Wh"),
    (E.energy, None, "—"),
    (E.flops, 14_831_058_944, "14.8 GFLOPs"),
    (E.flops, 1_204_000_000_000, "1,204 GFLOPs"),
    (E.flops, 1_114_112, "1.11 MFLOPs"),
    (E.flops, 40_960, "40,960 FLOPs"),
    (E.flops, None, "—"),
    (E.percent, 0.125, "12.5 %"),
    (E.significant, 0.5, "0.5"),
    (E.significant, 20.0, "20"),
    (E.significant, 1e-5, "1e-05"),
    (E.significant, 3.0000000001, "3"),
    (E.significant, None, "—"),
    (lambda v: E.significant(v, 4), 2.0565, "2.057"),
    (lambda v: E.significant(v, 11), 3.0000000001, "3.0000000001"),
    (E.percent, None, "—"),
    # ratios and differences, as evidence findings write them (a typographic minus)
    (E.relative_change, 1.01, "+1.00 %"),
    (E.relative_change, 0.995, "−0.50 %"),
    (E.places, 2, "+2"),
    (E.places, -2, "−2"),
    (E.places, 0, "0"),
    (lambda r: E.rank_of(*r), (2, 1_204), "2 / 1,204"),
    (E.relative_change, None, "—"),
    (E.ratio, 0.002, "0.002"),
    (E.ratio, 1.5, "1.5"),
    (E.ratio, 12_345.6, "12,346"),
    (E.ratio, None, "—"),
    (E.times, 0.002, "0.002×"),
    (E.times, 12_345.6, "12,346×"),
    (E.times, None, "—"),
    # estimates: an index to one decimal, a raw score to four
    (E.estimate, Estimate(64.25, 2.2095), "64.2 ± 2.2"),
    (E.estimate, Estimate(-3.0, None), "-3.0"),
    (E.estimate, None, "—"),
    (E.score, 0.5123, "0.5123"),
    (E.score, None, "—"),
    (E.loss, 2.0565, "2.0565"),
    (E.loss, 10.9, "10.9000"),
    (E.loss_gap, 0.16877, "+0.1688 nats"),
    (E.loss_gap, -1.71554, "−1.7155 nats"),
    (E.loss_gap, None, "—"),
    # dates
    (E.date, dt.date(2026, 5, 1), "2026-05-01"),
    (E.date, dt.datetime(2026, 5, 1, 21, 30, 5, tzinfo=KST), "2026-05-01 12:30:05 UTC"),
    (E.date, None, "—"),
    # sort keys
    (E.sort_value, Estimate(1.5, 0.1), "1.500000"),
    (E.sort_value, None, ""),
    (E.sort_number, 155.34, "155.34"),
    (E.sort_number, None, ""),
    # labels
    (lambda v: str(E.yes_no(v)), True, "예 yes"),
    (lambda v: str(E.yes_no(v)), False, "아니오 no"),
    (lambda v: str(E.yes_no(v)), None, "밝히지 않음 not stated"),
    (str, E.DECLARED, "신고 declared"),
    (str, E.MEASURED, "측정 measured"),
    (str, E.CHECKED, "검증 checked"),
]


@pytest.mark.parametrize(("function", "value", "text"), FORMATS)
def test_format(function, value, text):
    assert function(value) == text


def test_score_with_its_stderr():
    assert display.score(0.82, 0.031) == "0.8200 ± 0.0310"


@given(count=st.integers(min_value=1, max_value=10**16))
def test_a_short_count_without_the_rounded_mark_is_exact(count):
    text = display.count_short(count)
    if not text.startswith("≈"):
        number, suffix = re.fullmatch(r"([\d.,]+)([KMBT]?)", text).groups()
        scale = {"": 1, "K": 10**3, "M": 10**6, "B": 10**9, "T": 10**12}[suffix]
        whole, _, decimals = number.replace(",", "").partition(".")
        assert (int(whole) * 10 ** len(decimals) + int(decimals or 0)) * scale == count * 10 ** len(decimals)


def test_every_format_is_a_site_filter():
    filters = pages.template_environment().filters
    for name, function in display.jinja_filters().items():
        assert filters[name] is function, name


# --- one value, every surface ---------------------------------------------------------------

SHOWN = "alpha-lab/hangul-7b"  # its loss log ends at 400,000,000,000 tokens


def _with_parameters(board_entry, total: int):
    manifest = board_entry.submission.manifest
    parameters = manifest.model.parameters.model_copy(update={"total": total})
    model = manifest.model.model_copy(update={"parameters": parameters})
    manifest = manifest.model_copy(update={"model": model})
    submission = dataclasses.replace(board_entry.submission, manifest=manifest)
    return dataclasses.replace(board_entry, submission=submission)


def _model_page(board, board_entry) -> str:
    return to_html(pages.model_page(board_entry, board.suite, pages.Links(use_directory_urls=False)))


def _check_comment(total: int) -> str:
    manifest = parse_manifest(manifest_data(**{"model.parameters.total": total}), "m.yaml")
    report = CheckReport(7, "c" * 40, "dev", True, submission="hanbit-ai/hanbit-7b", manifest=manifest)
    return render_check_comment(report)


def test_a_parameter_count_reads_the_same_in_the_comment_and_on_the_model_page(board):
    total = 7_241_732_096
    text = "7,241,732,096 (≈7.24B)"
    assert display.count(total) == text
    assert f"| 매개변수 Parameters | {text} | 신고 declared |" in _check_comment(total)
    page = _model_page(board, _with_parameters(entry(board, SHOWN), total))
    assert f"전체 {text}<br>" in page


def test_a_token_count_reads_the_same_in_the_comment_on_the_model_page_and_in_its_chart(board):
    tokens = 400_000_000_000  # the last tokens_seen of the loss log: a tick of the loss chart
    measured = {**record_data()["measured"], "tokens_processed": tokens}
    record = RunRecord.model_validate(record_data(measured=measured))
    comment = render_scores_comment(ScoresContext("hanbit-ai/hanbit-7b", "c" * 40), record)
    page = _model_page(board, entry(board, SHOWN))
    chart = str(pages.loss_chart(entry(board, SHOWN)))
    assert "| 처리 토큰 Tokens processed | 400,000,000,000 (400B) | 측정 measured |" in comment
    assert '<td class="kl-num">400,000,000,000 (400B)</td>' in page
    assert ">400B</text>" in chart and chart in page  # the chart's tick, on the same page


def test_an_index_reads_the_same_in_the_chart_on_the_model_page_and_on_the_leaderboard(board, rendered):
    shown = entry(board, SHOWN)
    text = display.estimate(shown.categories[0].index)
    chart = str(pages.category_chart(shown))
    assert f"{text}</text>" in chart
    assert chart in rendered[f"models/{SHOWN}.md"]
    assert f">{text}</td>" in to_html(rendered["index.md"])


def test_the_provenance_words_are_the_same_in_comments_and_on_the_site(rendered):
    page = rendered[f"models/{SHOWN}.md"]
    for label, in_comments in (
        (display.DECLARED, comments.DECLARED),
        (display.MEASURED, comments.MEASURED),
        (display.CHECKED, comments.CHECKED),
    ):
        assert in_comments == f"{label.ko} {label.en}"
        assert f">{label.ko}</span>" in page and f">{label.en}</span>" in rendered[f"en/models/{SHOWN}.md"]
    assert comments.CHECKED == "검증 checked"


def test_a_parameter_finding_writes_the_declared_count_as_the_comment_does():
    total = 7_241_732_096
    manifest = parse_manifest(manifest_data(**{"model.parameters.total": total}), "m.yaml")
    structural = StructuralCostRecord(
        attention="gqa", layers=32, total_parameters=7_070_000_000, active_parameters=7_070_000_000,
        kv_cache_bytes_per_token=131072, flops_per_token=14_000_000_000, context=4096, dtype="bfloat16",
    )  # fmt: skip
    finding = parameter_findings(manifest, structural)[0]
    assert finding.declared == display.count(total)
    assert f"| 매개변수 Parameters | {finding.declared} | 신고 declared |" in _check_comment(total)
    assert finding.observed == "7,070,000,000 (7.07B)" and finding.gap == "−2.37 %"
