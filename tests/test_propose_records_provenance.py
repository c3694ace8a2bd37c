"""Provenance records travel with the run record: the same intake, the same records pull request."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kleaderboard.errors import InputError, ProvenanceError
from kleaderboard.github import propose_records as proposal
from kleaderboard.github.client import GitHubClient
from kleaderboard.provenance.record import ProvenanceRecord, provenance_path, write_provenance
from kleaderboard.submission.tree import load_submission
from tests.cli_runner import run_cli
from tests.fake_github import FakeGitHub, serve
from tests.pr_fixtures import HUB_COMMIT, HUB_REPO, manifest_bytes, record_data, write_record_file
from tests.test_provenance_intake import _record as provenance_record

SID = "hanbit-ai/hanbit-7b"
RUN_ID = "20261202T000000Z-ko-global-v1-v1-aaaaaa"
EVIDENCE_ID = "20261202T000000Z-aaaaaaaaaaaa"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    yield from serve(FakeGitHub())


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A checkout of the base branch holding the evaluated manifest."""
    folder = tmp_path / "repo" / "submissions" / SID
    folder.mkdir(parents=True)
    (folder / "submission.yaml").write_bytes(manifest_bytes(**{"originality.loss_log": None}))
    return tmp_path / "repo"


def manifest_sha256(repo: Path) -> str:
    return load_submission(repo / "submissions" / SID / "submission.yaml").manifest_sha256


def evidence(repo: Path, **changes: object) -> ProvenanceRecord:
    """A provenance record about the manifest on the base branch, as the pipeline writes it."""
    about = {"submission": SID, "manifest_sha256": manifest_sha256(repo)}
    return provenance_record(**{"model_source": HUB_REPO, "model_revision": HUB_COMMIT, **about, **changes})


def artifacts(repo: Path, tmp_path: Path, **changes: object) -> tuple[Path, Path]:
    """The two artifacts of one evaluation: the run record and the provenance record."""
    runs = tmp_path / "record"
    write_record_file(runs, record_data(run_id=RUN_ID, manifest_sha256=manifest_sha256(repo)))
    folder = tmp_path / "provenance"
    write_provenance(evidence(repo, **changes), folder)
    return runs, folder


def committed(gh: FakeGitHub) -> dict[str, tuple[bytes, str]]:
    [opened] = gh.opened
    return dict(gh.store.flat[gh.store.commits[gh.refs[f"heads/{opened['head']}"]]["tree"]])


def test_the_provenance_record_lands_in_the_run_records_pull_request(
    gh: FakeGitHub, repo: Path, tmp_path: Path
) -> None:
    gh.refs["heads/main"] = gh.store.commit({"README.md": b"x"})
    runs, folder = artifacts(repo, tmp_path)
    expect = proposal.Expectation(SID, manifest_sha256(repo), repo / "submissions")
    records = [*proposal.checked_records([runs], expect), *proposal.checked_provenance([folder], expect)]
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
        assert proposal.propose_records(client, "main", records, "Run record", "", repo) is not None
    files = committed(gh)
    path = f"submissions/{SID}/provenance/{EVIDENCE_ID}.json"
    assert set(files) >= {f"submissions/{SID}/runs/{RUN_ID}.json", path}
    assert json.loads(files[path][0]) == json.loads((folder / f"{EVIDENCE_ID}.json").read_text())
    assert files[path][1] == "100644"
    body = gh.opened[0]["body"]
    assert "| hanbit\\-ai/hanbit\\-7b | 20261202T000000Z\\-aaaaaaaaaaaa | 1 |" in body, body


def test_a_provenance_record_alone_is_still_proposed(gh: FakeGitHub, repo: Path) -> None:
    gh.refs["heads/main"] = gh.store.commit({"README.md": b"x"})
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
        proposal.propose_records(client, "main", [evidence(repo)], "Evidence", "", repo)
    assert f"submissions/{SID}/provenance/{EVIDENCE_ID}.json" in committed(gh)
    assert "| submission | suite | run | status |" not in gh.opened[0]["body"]


def test_an_existing_provenance_record_is_never_overwritten(gh: FakeGitHub, repo: Path) -> None:
    record = evidence(repo)
    (repo / provenance_path(record)).parent.mkdir(parents=True)
    (repo / provenance_path(record)).write_text("{}", encoding="utf-8")
    with (
        GitHubClient(gh.repo, gh.token, api_url=gh.url) as client,
        pytest.raises(InputError, match=r"provenance/20261202T000000Z-aaaaaaaaaaaa\.json: already exists"),
    ):
        proposal.propose_records(client, "main", [record], "t", root=repo)
    assert gh.seen == []


def test_provenance_records_pass_the_provenance_intake_first(repo: Path, tmp_path: Path) -> None:
    _, folder = artifacts(repo, tmp_path, manifest_sha256="9" * 64, model_source="someone/else")
    expect = proposal.Expectation(SID, manifest_sha256(repo), repo / "submissions")
    with pytest.raises(ProvenanceError) as info:
        proposal.checked_provenance([folder], expect)
    fields = [p.field for p in info.value.problems]
    assert fields == ["manifest_sha256", "model_revision"], info.value.problems
    # without a given submission, the one the record names must be on the base branch
    _, elsewhere = artifacts(repo, tmp_path / "b", submission="acme/ghost")
    with pytest.raises(InputError, match="'acme/ghost' is not a submission on the base branch"):
        proposal.checked_provenance([elsewhere], proposal.Expectation(submissions_dir=repo / "submissions"))


def test_the_command_proposes_both_and_refuses_a_missing_provenance_artifact(
    gh: FakeGitHub, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_API_URL", gh.url)
    monkeypatch.setenv("GITHUB_TOKEN", gh.token)
    gh.refs["heads/main"] = gh.store.commit({"README.md": b"x"})
    runs, folder = artifacts(repo, tmp_path)
    argv = [str(runs), "--repo", gh.repo, "--submission", SID, "--manifest-sha256", manifest_sha256(repo)]
    argv += ["--submissions-dir", str(repo / "submissions")]
    with pytest.raises(ProvenanceError, match=r"absent: cannot be read \(No such file or directory\)"):
        run_cli("propose-records", *argv, "--provenance", str(tmp_path / "absent"))
    assert gh.opened == []
    assert run_cli("propose-records", *argv, "--provenance", str(folder)) == 0
    assert f"submissions/{SID}/provenance/{EVIDENCE_ID}.json" in committed(gh)
