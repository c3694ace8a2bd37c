"""Re-runs: the plan from the workflow inputs, and run records proposed through a bot pull request."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from kleaderboard.errors import InputError, RunRecordError
from kleaderboard.github import propose_records as proposal
from kleaderboard.github import rerun_plan as rerun
from kleaderboard.github.client import GitHubClient
from kleaderboard.submission.tree import load_submission
from kleaderboard.suites import load_suite
from tests.cli_runner import run_cli
from tests.fake_github import FakeGitHub, serve
from tests.pr_fixtures import HUB_COMMIT, manifest_bytes, record_data, write_record_file

SUITE = load_suite("ko-global-v1")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout with three submissions: one evaluated, one not, one pending."""
    root = tmp_path / "repo"
    for sid, changes in (
        ("hanbit-ai/hanbit-7b", {}),
        ("acme/acme-7b", {}),
        ("acme/later", {"model.revision": "pending"}),
    ):
        folder = root / "submissions" / sid
        folder.mkdir(parents=True)
        (folder / "submission.yaml").write_bytes(manifest_bytes(**{"originality.loss_log": None, **changes}))
    sub = load_submission(root / "submissions/hanbit-ai/hanbit-7b/submission.yaml")
    write_record_file(sub.runs_dir, record_data(manifest_sha256=sub.manifest_sha256))
    return root


def test_all_skips_evaluated_and_pending(repo: Path) -> None:
    plan = rerun.plan_reruns(repo / "submissions", "all", SUITE)
    assert plan.run == ("acme/acme-7b",)
    reasons = dict(plan.skipped)
    assert "already evaluated on ko-global-v1 v1" in reasons["hanbit-ai/hanbit-7b"]
    assert "pending" in reasons["acme/later"]


def test_force_evaluates_again_and_ids_are_parsed(repo: Path) -> None:
    plan = rerun.plan_reruns(
        repo / "submissions", " hanbit-ai/hanbit-7b,acme/acme-7b  acme/acme-7b", SUITE, True
    )
    assert plan.run == ("hanbit-ai/hanbit-7b", "acme/acme-7b")


def test_a_changed_manifest_is_evaluated_again(repo: Path) -> None:
    (repo / "submissions/hanbit-ai/hanbit-7b/submission.yaml").write_bytes(
        manifest_bytes(**{"originality.loss_log": None, "license": "MIT"})
    )
    assert rerun.plan_reruns(repo / "submissions", "hanbit-ai/hanbit-7b", SUITE).run == (
        "hanbit-ai/hanbit-7b",
    )


def test_unknown_ids_are_all_reported_with_suggestions(repo: Path) -> None:
    with pytest.raises(InputError) as info:
        rerun.plan_reruns(repo / "submissions", "acme/acme-7c, ghost/x; rm -rf /", SUITE)
    text = str(info.value)
    assert "acme/acme-7c: is not a submission on this branch — Perhaps you meant 'acme/acme-7b'?" in text
    assert "ghost/x" in text and "rm" in text


