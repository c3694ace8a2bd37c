"""Run records from an untrusted run: checked before they are commented or proposed."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kleaderboard.errors import RunRecordError
from kleaderboard.github import comments as comment
from kleaderboard.github import record_intake as recordcheck
from kleaderboard.github.comments import SCORES_MARKER
from tests.fake_github import FakeGitHub, serve
from tests.pr_fixtures import RECORD, manifest_bytes, record_data, write_record_file

SUBMISSION = RECORD["submission"]
RUN_ID = RECORD["run_id"]


def check(path: Path, **kwargs: object):
    return recordcheck.check_untrusted_record(path, SUBMISSION, **kwargs)  # type: ignore[arg-type]


def test_a_good_record_passes(tmp_path: Path) -> None:
    record = check(write_record_file(tmp_path), manifest_sha256="0" * 64)
    assert record.run_id == RUN_ID


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe{}", "is not valid UTF-8"),
        (b"{not json", "is not valid JSON"),
        (b'{"a": 1, "a": 2}', "duplicate key"),
        (
            json.dumps({**RECORD, "scores": []}).replace("[]", "[NaN]").encode(),
            "NaN is not a number JSON allows",
        ),
        (json.dumps({**RECORD, "extra": 1}).encode(), "Extra inputs are not permitted"),
        (json.dumps({**RECORD, "status": "great"}).encode(), "status"),
    ],
)
def test_bad_content_is_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / f"{RUN_ID}.json"
    path.write_bytes(content)
    with pytest.raises(RunRecordError, match=message):
        check(path)


def test_identity_must_match(tmp_path: Path) -> None:
    path = write_record_file(tmp_path, record_data(submission="other/model"), name="renamed.json")
    with pytest.raises(RunRecordError) as info:
        check(path, manifest_sha256="1" * 64)
    text = str(info.value)
    assert "'20261123T000000Z-ko-global-v1-v1-abc123' does not match the file name" in text
    assert "'other/model' is not 'hanbit-ai/hanbit-7b'" in text
    assert "is not the sha256 of the evaluated manifest" in text


def test_size_links_and_folders(tmp_path: Path) -> None:
    path = write_record_file(tmp_path / "a")
    with pytest.raises(RunRecordError, match="the limit is 100"):
        check(path, max_bytes=100)
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(RunRecordError, match="is not a regular file"):
        check(link)
    assert recordcheck.find_record(tmp_path / "a") == path
    assert recordcheck.find_record(tmp_path / "absent") is None
    write_record_file(tmp_path / "a", name="second.json")
    with pytest.raises(RunRecordError, match="holds 2 file"):
        recordcheck.find_record(tmp_path / "a")


def test_the_command_prints_what_it_accepted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_record_file(tmp_path)
    parser = argparse.ArgumentParser()
    recordcheck.add_arguments(parser)
    assert recordcheck.run_command(parser.parse_args([str(tmp_path), "--submission", SUBMISSION])) == 0
    assert f"ok: {SUBMISSION}, run {RUN_ID}, succeeded" in capsys.readouterr().out
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RunRecordError, match="holds no run record"):
        recordcheck.run_command(parser.parse_args([str(empty), "--submission", SUBMISSION]))


# --- comment-scores -------------------------------------------------------------------------


@pytest.fixture
def gh(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for server in serve(FakeGitHub()):
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", server.token)
        yield server


def scores_args(gh: FakeGitHub, head: str, record: Path | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    comment.add_arguments(parser)
    argv = ["--repo", gh.repo, "--pr", "7", "--sha", head, "--submission", SUBMISSION]
    argv += ["--record", str(record)] if record else []
    argv += ["--run-url", "https://github.com/acme/leaderboard/actions/runs/5"]
    return parser.parse_args(argv)


def pull_with_manifest(gh: FakeGitHub) -> str:
    head = gh.store.commit({f"submissions/{SUBMISSION}/submission.yaml": manifest_bytes()})
    gh.add_pull(7, "hanbit-dev", head, [])
    return head


def test_comment_scores_posts_the_checked_record_with_declared_scores(gh: FakeGitHub, tmp_path: Path) -> None:
    head = pull_with_manifest(gh)
    write_record_file(tmp_path / "record")
    assert comment.run_command(scores_args(gh, head, tmp_path / "record")) == 0
    body = gh.comments[7][0]["body"]
    assert body.startswith(SCORES_MARKER)
    assert "측정 measured" in body and "| KMMLU | 55.1 | base | 5 | 신고 declared |" in body
    assert gh.statuses[-1]["context"] == "kleaderboard/evaluation"
    assert gh.statuses[-1]["state"] == "success"


def test_comment_scores_reports_a_refused_or_missing_record(gh: FakeGitHub, tmp_path: Path) -> None:
    head = pull_with_manifest(gh)
    write_record_file(tmp_path / "record", record_data(submission="other/model"))
    assert comment.run_command(scores_args(gh, head, tmp_path / "record")) == 1
    assert "the run record was refused" in gh.comments[7][0]["body"]
    assert gh.statuses[-1]["state"] == "failure"
    assert comment.run_command(scores_args(gh, head, tmp_path / "nothing-downloaded")) == 1
    assert len(gh.comments[7]) == 1
    assert "ended without a run record" in gh.comments[7][0]["body"]
