"""The pull-request check end to end: a real 127.0.0.1 GitHub API, recorded Hub answers, no checkout."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import huggingface_hub.constants
import pytest

from kleaderboard.checks.scope import Owners
from kleaderboard.github import pull_check as prcheck
from kleaderboard.github.client import GitHubClient
from kleaderboard.github.comments import CHECK_MARKER, inert
from tests.cli_runner import run_cli
from tests.fake_github import FakeGitHub, serve
from tests.hub_server import RecordedHub, recorded_routes
from tests.pr_fixtures import HUB_COMMIT, LOSS_LOG, SUB, good_pull, manifest_bytes, open_pull

OWNERS = "maintainers: [alice]\nsubmissions:\n  skt/ax-k1: [skt-bot]\n"


@pytest.fixture(autouse=True)
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """huggingface_hub online for the Hub stand-in on 127.0.0.1 (the test session sets HF_HUB_OFFLINE=1)."""
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    yield from serve(FakeGitHub())


@pytest.fixture
def hub() -> Iterator[RecordedHub]:
    yield from serve(RecordedHub(recorded_routes(("safe",))))


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """A checkout of the base branch: OWNERS.yaml and one existing submission folder."""
    root = tmp_path / "base"
    (root / "submissions" / "skt" / "ax-k1").mkdir(parents=True)
    (root / "submissions" / "OWNERS.yaml").write_text(OWNERS, encoding="utf-8")
    return root


@pytest.fixture
def env(gh: FakeGitHub, hub: RecordedHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_API_URL", gh.url)
    monkeypatch.setenv("GITHUB_TOKEN", gh.token)
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.delenv("HF_TOKEN", raising=False)


def inputs(base: Path, hub: RecordedHub | None = None) -> prcheck.CheckInputs:
    from kleaderboard.checks.scope import load_owners

    return prcheck.CheckInputs(
        owners=load_owners(base / "submissions" / "OWNERS.yaml"),
        existing=prcheck.existing_submissions(base / "submissions"),
        check_hub=hub is not None,
        hub_endpoint=hub.url if hub else None,
    )


def check(gh: FakeGitHub, base: Path, tmp_path: Path, hub: RecordedHub | None = None) -> prcheck.CheckReport:
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
        pr = client.pull_request(7)
        return prcheck.check_pull_request(client, pr, inputs(base, hub), tmp_path / "work")


def command(*argv: str) -> int:
    return run_cli("check-pull-request", *argv)


def test_a_good_new_submission_passes_with_hub_facts(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    head = good_pull(gh)
    report = check(gh, base, tmp_path, hub)
    assert report.problems == ()
    assert (report.submission, report.is_new, report.state) == ("hanbit-ai/hanbit-7b", True, "success")
    assert report.manifest is not None and report.manifest.model.revision == HUB_COMMIT
    assert report.manifest_sha256 == hashlib.sha256(manifest_bytes()).hexdigest()
    assert report.hub is not None and report.hub.commit == HUB_COMMIT
    assert report.staged == (tmp_path / "work" / SUB).resolve() or report.staged == tmp_path / "work" / SUB
    assert (report.staged / "loss_log.csv").read_text() == LOSS_LOG
    assert not [s for s in gh.seen if "/contents/" in s.path], "files are read as git blobs only"
    assert all(s.method == "GET" for s in gh.seen), "the check itself writes nothing"
    assert head in {s.path.rsplit("/", 1)[-1] for s in gh.requests_to("GET", r".*/git/trees/.*")}


def test_changed_files_carry_their_modes_so_scope_sees_links(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    files = {f"{SUB}/submission.yaml": manifest_bytes(), f"{SUB}/loss_log.csv": (b"/etc/passwd", "120000")}
    open_pull(gh, files, [{"filename": p} for p in files])
    report = check(gh, base, tmp_path)
    messages = [p.message for p in report.problems]
    assert any("is a symbolic link" in m for m in messages), messages
    assert not any("is unknown" in m for m in messages)
    assert not (report.staged / "loss_log.csv").exists(), "a link is never staged"


def test_a_hostile_pull_request_gets_every_problem_at_once(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    files = {
        f"{SUB}/submission.yaml": manifest_bytes(license=None),
        f"{SUB}/runs/fake.json": b"{}",
        ".github/workflows/check.yml": b"on: push",
        "submissions/OWNERS.yaml": b"maintainers: [mallory]",
    }
    open_pull(gh, files, [{"filename": p, "status": "added"} for p in files])
    report = check(gh, base, tmp_path)
    text = "\n".join(str(p) for p in report.problems)
    assert report.state == "failure"
    assert "changes the repository's GitHub workflows" in text
    assert "only the evaluation pipeline writes" in text
    assert "changed by maintainers only" in text
    assert f"{SUB}/submission.yaml: license:" in text, "validation problems name the repository path"
    assert str(tmp_path) not in text


def test_a_pull_request_outside_submissions_is_not_a_submission(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    open_pull(gh, {"docs/x.md": b"x"}, [{"filename": "docs/x.md"}], author="alice")
    report = check(gh, base, tmp_path)
    assert not report.touches_submissions and report.ok
    assert report.summary == "no submission files changed: not a submission, nothing checked"
    assert (report.state, report.scope_state) == ("error", "success"), "never a green submission check"


def test_someone_elses_submission_is_refused(gh: FakeGitHub, base: Path, tmp_path: Path) -> None:
    path = "submissions/skt/ax-k1/submission.yaml"
    open_pull(gh, {path: manifest_bytes()}, [{"filename": path, "status": "modified"}], author="mallory")
    report = check(gh, base, tmp_path)
    assert any("'mallory' may not change this folder" in p.message for p in report.problems)


def test_an_unreachable_hub_is_an_error_state_not_a_problem_and_fails_closed(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    good_pull(gh)
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
        pr = client.pull_request(7)
        closed = prcheck.CheckInputs(Owners(frozenset(), {}), frozenset(), True, "http://127.0.0.1:9")
        report = prcheck.check_pull_request(client, pr, closed, tmp_path)
    assert not report.ok and report.state == "error" and report.hub_error
    assert report.problems == (), "the Hub's outage is not the submitter's problem"
    assert report.summary == "hanbit-ai/hanbit-7b: the Hugging Face Hub could not be checked"


@pytest.mark.usefixtures("env")
def test_the_command_comments_sets_statuses_and_writes_outputs(
    gh: FakeGitHub, base: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = good_pull(gh)
    out = tmp_path / "github_output"
    argv = [
        "--repo", gh.repo, "--pr", "7", "--sha", head, "--comment", "--status",
        "--owners", str(base / "submissions" / "OWNERS.yaml"),
        "--submissions-dir", str(base / "submissions"),
        "--github-output", str(out),
        "--run-url", "https://github.com/acme/leaderboard/actions/runs/1",
    ]  # fmt: skip
    assert command(*argv) == 0
    assert [(s["context"], s["state"]) for s in gh.statuses] == [
        ("kleaderboard/check", "pending"),
        ("kleaderboard/check", "success"),
        ("kleaderboard/scope", "success"),
    ]
    assert gh.statuses[-1]["description"] == "hanbit-ai/hanbit-7b: ok (see kleaderboard/check)"
    assert {s["target_url"] for s in gh.statuses} == {"https://github.com/acme/leaderboard/actions/runs/1"}
    [comment] = gh.comments[7]
    assert comment["body"].startswith(CHECK_MARKER)
    assert "Submission check passed" in comment["body"]
    lines = out.read_text().splitlines()
    assert "ok=true" in lines and "submission=hanbit-ai/hanbit-7b" in lines
    assert f"manifest_sha256={hashlib.sha256(manifest_bytes()).hexdigest()}" in lines
    assert "hanbit-ai/hanbit-7b: ok" in capsys.readouterr().out
    # a new push: the same comment is updated, never a second one
    gh.files[7].append({**gh.files[7][0]})
    assert command(*argv) == 0
    assert len(gh.comments[7]) == 1


@pytest.mark.usefixtures("env")
def test_the_command_refuses_with_exit_1_and_a_failing_status(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    head = good_pull(gh, **{"team.name": "<img src=x onerror=alert(1)>", "license": None})
    argv = [
        "--repo", gh.repo, "--pr", "7", "--sha", head, "--comment", "--status",
        "--owners", str(base / "submissions" / "OWNERS.yaml"), "--submissions-dir", str(base / "submissions"),
    ]  # fmt: skip
    assert command(*argv) == 1
    assert [s["state"] for s in gh.statuses[-2:]] == ["failure", "failure"]
    body = gh.comments[7][0]["body"]
    assert "license" in body and "<img" not in body


@pytest.mark.usefixtures("env")
def test_a_superseded_head_is_not_checked(gh: FakeGitHub, base: Path, tmp_path: Path) -> None:
    good_pull(gh)
    out = tmp_path / "github_output"
    argv = [
        "--repo", gh.repo, "--pr", "7", "--sha", "f" * 40, "--comment", "--status",
        "--github-output", str(out),
        "--owners", str(base / "submissions" / "OWNERS.yaml"), "--submissions-dir", str(base / "submissions"),
    ]  # fmt: skip
    assert command(*argv) == 0
    assert gh.statuses == [] and gh.comments == {}
    assert "ok=false" in out.read_text().splitlines()


@pytest.mark.usefixtures("env")
def test_stage_dir_keeps_the_files_for_the_gpu_job(gh: FakeGitHub, base: Path, tmp_path: Path) -> None:
    head = good_pull(gh)
    out = tmp_path / "github_output"
    stage = tmp_path / "stage"
    argv = [
        "--repo", gh.repo, "--pr", "7", "--sha", head, "--no-hub", "--stage-dir", str(stage),
        "--github-output", str(out),
        "--owners", str(base / "submissions" / "OWNERS.yaml"), "--submissions-dir", str(base / "submissions"),
    ]  # fmt: skip
    assert command(*argv) == 0
    staged = stage.resolve() / SUB
    assert (staged / "submission.yaml").read_bytes() == manifest_bytes()
    assert f"staged={staged}" in out.read_text().splitlines()
    assert gh.statuses == [] and gh.comments == {}


# --- failing closed ---------------------------------------------------------------------------

TREE = f"/api/models/hanbit-ai/hanbit-7b/tree/{HUB_COMMIT}?recursive=true"
INFO = f"/api/models/hanbit-ai/hanbit-7b/revision/{HUB_COMMIT}"
CONFIG = f"/hanbit-ai/hanbit-7b/resolve/{HUB_COMMIT}/config.json"
TOKENIZER_CONFIG = f"/hanbit-ai/hanbit-7b/resolve/{HUB_COMMIT}/tokenizer_config.json"
HTML = {"Content-Type": "text/html"}


def hub_routes(**answers: dict) -> dict:
    """The recorded safe repo, with some answers replaced (keys: INFO, TREE, CONFIG …)."""
    routes = recorded_routes(("safe",))
    named = {"INFO": INFO, "TREE": TREE, "CONFIG": CONFIG, "TOKENIZER_CONFIG": TOKENIZER_CONFIG}
    for name, answer in answers.items():
        routes[named[name]] = answer
    return routes


def run_check_command(gh: FakeGitHub, base: Path, tmp_path: Path, hub_url: str) -> tuple[int, list[str]]:
    """`pr-check --status --github-output` against a Hub at hub_url; the exit code and the output lines."""
    head = good_pull(gh)
    out = tmp_path / "github_output"
    argv = [
        "--repo", gh.repo, "--pr", "7", "--sha", head, "--status", "--comment", "--github-output", str(out),
        "--owners", str(base / "submissions" / "OWNERS.yaml"), "--submissions-dir", str(base / "submissions"),
    ]  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HF_ENDPOINT", hub_url)
        code = command(*argv)
    return code, out.read_text().splitlines()


@pytest.mark.parametrize(
    ("answers", "said"),
    [
        (
            {"INFO": {"status": 429, "headers": {}, "text": "slow down"}},
            "limiting the rate of requests (429)",
        ),
        ({"TREE": {"status": 500, "headers": {}, "text": "boom"}}, "the Hub answered 500"),
        ({"CONFIG": {"status": 503, "headers": {}, "text": "down"}}, "the Hub answered 503"),
        ({"TOKENIZER_CONFIG": {"status": 502, "headers": {}, "text": "x"}}, "the Hub answered 502"),
        ({"INFO": {"status": 200, "headers": HTML, "text": "<html>login</html>"}}, "is not what the Hub API"),
        ({"INFO": {"status": 200, "headers": {}, "json": {"id": "x", "sha": "main"}}}, "is not what the Hub"),
        ({"TREE": {"status": 200, "headers": {}, "json": [{"path": 1}]}}, "is not what the Hub API returns"),
    ],
    ids=["429", "tree-500", "config-503", "tokenizer-config-502", "html", "bad-sha", "bad-tree"],
)
@pytest.mark.usefixtures("env")
def test_a_hub_that_cannot_be_read_fails_the_check_closed(
    gh: FakeGitHub, base: Path, tmp_path: Path, answers: dict, said: str
) -> None:
    for broken in serve(RecordedHub(hub_routes(**answers))):
        code, lines = run_check_command(gh, base, tmp_path, broken.url)
    assert code == 1
    assert "ok=false" in lines and "ok=true" not in lines
    check_status, scope_status = gh.statuses[-2:]
    assert (check_status["state"], scope_status["state"]) == ("error", "error")
    assert check_status["description"] == "hanbit-ai/hanbit-7b: the Hugging Face Hub could not be checked"
    [comment] = gh.comments[7]
    assert "the Hub could not be checked" in comment["body"]
    assert inert(said) in comment["body"], "the comment says why"


@pytest.mark.usefixtures("env")
def test_a_hub_that_times_out_fails_the_check_closed(
    gh: FakeGitHub, base: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kleaderboard.checks import hub as hub_module

    monkeypatch.setattr(hub_module, "DEFAULT_TIMEOUT", 0.2)
    for slow in serve(RecordedHub(recorded_routes(("safe",)), delay=1.0)):
        code, lines = run_check_command(gh, base, tmp_path, slow.url)
    assert code == 1 and "ok=false" in lines
    assert gh.statuses[-2]["state"] == "error"


def test_the_hub_reason_reaches_the_report(gh: FakeGitHub, base: Path, tmp_path: Path) -> None:
    good_pull(gh)
    for broken in serve(RecordedHub(hub_routes(TREE={"status": 429, "headers": {}, "text": "x"}))):
        report = check(gh, base, tmp_path, broken)
    assert report.hub_error is not None and report.hub_error.startswith(
        "the Hub is limiting the rate of requests (429) while listing the files of hanbit-ai/hanbit-7b@"
    )
    assert not report.ok and report.state == "error"


# --- base branch, demo folders, pending revisions, code pull requests --------------------------


def test_a_pull_request_against_another_branch_is_refused(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    good_pull(gh)
    gh.pulls[7]["base"]["ref"] = "records/old-bot-branch"
    report = check(gh, base, tmp_path, hub)
    assert [str(p) for p in report.problems] == [
        "pull request #7: base: targets branch 'records/old-bot-branch', not the repository's default "
        "branch 'main' — change the base branch to 'main' (Edit, next to the title): submissions are "
        "checked and merged there only"
    ]
    assert not report.ok and report.state == report.scope_state == "failure"


def test_a_code_pull_request_against_another_branch_fails_its_scope(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    open_pull(gh, {"docs/x.md": b"x"}, [{"filename": "docs/x.md"}], author="alice")
    gh.pulls[7]["base"]["ref"] = "gh-pages"
    report = check(gh, base, tmp_path)
    assert [p.field for p in report.problems] == ["base"]
    assert (report.state, report.scope_state) == ("failure", "failure")


def test_the_default_branch_is_read_from_github_not_assumed(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    good_pull(gh)
    gh.pulls[7]["base"]["ref"] = gh.pulls[7]["base"]["repo"]["default_branch"] = "trunk"
    assert check(gh, base, tmp_path, hub).problems == ()


def test_a_pending_revision_is_refused_with_the_commit_to_set(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    good_pull(gh, **{"model.revision": "pending"})
    hub.routes["/api/models/hanbit-ai/hanbit-7b/revision/main"] = hub.routes[INFO]
    report = check(gh, base, tmp_path, hub)
    assert [str(p) for p in report.problems] == [
        f"{SUB}/submission.yaml: model.revision: is 'pending': a pull request is evaluated at a fixed "
        f"commit of the weights — set revision: {HUB_COMMIT} (the commit to evaluate; 'pending' is for "
        "local validate only)"
    ]
    assert report.state == "failure"


def test_a_pending_revision_is_refused_without_the_hub_too(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    good_pull(gh, **{"model.revision": "pending"})
    [problem] = check(gh, base, tmp_path).problems
    assert (
        problem.fix == "set revision: <the 40-hex commit> (the commit to evaluate; 'pending' is for local "
        "validate only)"
    )


def test_a_demo_local_path_is_refused(gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path) -> None:
    data_changes = {"model.hub_repo": None, "model.revision": None, "model.local_path": "weights"}
    good_pull(gh, **data_changes)
    report = check(gh, base, tmp_path, hub)
    assert [str(p) for p in report.problems] == [
        f"{SUB}/submission.yaml: model.local_path: is for the local demo only: a pull request's model must "
        "be on the Hugging Face Hub — replace local_path with hub_repo: <owner>/<name> and revision: "
        "<the 40-hex commit>"
    ]
    assert not [s for s in hub.seen], "nothing to ask the Hub about"


@pytest.mark.usefixtures("env")
def test_a_code_pull_request_gets_a_scope_status_and_never_a_green_check(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    head = open_pull(
        gh, {".github/workflows/ci.yml": b"on: push"}, [{"filename": ".github/workflows/ci.yml"}]
    )
    argv = [
        "--repo", gh.repo, "--pr", "7", "--sha", head, "--status", "--comment",
        "--owners", str(base / "submissions" / "OWNERS.yaml"), "--submissions-dir", str(base / "submissions"),
    ]  # fmt: skip
    assert command(*argv) == 0
    final = {s["context"]: (s["state"], s["description"]) for s in gh.statuses}
    assert final == {
        "kleaderboard/check": ("error", "no submission files changed: not a submission, nothing checked"),
        "kleaderboard/scope": (
            "success",
            "code or docs pull request: not a submission; ci and a maintainer's review judge it",
        ),
    }
    assert gh.comments == {}


def test_a_pull_request_that_removes_the_manifest_checked_nothing_and_fails(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    path = "submissions/skt/ax-k1/submission.yaml"
    base_sha = gh.store.commit({"README.md": b"x", path: manifest_bytes()})
    gh.refs["heads/main"] = base_sha
    head = gh.store.commit({"README.md": b"x"}, parents=(base_sha,))
    gh.add_pull(7, "skt-bot", head, [{"filename": path, "status": "removed"}])
    report = check(gh, base, tmp_path, hub)
    assert [str(p) for p in report.problems] == [
        f"{path}: is missing at the head commit, so nothing in the folder could be checked — keep "
        "submission.yaml in the folder; to withdraw a submission, ask the maintainers"
    ]
    assert not report.ok and report.state == "failure"


# --- owners are recorded by the merge itself (team.github) ---------------------------------------


def test_a_new_submission_must_list_its_author_as_owner(gh: FakeGitHub, base: Path, tmp_path: Path) -> None:
    good_pull(gh, **{"team.github": ["someone-else"]})
    report = check(gh, base, tmp_path)
    assert [str(p) for p in report.problems] == [
        f"{SUB}/submission.yaml: team.github: lists someone-else, not this pull request's author hanbit-dev"
        " — add your account, e.g. github: [hanbit-dev] under team: it records who may change this "
        "folder in later pull requests (such as setting the commit after revision: pending)"
    ]


def test_the_teams_second_pull_request_passes_once_the_first_is_merged(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    from kleaderboard.checks.scope import load_owners, with_manifest_owners

    merged = base / SUB  # the first pull request, merged: its manifest is on the base branch
    merged.mkdir(parents=True)
    (merged / "submission.yaml").write_bytes(manifest_bytes())
    owners = with_manifest_owners(load_owners(base / "submissions" / "OWNERS.yaml"), base / "submissions")
    assert owners.by_submission["hanbit-ai/hanbit-7b"] == frozenset({"hanbit-dev"})
    existing = prcheck.existing_submissions(base / "submissions")
    for author, allowed in (("hanbit-dev", True), ("HANBIT-DEV", True), ("mallory", False)):
        gh.pulls.clear()
        head = good_pull(gh)
        gh.pulls[7]["user"]["login"] = author
        with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
            pr = client.pull_request(7)
            report = prcheck.check_pull_request(
                client, pr, prcheck.CheckInputs(owners, existing, check_hub=False), tmp_path / author
            )
        assert head and (not report.is_new)
        refused = [p for p in report.problems if p.field == "author"]
        assert (not refused) is allowed, (author, report.problems)


def test_a_broken_manifest_on_the_base_branch_adds_no_owner(base: Path) -> None:
    from kleaderboard.checks.scope import load_owners, with_manifest_owners

    (base / SUB).mkdir(parents=True)
    (base / SUB / "submission.yaml").write_text("team: [", encoding="utf-8")
    owners = with_manifest_owners(load_owners(base / "submissions" / "OWNERS.yaml"), base / "submissions")
    assert "hanbit-ai/hanbit-7b" not in owners.by_submission


# --- records pull requests: the bot's, adding run records only -------------------------------------

BOT = "kleaderboard-bot[bot]"


def records_pull(gh: FakeGitHub, base: Path, author: str = BOT, **change: Any) -> str:
    """The base branch holds the team's merged manifest; the bot proposes one record for it."""
    import json

    from kleaderboard.github.propose_records import BRANCH_PREFIX
    from tests.pr_fixtures import record_data

    (base / "submissions" / "OWNERS.yaml").write_text(OWNERS + f'bots: ["{BOT}"]\n', encoding="utf-8")
    (base / SUB).mkdir(parents=True, exist_ok=True)
    manifest = manifest_bytes()
    (base / SUB / "submission.yaml").write_bytes(manifest)
    record = record_data(**{"manifest_sha256": hashlib.sha256(manifest).hexdigest(), **change})
    path = f"{SUB}/runs/{record['run_id']}.json"
    main = gh.store.commit({f"{SUB}/submission.yaml": manifest})
    gh.refs["heads/main"] = main
    head = gh.store.commit({f"{SUB}/submission.yaml": manifest, path: json.dumps(record).encode()}, (main,))
    gh.add_pull(9, author, head, [{"filename": path}])
    gh.pulls[9]["head"].update(ref=f"{BRANCH_PREFIX}20261201-abc", repo=gh.repository(gh.repo, fork=False))
    return head