def test_the_plan_command_writes_the_matrix(repo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    submissions = str(repo / "submissions")
    argv = ["--submissions", "all", "--force", "true", "--submissions-dir", submissions]
    assert run_cli("rerun-plan", *argv, "--github-output", str(out)) == 0
    values = dict(line.split("=", 1) for line in out.read_text().splitlines())
    assert json.loads(values["submissions"]) == ["acme/acme-7b", "hanbit-ai/hanbit-7b"]
    assert values["count"] == "2"


# --- proposing records ------------------------------------------------------------------------


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    yield from serve(FakeGitHub())


def new_record(repo: Path, sid: str, run_id: str, folder: Path) -> Path:
    sub = load_submission(repo / "submissions" / sid / "submission.yaml")
    data = record_data(submission=sid, run_id=run_id, manifest_sha256=sub.manifest_sha256)
    return write_record_file(folder, data)


def test_new_records_are_proposed_on_a_bot_branch(gh: FakeGitHub, repo: Path, tmp_path: Path) -> None:
    gh.refs["heads/main"] = gh.store.commit({"README.md": b"x"})
    artifacts = tmp_path / "records"
    new_record(repo, "acme/acme-7b", "20261124T000000Z-ko-global-v1-v1-aaaaaa", artifacts / "run-records-0")
    new_record(
        repo, "hanbit-ai/hanbit-7b", "20261124T000000Z-ko-global-v1-v1-bbbbbb", artifacts / "run-records-1"
    )
    expect = proposal.Expectation(submissions_dir=repo / "submissions")
    records = proposal.checked_records([artifacts], expect)
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
        created = proposal.propose_records(client, "main", records, "Re-run", "note", repo)
    assert created is not None and created.number == 500
    [opened] = gh.opened
    assert opened["head"].startswith("kleaderboard-bot/runs-") and opened["base"] == "main"
    assert "| acme/acme\\-7b | ko\\-global\\-v1 v1 |" in opened["body"], "record strings are inert"
    commit = gh.refs[f"heads/{opened['head']}"]
    files = gh.store.flat[gh.store.commits[commit]["tree"]]
    path = "submissions/acme/acme-7b/runs/20261124T000000Z-ko-global-v1-v1-aaaaaa.json"
    assert json.loads(files[path][0]) == records[0].model_dump(mode="json")
    assert files[path][1] == "100644"


def test_the_propose_command_opens_one_pull_request_of_succeeded_runs(
    gh: FakeGitHub,
    repo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", gh.url)
    monkeypatch.setenv("GITHUB_TOKEN", gh.token)
    gh.refs["heads/main"] = gh.store.commit({"README.md": b"x"})
    artifacts = tmp_path / "records"
    new_record(repo, "acme/acme-7b", "20261124T000000Z-ko-global-v1-v1-aaaaaa", artifacts / "run-records-0")
    failed = record_data(submission="acme/acme-7b", run_id="20261124T000000Z-ko-global-v1-v1-cccccc")
    failed |= {"status": "failed", "error": "out of memory", "scores": []}
    failed["manifest_sha256"] = load_submission(
        repo / "submissions/acme/acme-7b/submission.yaml"
    ).manifest_sha256
    write_record_file(artifacts / "run-records-1", failed)
    argv = [str(artifacts), "--repo", gh.repo, "--base", "main", "--title", "Re-run"]
    argv += ["--submissions-dir", str(repo / "submissions"), "--only-succeeded"]
    assert run_cli("propose-records", *argv) == 0
    [opened] = gh.opened
    assert capsys.readouterr().out.startswith("opened ")
    assert opened["title"] == "Re-run" and "aaaaaa" in opened["body"] and "cccccc" not in opened["body"]


def test_records_must_match_the_manifest_on_the_branch(repo: Path, tmp_path: Path) -> None:
    stale = record_data(submission="acme/acme-7b", run_id="r1", manifest_sha256="9" * 64)
    write_record_file(tmp_path / "a", stale)
    write_record_file(tmp_path / "b", record_data(submission="../../.github", run_id="r2"))
    with pytest.raises(InputError) as info:
        proposal.checked_records(
            [tmp_path / "a", tmp_path / "b"], proposal.Expectation(None, None, repo / "submissions")
        )
    text = str(info.value)
    assert "is not the sha256 of the evaluated manifest" in text
    assert "'../../.github' is not a submission on the base branch" in text


def test_a_record_already_on_the_branch_is_never_overwritten(gh: FakeGitHub, repo: Path) -> None:
    existing = next((repo / "submissions/hanbit-ai/hanbit-7b/runs").glob("*.json"))
    expect = proposal.Expectation(submissions_dir=repo / "submissions")
    records = proposal.checked_records([existing], expect)
    with (
        GitHubClient(gh.repo, gh.token, api_url=gh.url) as client,
        pytest.raises(InputError, match="already exists"),
    ):
        proposal.propose_records(client, "main", records, "t", root=repo)
    assert gh.seen == []


def test_a_pull_request_record_is_checked_against_the_given_submission(tmp_path: Path) -> None:
    write_record_file(tmp_path, record_data(manifest_sha256="1" * 64))
    expect = proposal.Expectation("hanbit-ai/hanbit-7b", "2" * 64)
    with pytest.raises(RunRecordError, match="not the sha256 of the evaluated manifest"):
        proposal.checked_records([tmp_path], expect)
    with pytest.raises(InputError, match="is not <org>/<model>"):
        proposal.checked_records([tmp_path], proposal.Expectation("../x", None))


def test_every_record_string_in_the_pull_request_body_is_inert(gh: FakeGitHub, repo: Path) -> None:
    from kleaderboard.github.comments import inert
    from kleaderboard.records import RunRecord

    gh.refs["heads/main"] = gh.store.commit({"README.md": b"x"})
    hostile = "<img src=x onerror=alert(1)> @octocat [x](javascript:alert(1)) | cell"
    record = RunRecord.model_validate(record_data(suite=hostile, run_id="20261125T000000Z-x"))
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
        proposal.propose_records(client, "main", [record], "Re-run", "", repo)
    body = gh.opened[0]["body"]
    assert (
        f"| {inert(record.submission)} | {inert(hostile)} v1 | {inert(record.run_id)} | succeeded |" in body
    )
    assert "<img" not in body and "@octocat" not in body and "](javascript" not in body
    assert len(re.findall(r"(?<!\\)\|", body)) == 5 * 3, "no cell of its own for the hostile '|'"


def test_records_are_cross_checked_with_the_manifest_on_the_branch(repo: Path, tmp_path: Path) -> None:
    sub = load_submission(repo / "submissions/acme/acme-7b/submission.yaml")
    data = record_data(submission="acme/acme-7b", run_id="r1", manifest_sha256=sub.manifest_sha256)
    data["model"] = {"source": "someone/else", "revision": "f" * 40}
    write_record_file(tmp_path / "a", data)
    with pytest.raises(RunRecordError) as info:
        proposal.checked_records([tmp_path / "a"], proposal.Expectation(None, None, repo / "submissions"))
    assert [(p.field, p.message) for p in info.value.problems] == [
        ("model.source", "'someone/else' is not the manifest's model.hub_repo ('hanbit-ai/hanbit-7b')"),
        (
            "model.revision",
            f"'{'f' * 40}' is not the manifest's pinned model.revision ('{HUB_COMMIT}')",
        ),
    ]


def test_a_record_for_a_pending_manifest_is_refused(repo: Path, tmp_path: Path) -> None:
    sub = load_submission(repo / "submissions/acme/later/submission.yaml")
    data = record_data(submission="acme/later", run_id="r1", manifest_sha256=sub.manifest_sha256)
    write_record_file(tmp_path / "a", data)
    with pytest.raises(
        RunRecordError,
        match=r"model\.revision: '[0-9a-f]{40}' is not the manifest's pinned "
        r"model\.revision \('pending'\)",
    ):
        proposal.checked_records([tmp_path / "a"], proposal.Expectation(None, None, repo / "submissions"))


def test_a_given_submission_is_cross_checked_with_the_base_manifest_when_it_was_the_one_evaluated(
    repo: Path, tmp_path: Path
) -> None:
    sub = load_submission(repo / "submissions/acme/acme-7b/submission.yaml")
    data = record_data(submission="acme/acme-7b", run_id="r1", manifest_sha256=sub.manifest_sha256)
    data["model"] = {"source": "someone/else", "revision": data["model"]["revision"]}
    write_record_file(tmp_path / "a", data)
    evaluated = proposal.Expectation("acme/acme-7b", sub.manifest_sha256, repo / "submissions")
    with pytest.raises(RunRecordError, match=r"'someone/else' is not the manifest's model\.hub_repo"):
        proposal.checked_records([tmp_path / "a"], evaluated)
    # a pull request's changed manifest: the base's is not the one evaluated, so it is not used
    data["manifest_sha256"] = "3" * 64
    write_record_file(tmp_path / "b", data)
    changed = proposal.Expectation("acme/acme-7b", "3" * 64, repo / "submissions")
    assert [r.model.source for r in proposal.checked_records([tmp_path / "b"], changed)] == ["someone/else"]
