"""Malformed input: every bad manifest and loss log gets an error naming its file and place.

The corpora are data files:

* ``tests/data/manifests/invalid/*.yaml`` — each starts with ``# expect: <text>`` lines
  (tests/test_manifest.py checks those texts; this file checks the places).
* ``tests/data/losslogs/invalid/<name>.csv`` with ``<name>.expect`` beside it: one
  expected text per line. A sidecar, because a comment line would itself change a CSV
  file, and some of these files are not UTF-8 on purpose.
* ``tests/data/losslogs/valid/*.csv`` — odd but acceptable files (CRLF or CR line
  endings, a UTF-8 byte-order mark, quoted fields, blank lines).

Encodings that the manifest corpus cannot hold (its ``# expect:`` lines are read as
UTF-8) are written here, from bytes.

Decisions these tests pin down:

* A UTF-8 byte-order mark is accepted and dropped (Windows editors write one).
* CRLF and CR line endings are accepted in loss logs.
* Negative loss, eval_loss, learning_rate, grad_norm, step or tokens_seen are refused:
  none of them can be negative in a real log, so a negative value means a mixed-up
  column. A loss above 1,000 nats is refused as a perplexity or a summed loss.
* More than one YAML document is refused, as are merge keys, tags, aliases and keys
  that YAML reads as something other than text.
"""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from kleaderboard.cli import main as cli
from kleaderboard.errors import LossLogError, ManifestError, Problem
from kleaderboard.submission.loss_log import LossLog, parse_loss_log, read_loss_log
from kleaderboard.submission.manifest import Manifest, load_manifest

DATA = Path(__file__).parent / "data"
BAD_MANIFESTS = sorted((DATA / "manifests" / "invalid").glob("*.yaml"))
BAD_LOGS = sorted((DATA / "losslogs" / "invalid").glob("*.csv"))
ODD_LOGS = sorted((DATA / "losslogs" / "valid").glob("*.csv"))
VALID_MANIFEST = (DATA / "manifests" / "valid" / "full.yaml").read_text(encoding="utf-8")
# Whole-file problems have no field or line to name.
WHOLE_FILE = ("is empty", "must be a YAML mapping", "… and ", "bytes; the limit is")


def assert_well_formed(problems: list[Problem], path: Path) -> None:
    """Every problem names the file, a place (unless the whole file is wrong) and a message."""
    assert problems
    for problem in problems:
        assert problem.file == str(path)
        assert problem.message.strip()
        assert problem.field or problem.message.startswith(WHOLE_FILE), problem
        assert "Traceback" not in str(problem)


def test_the_corpus_is_large() -> None:
    assert len(BAD_MANIFESTS) + len(BAD_LOGS) >= 100


# --- manifests -------------------------------------------------------------------------


@pytest.mark.parametrize("path", BAD_MANIFESTS, ids=lambda p: p.stem)
def test_bad_manifest_names_file_and_place(path: Path) -> None:
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert_well_formed(info.value.problems, path)


ENCODED = [
    ("euc-kr", "line 2, byte 31: is not valid UTF-8 — save the file as UTF-8"),
    ("cp949", "line 2, byte 31: is not valid UTF-8"),
    ("latin-1", "line 2, byte 31: is not valid UTF-8"),
    ("utf-16", "line 1: is not valid UTF-8: it is UTF-16 or UTF-32 (it starts with that byte-order mark)"),
    ("utf-16-le", "line 1: is not valid UTF-8 text: it holds NUL bytes"),
    ("utf-16-be", "line 1: is not valid UTF-8 text: it holds NUL bytes"),
    ("utf-32", "line 1: is not valid UTF-8: it is UTF-16 or UTF-32"),
]


@pytest.mark.parametrize(("encoding", "expected"), ENCODED, ids=[e for e, _ in ENCODED])
def test_manifest_in_another_encoding_is_refused(tmp_path: Path, encoding: str, expected: str) -> None:
    path = tmp_path / "submission.yaml"
    name = "Équipe" if encoding == "latin-1" else "알파랩"
    text = f"schema_version: 1\nteam: {{name: {name}, contact: t@example.org}}\n"
    path.write_bytes(text.encode(encoding))
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert expected in str(info.value)
    assert_well_formed(info.value.problems, path)


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_bytes(codecs.BOM_UTF8 + VALID_MANIFEST.replace("\n", "\r\n").encode("utf-8"))
    assert isinstance(load_manifest(path), Manifest)