def check_records(gh: FakeGitHub, base: Path, tmp_path: Path) -> prcheck.CheckReport:
    from kleaderboard.checks.scope import load_owners

    inputs = prcheck.CheckInputs(
        owners=load_owners(base / "submissions" / "OWNERS.yaml"),
        existing=prcheck.existing_submissions(base / "submissions"),
        check_hub=False,
        submissions_dir=base / "submissions",
    )
    with GitHubClient(gh.repo, gh.token, api_url=gh.url) as client:
        return prcheck.check_pull_request(client, client.pull_request(9), inputs, tmp_path / "work")


def test_the_bots_records_pull_request_passes_the_check(gh: FakeGitHub, base: Path, tmp_path: Path) -> None:
    records_pull(gh, base)
    report = check_records(gh, base, tmp_path)
    assert report.problems == () and report.state == "success" and report.scope_state == "success"
    assert report.summary == "records pull request, 1 run record(s): ok"
    assert report.records == (f"{SUB}/runs/20261123T000000Z-ko-global-v1-v1-abc123.json",)


def test_a_record_for_another_manifest_is_refused_in_a_records_pull_request(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    records_pull(gh, base, manifest_sha256="1" * 64)
    report = check_records(gh, base, tmp_path)
    assert report.state == "failure"
    assert any("manifest_sha256" in p.field for p in report.problems), report.problems


@pytest.mark.parametrize("who", ["hanbit-dev", "alice"])
def test_runs_from_anyone_but_the_bot_stay_refused(
    who: str, gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    records_pull(gh, base, author=who)
    report = check_records(gh, base, tmp_path)
    assert report.records == () and report.state == "failure"
    assert any("only the evaluation pipeline writes" in p.message for p in report.problems), report.problems


def test_the_bot_from_a_fork_or_another_branch_is_not_a_records_pull_request(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    records_pull(gh, base)
    gh.pulls[9]["head"]["ref"] = "main-copy"
    assert check_records(gh, base, tmp_path).records == ()
    gh.pulls[9]["head"].update(ref="kleaderboard-bot/runs-x", repo=gh.repository("mallory/leaderboard"))
    assert check_records(gh, base, tmp_path).records == ()


def test_a_records_pull_request_never_changes_an_existing_record(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    records_pull(gh, base)
    gh.files[9][0]["status"] = "modified"
    report = check_records(gh, base, tmp_path)
    assert f"{SUB}/runs/20261123T000000Z-ko-global-v1-v1-abc123.json: status: is modified" in [
        str(p).split(" — ")[0] for p in report.problems
    ]


def with_provenance(gh: FakeGitHub, base: Path, **change: Any) -> str:
    """The records pull request also adds the evaluation's provenance record."""
    from kleaderboard.github.propose_records import BRANCH_PREFIX
    from kleaderboard.provenance.record import provenance_path, provenance_text
    from tests.pr_fixtures import HUB_REPO
    from tests.test_provenance_intake import _record

    head = records_pull(gh, base)
    about = {"submission": "hanbit-ai/hanbit-7b", "model_source": HUB_REPO, "model_revision": HUB_COMMIT}
    sha = hashlib.sha256(manifest_bytes()).hexdigest()
    record = _record(**{**about, "manifest_sha256": sha, **change})
    path = provenance_path(record)
    tree = gh.store.flat[gh.store.commits[head]["tree"]]
    files = {name: content for name, (content, _mode) in tree.items()} | {
        path: provenance_text(record).encode()
    }
    head = gh.store.commit(files, (gh.refs["heads/main"],))
    gh.add_pull(9, BOT, head, [{"filename": p} for p in files if "/runs/" in p or p == path])
    gh.pulls[9]["head"].update(ref=f"{BRANCH_PREFIX}20261201-abc", repo=gh.repository(gh.repo, fork=False))
    return path


def test_a_records_pull_request_with_its_provenance_record_passes_the_check(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    path = with_provenance(gh, base)
    report = check_records(gh, base, tmp_path)
    assert report.problems == () and report.state == "success" and report.scope_state == "success"
    assert report.summary == "records pull request, 1 run record(s), 1 provenance record(s): ok"
    assert path in report.records


def test_a_provenance_record_for_another_manifest_is_refused_in_a_records_pull_request(
    gh: FakeGitHub, base: Path, tmp_path: Path
) -> None:
    path = with_provenance(gh, base, manifest_sha256="1" * 64)
    report = check_records(gh, base, tmp_path)
    assert report.state == "failure"
    assert [(p.file, p.field) for p in report.problems] == [(path, "manifest_sha256")], report.problems
