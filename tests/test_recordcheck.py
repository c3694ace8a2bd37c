"""Run records from an untrusted run: checked before they are commented or proposed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kleaderboard.errors import RunRecordError
from kleaderboard.github import record_intake as recordcheck
from kleaderboard.github.comments import SCORES_MARKER
from tests.cli_runner import run_cli
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


def test_an_unknown_suite_is_refused(tmp_path: Path) -> None:
    path = write_record_file(tmp_path, record_data(suite="../../etc/passwd"))
    with pytest.raises(RunRecordError) as info:
        check(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: suite: '../../etc/passwd' is not a suite of this leaderboard — {recordcheck.FIX}"
    ]


@pytest.mark.parametrize(
    ("score", "field", "shown"),
    [
        ({"value": 1.0001}, "value", "1.0001"),
        ({"value": -0.01}, "value", "-0.01"),
        ({"value": 1e308}, "value", "1e+308"),
        ({"stderr": 1.5}, "stderr", "1.5"),
        ({"stderr": -0.001}, "stderr", "-0.001"),
    ],
)
def test_scores_outside_the_metrics_range_are_refused(
    tmp_path: Path, score: dict, field: str, shown: str
) -> None:
    data = record_data()
    data["scores"] = [data["scores"][0], {**data["scores"][0], "task": "kobest", **score}]
    path = write_record_file(tmp_path, data)
    with pytest.raises(RunRecordError) as info:
        check(path)
    assert [(p.field, p.message) for p in info.value.problems] == [
        (f"scores.1.{field}", f"{shown} is outside 0..1, the range of every metric the suites score")
    ]


@pytest.mark.parametrize("value", [0.0, 1.0])
def test_scores_at_the_ends_of_the_range_pass(tmp_path: Path, value: float) -> None:
    data = record_data()
    data["scores"] = [{**data["scores"][0], "value": value, "stderr": value}]
    assert check(write_record_file(tmp_path, data)).scores[0].value == value


@pytest.mark.parametrize("revision", [None, "main", "E1BEB415935F09A6C7A85EC1C6B7B689AFCC6A01", "a" * 39])
def test_a_record_must_name_a_pinned_commit(tmp_path: Path, revision: str | None) -> None:
    data = record_data(model={"source": "hanbit-ai/hanbit-7b", "revision": revision})
    with pytest.raises(RunRecordError) as info:
        check(write_record_file(tmp_path, data))
    assert [(p.field, p.message) for p in info.value.problems] == [
        ("model.revision", f"{revision!r} is not a pinned 40-hex commit")
    ]


def test_a_record_is_cross_checked_with_the_given_manifest(tmp_path: Path) -> None:
    from kleaderboard.submission.manifest import parse_manifest
    from tests.pr_fixtures import manifest_data

    path = write_record_file(tmp_path)
    assert check(path, manifest=parse_manifest(manifest_data(), Path("m.yaml"))).run_id == RUN_ID
    other = parse_manifest(manifest_data(**{"model.hub_repo": "x/y", "model.revision": "b" * 40}), Path("m"))
    with pytest.raises(RunRecordError) as info:
        check(path, manifest=other)
    assert [p.field for p in info.value.problems] == ["model.source", "model.revision"]


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
    assert run_cli("check-run-record", str(tmp_path), "--submission", SUBMISSION) == 0
    assert f"ok: {SUBMISSION}, run {RUN_ID}, succeeded" in capsys.readouterr().out
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RunRecordError, match="holds no run record"):
        run_cli("check-run-record", str(empty), "--submission", SUBMISSION)


# --- comment-scores -------------------------------------------------------------------------


@pytest.fixture
def gh(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGitHub]:
    for server in serve(FakeGitHub()):
        monkeypatch.setenv("GITHUB_API_URL", server.url)
        monkeypatch.setenv("GITHUB_TOKEN", server.token)
        yield server


def comment_scores(gh: FakeGitHub, head: str, record: Path | None) -> int:
    argv = ["--repo", gh.repo, "--pr", "7", "--sha", head, "--submission", SUBMISSION]
    argv += ["--record", str(record)] if record else []
    argv += ["--run-url", "https://github.com/acme/leaderboard/actions/runs/5"]
    return run_cli("comment-scores", *argv)


def pull_with_manifest(gh: FakeGitHub) -> str:
    head = gh.store.commit({f"submissions/{SUBMISSION}/submission.yaml": manifest_bytes()})
    gh.add_pull(7, "hanbit-dev", head, [])
    return head


def test_comment_scores_posts_the_checked_record_with_declared_scores(gh: FakeGitHub, tmp_path: Path) -> None:
    head = pull_with_manifest(gh)
    write_record_file(tmp_path / "record")
    assert comment_scores(gh, head, tmp_path / "record") == 0
    body = gh.comments[7][0]["body"]
    assert body.startswith(SCORES_MARKER)
    assert "측정 measured" in body and "| KMMLU | 55.1 | base | 5 | 신고 declared |" in body
    assert gh.statuses[-1]["context"] == "kleaderboard/evaluation"
    assert gh.statuses[-1]["state"] == "success"


def test_comment_scores_reports_a_refused_or_missing_record(gh: FakeGitHub, tmp_path: Path) -> None:
    head = pull_with_manifest(gh)
    write_record_file(tmp_path / "record", record_data(submission="other/model"))
    assert comment_scores(gh, head, tmp_path / "record") == 1
    assert "the run record was refused" in gh.comments[7][0]["body"]
    assert gh.statuses[-1]["state"] == "failure"
    assert comment_scores(gh, head, tmp_path / "nothing-downloaded") == 1
    assert len(gh.comments[7]) == 1
    assert "ended without a run record" in gh.comments[7][0]["body"]


# --- edges --------------------------------------------------------------------------------------


def test_a_record_that_grows_while_it_is_read_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    path = write_record_file(tmp_path)
    real_size = path.stat().st_size
    real_lstat = os.lstat

    def lstat_then_grow(target: os.PathLike[str] | str) -> os.stat_result:
        seen = real_lstat(target)
        if Path(target) == path:
            with open(target, "ab") as handle:  # a writer appends between the size check and the read
                handle.write(b" " * 50)
        return seen

    monkeypatch.setattr(os, "lstat", lstat_then_grow)
    with pytest.raises(RunRecordError) as info:
        check(path, max_bytes=real_size + 10)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: grew past {real_size + 10:,} bytes while being read; the limit is {real_size + 10:,} "
        f"— {recordcheck.FIX}"
    ]


def test_find_record_returns_a_plain_file_itself(tmp_path: Path) -> None:
    path = write_record_file(tmp_path)
    assert recordcheck.find_record(path) == path


def test_find_record_returns_a_link_so_that_the_check_refuses_it(tmp_path: Path) -> None:
    target = write_record_file(tmp_path / "elsewhere")
    link = tmp_path / f"{RUN_ID}.json"
    link.symlink_to(target)
    assert recordcheck.find_record(link) == link
    folder = tmp_path / "artifact"
    folder.mkdir()
    (folder / f"{RUN_ID}.json").symlink_to(target)
    found = recordcheck.find_record(folder)
    assert found == folder / f"{RUN_ID}.json"
    with pytest.raises(RunRecordError) as info:
        check(found)
    assert [str(p) for p in info.value.problems] == [
        f"{found}: is not a regular file: it is a symbolic link (links are never followed) "
        f"— {recordcheck.FIX}"
    ]


def test_the_default_size_cap_is_2_mib(tmp_path: Path) -> None:
    assert recordcheck.MAX_RECORD_BYTES == 2 * 1024 * 1024
    path = write_record_file(tmp_path)
    text = path.read_bytes()
    path.write_bytes(text + b" " * (recordcheck.MAX_RECORD_BYTES - len(text)))  # JSON allows the spaces
    assert check(path).run_id == RUN_ID
    path.write_bytes(text + b" " * (recordcheck.MAX_RECORD_BYTES + 1 - len(text)))
    with pytest.raises(RunRecordError) as info:
        check(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}: is 2,097,153 bytes; the limit is 2,097,152 — {recordcheck.FIX}"
    ]


def test_an_artifact_of_many_files_names_the_first_five(tmp_path: Path) -> None:
    for n in range(7):
        (tmp_path / f"{n}.json").write_text("{}", encoding="utf-8")
    with pytest.raises(RunRecordError) as info:
        recordcheck.find_record(tmp_path)
    [problem] = info.value.problems
    assert (
        problem.message == "holds 7 file(s) (0.json, 1.json, 2.json, 3.json, 4.json); expected one run record"
    )
