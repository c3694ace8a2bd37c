"""kleaderboard precheck: the bot's check, in a real temporary git clone, from git alone."""

from __future__ import annotations

import copy
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kleaderboard.cli.main import main
from kleaderboard.errors import InputError
from kleaderboard.github.comments import CHECK_MARKER
from kleaderboard.github.precheck import changed_files, run_precheck
from tests.hub_server import RecordedHub, recorded_routes, serve

FULL: dict[str, Any] = yaml.safe_load(
    (Path(__file__).parent / "data" / "manifests" / "valid" / "full.yaml").read_text(encoding="utf-8")
)
COMMIT = "89abcdef0123456789abcdef0123456789abcdef"
LOG = "step,tokens_seen,loss\n0,0,11.8\n100,400000,7.2\n"
HUB_SAFE = "e1beb415935f09a6c7a85ec1c6b7b689afcc6a01"  # tests/data/hub/safe.json
HUB_PICKLE = "9b04146eb6498636e35ac16cadddd3708b4b51a4"  # tests/data/hub/pickle_only.json


def git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True, env=env
    ).stdout


def manifest(github: list[str], **originality: Any) -> str:
    data = copy.deepcopy(FULL)
    data["team"]["github"] = github
    data["originality"].update(originality)
    return yaml.safe_dump(data, allow_unicode=True)