def test_byte_order_mark_does_not_hide_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_bytes(
        codecs.BOM_UTF8 + VALID_MANIFEST.replace("schema_version: 1", "schema_version: 2").encode()
    )
    with pytest.raises(ManifestError, match="schema_version: input should be 1"):
        load_manifest(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_bytes(b"")
    with pytest.raises(ManifestError, match="is empty"):
        load_manifest(path)


def test_huge_document_under_the_size_cap_reports_a_capped_list(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text(VALID_MANIFEST + "".join(f"extra_{i}: {i}\n" for i in range(12_000)), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(ManifestError) as info:
        load_manifest(path)
    assert time.perf_counter() - start < 10
    assert len(info.value.problems) == 51
    assert "… and 11,950 more problems" in str(info.value)


def test_huge_list_is_refused_with_a_capped_list(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text(VALID_MANIFEST + "sources: [" + ", ".join(["not-a-url"] * 20_000) + "]\n")
    with pytest.raises(ManifestError, match="more problems") as info:
        load_manifest(path)
    assert "sources[0]: 'not-a-url' is not a full URL" in str(info.value)


def test_file_over_the_size_cap_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "submission.yaml"
    path.write_text("# " + "x" * 300_000 + "\n" + VALID_MANIFEST, encoding="utf-8")
    with pytest.raises(ManifestError, match="bytes; the limit is 262,144 — keep the file small"):
        load_manifest(path)


# --- loss logs -------------------------------------------------------------------------


def expected_for(path: Path) -> list[str]:
    return path.with_suffix(".expect").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize("path", BAD_LOGS, ids=lambda p: p.stem)
def test_bad_loss_log_reports_expected_problem(path: Path) -> None:
    expected = expected_for(path)
    assert expected, f"{path.with_suffix('.expect')} needs a line"
    with pytest.raises(LossLogError) as info:
        read_loss_log(path)
    text = str(info.value)
    for snippet in expected:
        assert snippet in text
    assert_well_formed(info.value.problems, path)


@pytest.mark.parametrize("path", ODD_LOGS, ids=lambda p: p.stem)
def test_odd_but_valid_loss_log_is_accepted(path: Path) -> None:
    log = read_loss_log(path)
    assert_consistent(log)


def assert_consistent(log: LossLog) -> None:
    """What a parsed log promises: rows in step order, tokens never decreasing, values in range."""
    assert log.points
    for before, after in zip(log.points, log.points[1:], strict=False):
        assert after.step > before.step
        assert after.tokens_seen >= before.tokens_seen
    for point in log.points:
        assert 0 <= point.loss <= 1000 and (point.learning_rate or 0.0) >= 0 and point.tokens_seen >= 0


def test_every_corpus_file_has_its_expectation() -> None:
    folder = DATA / "losslogs" / "invalid"
    assert {p.stem for p in folder.glob("*.expect")} == {p.stem for p in BAD_LOGS}


def test_crlf_loss_log_is_accepted() -> None:
    # Written here too: a checkout with core.autocrlf may rewrite the data file's endings.
    text = "step,tokens_seen,loss,learning_rate\r\n0,0,10.4,0.0\r\n100,400,7.1,0.0003\r\n"
    log = parse_loss_log(text, "l.csv")
    assert [p.step for p in log.points] == [0, 100]


def test_line_numbers_count_blank_lines() -> None:
    text = "step,tokens_seen,loss,learning_rate\n\n0,0,10.4,0.0\n\n\n1,10,abc,0.1\n"
    with pytest.raises(LossLogError, match="line 6, loss: 'abc' is not a number"):
        parse_loss_log(text, "l.csv")


def test_unreadable_loss_log_is_a_loss_log_error(tmp_path: Path) -> None:
    # read_loss_log used to let the reader's InputError through for non-UTF-8 files.
    path = tmp_path / "loss_log.csv"
    path.write_bytes("step,tokens_seen,loss,learning_rate\n0,0,10,0 é\n".encode("latin-1"))
    with pytest.raises(LossLogError, match="is not valid UTF-8"):
        read_loss_log(path)
    with pytest.raises(LossLogError, match="cannot be read"):
        read_loss_log(tmp_path / "missing.csv")


# --- through the command line ----------------------------------------------------------


def test_validate_reports_bad_files_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, manifest in (("bad-yaml", "a: 1\n---\nb: 2\n"), ("bad-log", VALID_MANIFEST)):
        folder = tmp_path / "submissions" / "org" / name
        folder.mkdir(parents=True)
        (folder / "submission.yaml").write_text(manifest, encoding="utf-8")
    log = tmp_path / "submissions" / "org" / "bad-log" / "loss_log.csv"
    log.write_bytes("step;tokens_seen;loss;learning_rate\n".encode("utf-16"))
    assert cli.main(["validate", str(tmp_path / "submissions")]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert "bad-yaml/submission.yaml: line 2, column 1: a second YAML document starts here" in out.out
    assert "bad-log/loss_log.csv: line 1: is not valid UTF-8: it is UTF-16" in out.out
