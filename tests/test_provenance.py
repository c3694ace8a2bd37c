"""Loss-log findings: the log beside the declarations, described and never judged."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import yaml

from kleaderboard.checks.evidence import Finding, first_loss_finding, loss_log_findings, tokens_finding
from kleaderboard.checks.validate import validate_paths
from kleaderboard.cli import main as cli
from kleaderboard.scoring.leaderboard import build_entry
from kleaderboard.site import pages
from kleaderboard.submission.loss_log import parse_loss_log
from kleaderboard.submission.manifest import Manifest, parse_manifest
from kleaderboard.submission.tree import load_submission
from kleaderboard.suites import load_suite

DATA = Path(__file__).parent / "data"
FULL = (DATA / "manifests" / "valid" / "full.yaml").read_text(encoding="utf-8")
LOG_TEXT = "step,tokens_seen,loss,learning_rate\n0,0,12.1,0.0\n1000,4000000000,6.5,0.0003\n"
LOG = parse_loss_log(LOG_TEXT, "loss_log.csv")
VERDICT = re.compile(
    r"\b(fake|cop(y|ied)|fraud|cheat\w*|suspicious|lies?|plagiari\w+)\b|거짓|복제|표절|의심|조작"
)


def manifest(vocab: int | None = 151_936, zero: bool = True, tokens: int | None = 2 * 10**12) -> Manifest:
    base = parse_manifest(yaml.safe_load(FULL), "full.yaml")
    return base.model_copy(
        update={
            "model": base.model.model_copy(update={"vocab_size": vocab}),
            "originality": base.originality.model_copy(update={"weights_initialised_from_zero": zero}),
            "cost": base.cost.model_copy(
                update={"training": base.cost.training.model_copy(update={"tokens": tokens})}
            ),
        }
    )


def texts(finding: Finding) -> str:
    parts = (finding.what_ko, finding.what_en, finding.declared, finding.observed, finding.gap)
    return " ".join((*parts, finding.sentence_ko, finding.sentence_en))


def test_first_loss_is_compared_with_ln_vocab() -> None:
    finding = first_loss_finding(151_936, LOG)
    assert finding.compared
    assert finding.gap_value == pytest.approx(12.1 - math.log(151_936))
    assert finding.declared == "ln(151,936) = 11.9312"
    assert finding.observed == "12.1000 (step 0)"
    assert finding.gap == "+0.1688 nats"
    assert "step 0" in finding.sentence_en and "ln(151,936) = 11.9312" in finding.sentence_en
    assert "ln(151,936) = 11.9312" in finding.sentence_ko


def test_a_negative_gap_is_written_with_a_minus_sign() -> None:
    finding = first_loss_finding(1_000_000, LOG)
    assert finding.gap == "−1.7155 nats"
    assert finding.gap_value is not None and finding.gap_value < 0


def test_without_vocab_size_nothing_is_guessed() -> None:
    finding = first_loss_finding(None, LOG)
    assert not finding.compared
    assert finding.declared == finding.gap == "—"
    assert "not declared" in finding.sentence_en and "could not be compared" in finding.sentence_en
    assert "신고되지 않아" in finding.sentence_ko
    assert "ln(" not in finding.declared


def test_the_step_of_the_first_row_is_reported() -> None:
    late = parse_loss_log("step,tokens_seen,loss,learning_rate\n5000,10,3.2,0.1\n", "l.csv")
    finding = first_loss_finding(32_000, late)
    assert finding.observed == "3.2000 (step 5,000)"
    assert "step 5,000" in finding.sentence_en and "step 5,000" in finding.sentence_ko


def test_tokens_are_compared_as_a_ratio() -> None:
    finding = tokens_finding(2 * 10**12, LOG)
    assert finding.gap_value == pytest.approx(0.002)
    assert finding.gap == "0.002×"
    assert finding.declared == "2,000,000,000,000 (2T)"
    assert finding.observed == "4,000,000,000 (4B)"
    assert "4B tokens, 0.002× the declared 2T" in finding.sentence_en


def test_undeclared_tokens_are_said_to_be_undeclared() -> None:
    finding = tokens_finding(None, LOG)
    assert not finding.compared and finding.gap == "—"
    assert "cost.training.tokens is not declared" in finding.sentence_en


def test_the_ln_v_comparison_is_made_only_for_a_from_zero_claim() -> None:
    keys = [f.key for f in loss_log_findings(manifest(zero=True), LOG)]
    log_checks = ["compute_vs_gpu_hours", "restarts_and_gaps", "loss_smoothness"]
    assert keys == ["first_loss_vs_ln_vocab", "tokens_vs_declared", *log_checks]
    assert [f.key for f in loss_log_findings(manifest(zero=False), LOG)] == [
        "tokens_vs_declared",
        *log_checks,
    ]


@pytest.mark.parametrize("vocab", [None, 2, 151_936])
@pytest.mark.parametrize("tokens", [None, 1, 4 * 10**9, 10**40])
def test_findings_use_no_verdict_words(vocab: int | None, tokens: int | None) -> None:
    for finding in loss_log_findings(manifest(vocab=vocab, tokens=tokens), LOG):
        assert not VERDICT.search(texts(finding).lower()), texts(finding)


# --- where findings show up ------------------------------------------------------------


@pytest.fixture
def submission_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "submissions" / "example-lab" / "example-7b"
    folder.mkdir(parents=True)
    text = FULL.replace("  context_length: 32768\n", "  context_length: 32768\n  vocab_size: 151936\n")
    (folder / "submission.yaml").write_text(text, encoding="utf-8")
    (folder / "loss_log.csv").write_text(LOG_TEXT, encoding="utf-8")
    return folder


def test_loss_curve_carries_the_findings(submission_dir: Path) -> None:
    entry = build_entry(load_submission(submission_dir / "submission.yaml"), load_suite("demo"))
    assert [f.key for f in entry.loss.findings][:2] == ["first_loss_vs_ln_vocab", "tokens_vs_declared"]
    assert entry.loss.findings[0].gap == "+0.1688 nats"


def test_broken_log_has_problems_and_no_findings(submission_dir: Path) -> None:
    (submission_dir / "loss_log.csv").write_text("step,loss\n", encoding="utf-8")
    entry = build_entry(load_submission(submission_dir / "submission.yaml"), load_suite("demo"))
    assert entry.loss.problems and entry.loss.findings == ()


def test_model_page_shows_findings_as_checked_rows(submission_dir: Path) -> None:
    entry = build_entry(load_submission(submission_dir / "submission.yaml"), load_suite("demo"))
    text = pages.model_page(entry, load_suite("demo"), pages.Links(use_directory_urls=False, lang="en"))
    section = text.split("{: #loss-log }", 1)[1].split("{: #run-record }", 1)[0]
    assert "Compared with the declaration" in section
    assert "kl-badge--checked" in section
    row = next(line for line in section.splitlines() if "first loss vs ln(vocab size)" in line)
    for cell in ("ln(151,936) = 11.9312", "12.1000 (step 0)", "+0.1688 nats"):
        assert f'<td class="kl-num">{cell}</td>' in row
    assert "evidence, not a verdict" in section
    compute = next(line for line in section.splitlines() if "6·N·D vs declared GPU-hours" in line)
    assert '<td class="kl-num">250,000 GPU-hours (H100 SXM 989 TFLOPS)</td>' in compute
    assert '<td class="kl-num">MFU 0.0 %</td>' in compute and "below the usual 20 %–60 %" in compute
    assert "smoothness of the loss curve" in section and "restarts and gaps in the steps" in section


def test_validate_prints_findings_as_notes(submission_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = validate_paths([submission_dir])
    assert report.ok and len(report.notes) == 5
    prefix = f"{submission_dir / 'loss_log.csv'}: first loss vs ln(vocab size): "
    assert report.notes[0].startswith(prefix)
    assert cli.main(["validate", str(submission_dir)]) == 0  # notes never fail a submission
    out = capsys.readouterr().out
    assert "note: " in out and "+0.1688 nats" in out and "0.002× the declared 2T" in out


def test_parameter_findings_compare_declared_counts_with_config() -> None:
    from kleaderboard.checks.evidence import parameter_findings
    from kleaderboard.records import StructuralCostRecord
    from kleaderboard.submission.manifest import parse_manifest

    data = yaml.safe_load(FULL)
    manifest = parse_manifest(data, "submission.yaml")
    structural = StructuralCostRecord(
        attention="gqa", layers=32, total_parameters=7_070_000_000, active_parameters=7_070_000_000,
        kv_cache_bytes_per_token=131072, flops_per_token=14_000_000_000, context=4096, dtype="bfloat16",
    )  # fmt: skip
    total, active = parameter_findings(manifest, structural)
    assert active.gap == "+1.00 %"
    assert total.key == "total_parameters_vs_config" and total.gap == "+1.00 %"
    assert total.gap_value == pytest.approx(1.01)
    assert "7.07B" in total.sentence_en and "7B" in total.sentence_en
    assert parameter_findings(manifest, None) == ()
    no_active = parse_manifest(
        {**data, "model": {**data["model"], "parameters": {"total": 7_000_000_000}}}, "s.yaml"
    )
    _, undeclared = parameter_findings(no_active, structural)
    assert undeclared.gap_value is None and "Nothing was declared" in undeclared.sentence_en