def write(repo: Path, path: str, text: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text, encoding="utf-8")


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A leaderboard whose main holds v1 of example-lab's family; the team's branch adds v2."""
    repo = tmp_path / "leaderboard"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "README.md", "leaderboard\n")
    write(repo, "submissions/OWNERS.yaml", "maintainers: [boss]\n")
    v1 = "submissions/example-lab/example-7b-v1/"
    write(
        repo, v1 + "submission.yaml", manifest(["acme-dev"], lineage={"family": "Example", "version": "v1"})
    )
    write(repo, v1 + "loss_log.csv", LOG)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "team")
    return repo


def add_v2(repo: Path, **changes: Any) -> None:
    lineage = {
        "family": "Example",
        "version": "v2",
        "continued_from": {
            "submission": "example-lab/example-7b-v1",
            "revision": COMMIT,
            "how": "continued_pretraining",
        },
    }
    text = manifest(
        ["acme-dev"],
        weights_initialised_from_zero=False,
        lineage=lineage,
        components=[
            {
                "name": "language model",
                "origin": {"model": "example-lab/example-7b", "revision": COMMIT},
                "relation": "initialised_from",
            }
        ],
        **changes,
    )
    write(repo, "submissions/example-lab/example-7b-v2/submission.yaml", text)
    write(repo, "submissions/example-lab/example-7b-v2/loss_log.csv", LOG)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "v2")


def test_a_new_folder_in_the_teams_own_clone_is_new_and_theirs_and_passes(clone: Path) -> None:
    add_v2(clone)
    result = run_precheck(clone, "main", None, check_hub=False)
    assert result.report.problems == () and result.report.ok
    assert result.report.submission == "example-lab/example-7b-v2" and result.report.is_new
    assert result.report.author == "acme-dev"  # the manifest's first team.github account
    lines = result.comment.splitlines()
    assert lines[0] == CHECK_MARKER and lines[1] == "### ✅ 제출 검사 통과 · Submission check passed"
    assert "**example\\-lab/example\\-7b\\-v2** · 새 제출 new submission" in result.comment
    assert result.uncommitted == ()


def test_the_changed_files_and_their_modes_come_from_git(clone: Path) -> None:
    add_v2(clone)
    os.symlink("submission.yaml", clone / "submissions/example-lab/example-7b-v2/README.md")
    write(clone, "README.md", "changed\n")
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", "more")
    changes = {c.path: c for c in changed_files(clone, "main")}
    assert changes["submissions/example-lab/example-7b-v2/README.md"].mode == "120000"
    assert changes["submissions/example-lab/example-7b-v2/loss_log.csv"].mode == "100644"
    assert changes["submissions/example-lab/example-7b-v2/loss_log.csv"].size == len(LOG)
    assert changes["README.md"].status == "modified"
    problems = [str(p) for p in run_precheck(clone, "main", None, check_hub=False).report.problems]
    assert any("example-7b-v2/README.md" in p and "link" in p for p in problems), problems
    assert any(p.startswith("README.md:") for p in problems), problems


def test_another_teams_folder_is_refused_as_the_bot_would(clone: Path) -> None:
    write(clone, "submissions/example-lab/example-7b-v1/loss_log.csv", LOG + "200,800000,6.9\n")
    git(clone, "commit", "-qam", "touch v1")
    result = run_precheck(clone, "main", "stranger", check_hub=False)
    assert not result.report.ok
    assert any("stranger" in str(p) for p in result.report.problems)


def test_a_broken_lineage_is_reported_against_the_base_branch(clone: Path) -> None:
    add_v2(clone)
    text = (clone / "submissions/example-lab/example-7b-v2/submission.yaml").read_text()
    write(
        clone,
        "submissions/example-lab/example-7b-v2/submission.yaml",
        text.replace("example-7b-v1", "example-7b-v0"),
    )
    git(clone, "commit", "-qam", "wrong parent")
    problems = [str(p) for p in run_precheck(clone, "main", None, check_hub=False).report.problems]
    assert problems == [
        "submissions/example-lab/example-7b-v2/submission.yaml: "
        "originality.lineage.continued_from.submission: example-lab/example-7b-v0 is not a submission "
        "here — submit the earlier version first "
        "(submissions/example-lab/example-7b-v0/submission.yaml), or credit it as a component with relation "
        "initialised_from"
    ]


def test_uncommitted_work_is_named_because_a_pull_request_holds_commits(clone: Path, capsys) -> None:
    add_v2(clone)
    write(clone, "submissions/example-lab/example-7b-v2/loss_log.csv", "not committed\n")
    code = main(["precheck", "--repo", str(clone), "--base", "main", "--no-hub"])
    out = capsys.readouterr()
    assert code == 0 and out.out.startswith(CHECK_MARKER)
    assert (
        "not committed, so not checked: submissions/example-lab/example-7b-v2/loss_log.csv — commit it; "
        "a pull request holds commits only"
    ) in out.err
    assert "precheck against main: ok; Hub not checked (--no-hub)" in out.err


def test_no_base_branch_says_how_to_fetch_it(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "work")
    write(tmp_path, "x", "x")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "x")
    with pytest.raises(InputError) as info:
        run_precheck(tmp_path, None, None, check_hub=False)
    assert str(info.value) == (
        f"{tmp_path}: --base: no base branch found (tried upstream/main, origin/main, main) — add the "
        "leaderboard as a remote and fetch it: git remote add upstream <its URL> && git fetch upstream; "
        "or pass --base <ref>"
    )


# --- the four teams of issue 13, each from the docs alone ---------------------------------------

SAMPLES = Path(__file__).parent / "data" / "loss_sources"


def team_manifest(case: str) -> str:
    data = copy.deepcopy(FULL)
    data["team"]["github"] = ["acme-dev"]
    originality = data["originality"]
    if case == "from-zero-7b":
        originality["lineage"] = {"family": "Acme", "version": "v1"}
    elif case == "continued-open-model":  # continued pre-training of another team's open model
        originality["weights_initialised_from_zero"] = False
        originality["components"] = [
            {
                "name": "language model",
                "origin": {"model": "upstream-org/open-8b", "revision": COMMIT},
                "relation": "initialised_from",
            },
            {"name": "tokenizer", "origin": {"model": "upstream-org/open-8b"}, "relation": "extended_from"},
        ]
    elif case == "depth-up-scaled":  # the team's own v1, deepened
        originality["weights_initialised_from_zero"] = False
        originality["components"] = [
            {
                "name": "language model",
                "origin": {"model": "example-lab/example-7b", "revision": COMMIT},
                "relation": "initialised_from",
            }
        ]
        originality["innovations"] = [{"tag": "depth-up-scaling", "description": "48 layers from 32"}]
        originality["lineage"] = {
            "family": "Example",
            "version": "v1-dus",
            "continued_from": {
                "submission": "example-lab/example-7b-v1",
                "revision": COMMIT,
                "how": "depth_up_scaling",
            },
        }
    else:  # an MoE with MLA, parameters written as the docs allow
        data["model"]["parameters"] = {"total": "16B", "active": "2.4B"}
        originality["innovations"] = [{"tag": "moe"}, {"tag": "mla"}]
        data["training_data"] = {"languages": {"ko": 0.5, "en": 0.5}, "synthetic_share": 0.05}
    return yaml.safe_dump(data, allow_unicode=True)


@pytest.mark.parametrize("case", ["from-zero-7b", "continued-open-model", "depth-up-scaled", "moe-mla"])
def test_each_team_reaches_a_green_precheck(clone: Path, case: str, capsys) -> None:
    folder = clone / "submissions" / "example-lab" / case
    assert (
        main(
            [
                "new",
                f"example-lab/{case}",
                "--hub-repo",
                f"example-lab/{case}",
                "--revision",
                COMMIT,
                "--team",
                "Acme",
                "--contact",
                "a@example.org",
                "--params-total",
                "7B",
                "--from-zero",
                "--submissions-dir",
                str(clone / "submissions"),
            ]
        )
        == 0
    )
    (folder / "submission.yaml").write_text(team_manifest(case), encoding="utf-8")
    assert (
        main(
            [
                "import-loss-log",
                str(SAMPLES / "megatron.log"),
                "--format",
                "megatron",
                "--seq-len",
                "4096",
                "--out",
                str(folder / "loss_log.csv"),
            ]
        )
        == 0
    )
    git(clone, "add", "-A")
    git(clone, "commit", "-qm", case)
    capsys.readouterr()
    assert main(["precheck", "--repo", str(clone), "--base", "main", "--no-hub"]) == 0
    out = capsys.readouterr()
    assert "### ✅ 제출 검사 통과 · Submission check passed" in out.out, out.out
    assert "precheck against main: ok" in out.err


# --- the Hub part of the pre-check, against the recorded Hub on 127.0.0.1 -----------------------


@pytest.fixture
def recorded_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[RecordedHub]:
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # the stand-in only
    for hub in serve(RecordedHub(recorded_routes(("safe", "pickle_only")))):
        monkeypatch.setenv("HF_ENDPOINT", hub.url)
        yield hub


def add_hub_submission(repo: Path, hub_repo: str, commit: str, total: int, license: str) -> None:
    data = copy.deepcopy(FULL)
    data["team"]["github"] = ["acme-dev"]
    data["model"].update(hub_repo=hub_repo, revision=commit, parameters={"total": total})
    data["license"] = license
    folder = "submissions/example-lab/example-7b-hub/"
    write(repo, folder + "submission.yaml", yaml.safe_dump(data, allow_unicode=True))
    write(repo, folder + "loss_log.csv", LOG)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "hub submission")


def test_the_precheck_asks_the_hub_as_the_bot_does(clone: Path, recorded_hub: RecordedHub) -> None:
    add_hub_submission(clone, "hanbit-ai/hanbit-7b", HUB_SAFE, 7_241_732_096, "Apache-2.0")
    result = run_precheck(clone, "main", None)
    assert result.report.ok, result.report.problems
    assert result.report.hub is not None and result.report.hub.commit == HUB_SAFE
    assert any(seen.path.startswith("/api/models/hanbit-ai/hanbit-7b/") for seen in recorded_hub.seen)


def test_the_precheck_refuses_pickle_weights_on_the_hub(clone: Path, recorded_hub: RecordedHub) -> None:
    add_hub_submission(clone, "gukmin-lab/gm-1b-pt", HUB_PICKLE, 1_000_000_000, "MIT")
    result = run_precheck(clone, "main", None)
    assert not result.report.ok
    problems = [str(p) for p in result.report.problems]
    assert any("weights only in pickle files" in p for p in problems), problems
    assert "pickle" in result.comment
