"""The workflows replayed as a runner would run them (tests/replay.py), against stand-ins on 127.0.0.1.

The GitHub REST API is tests/fake_github.py, the Hub is a recorded or a serving stand-in;
the commands come from .github/workflows/ itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fake_github import FakeGitHub, serve
from tests.hub_server import RecordedHub, recorded_routes
from tests.pr_fixtures import LOSS_LOG, manifest_bytes
from tests.replay import Replay, _Parser, load_workflow

SUB = "submissions/hanbit-ai/hanbit-7b"
OWNERS = "maintainers: [alice]\nsubmissions: {}\n"


@pytest.fixture
def gh() -> Iterator[FakeGitHub]:
    yield from serve(FakeGitHub())


@pytest.fixture
def hub() -> Iterator[RecordedHub]:
    yield from serve(RecordedHub(recorded_routes(("safe",))))


@pytest.fixture
def base(tmp_path: Path) -> Path:
    """The base branch as actions/checkout leaves it: the files the jobs read."""
    root = tmp_path / "base"
    (root / "submissions").mkdir(parents=True)
    (root / "submissions" / "OWNERS.yaml").write_text(OWNERS, encoding="utf-8")
    return root


def pull_event(gh: FakeGitHub, number: int) -> dict[str, Any]:
    pull = gh.pulls[number]
    return {
        "repository": gh.repo,
        "token": gh.token,
        "server_url": "https://github.com",
        "run_id": "4242",
        "event_name": "pull_request_target",
        "ref_name": "main",
        "event": {
            "action": "opened",
            "pull_request": pull,
            "repository": {"full_name": gh.repo, "default_branch": "main"},
        },
    }


def runner_env(gh: FakeGitHub, hub_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(GITHUB_API_URL=gh.url, HF_ENDPOINT=hub_url)
    env.pop("HF_TOKEN", None)
    return env


def open_good_pull(gh: FakeGitHub, number: int = 7, **manifest: object) -> str:
    base_sha = gh.store.commit({"README.md": b"kleaderboard\n"})
    gh.refs["heads/main"] = base_sha
    files = {
        f"{SUB}/submission.yaml": manifest_bytes(**manifest),
        f"{SUB}/loss_log.csv": LOSS_LOG.encode(),
    }
    head = gh.store.commit({"README.md": b"kleaderboard\n", **files}, parents=(base_sha,))
    gh.add_pull(number, "hanbit-dev", head, [{"filename": p} for p in files])
    return head


# --- the expression evaluator is GitHub's, for the parts the workflows use -------------------


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("needs.plan.outputs.ok == 'true'", True),
        ("needs.plan.outputs.ok == 'TRUE'", True),  # string comparison ignores case
        ("!cancelled() && needs.plan.outputs.count != '0'", True),
        ("vars.MISSING || 'kleaderboard-gpu'", "kleaderboard-gpu"),
        ('fromJSON(\'["a/b", "c/d"]\')', ["a/b", "c/d"]),
        ("format('{0}-{1}', 'a', 3)", "a-3"),
        ("needs.plan.result == 'success' && steps.x.outputs.y", None),
    ],
)
def test_expressions(expression: str, expected: Any) -> None:
    contexts = {"needs": {"plan": {"result": "success", "outputs": {"ok": "true", "count": "2"}}}, "vars": {}}
    functions = {"cancelled": lambda: False, "fromJSON": __import__("json").loads}
    functions["format"] = lambda t, *a: t.replace("{0}", str(a[0])).replace("{1}", str(a[1]))
    assert _Parser(expression, contexts, functions).parse() == expected


def test_every_workflow_uses_only_actions_the_replay_knows() -> None:
    from tests.replay import EFFECTS, WORKFLOWS

    for path in WORKFLOWS.glob("*.yml"):
        for job in load_workflow(path.name)["jobs"].values():
            for step in job.get("steps", []):
                if "uses" in step:
                    assert step["uses"].split("@")[0] in EFFECTS, f"{path.name}: {step['uses']}"


# --- check.yml -----------------------------------------------------------------------------------


def test_check_workflow_passes_a_good_submission(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    head = open_good_pull(gh)
    replay = Replay(base, tmp_path / "runner", pull_event(gh, 7), runner_env(gh, hub.url))
    jobs = replay.run("check.yml")
    assert jobs["check"].result == "success", jobs["check"].log()
    statuses = [s for s in gh.statuses if s["sha"] == head]
    assert [s["state"] for s in statuses if s["context"] == "kleaderboard/check"] == ["pending", "success"]
    assert len(gh.comments[7]) == 1


def test_check_workflow_fails_a_pull_request_touching_runs(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    base_sha = gh.store.commit({"README.md": b"x\n"})
    gh.refs["heads/main"] = base_sha
    files = {
        f"{SUB}/submission.yaml": manifest_bytes(),
        f"{SUB}/runs/forged.json": b"{}",
    }
    head = gh.store.commit({"README.md": b"x\n", **files}, parents=(base_sha,))
    gh.add_pull(7, "hanbit-dev", head, [{"filename": p} for p in files])
    replay = Replay(base, tmp_path / "runner", pull_event(gh, 7), runner_env(gh, hub.url))
    jobs = replay.run("check.yml")
    states = [s["state"] for s in gh.statuses if s["context"] == "kleaderboard/check"]
    assert states and states[-1] == "failure", jobs["check"].log()
    assert "runs/" in gh.comments[7][-1]["body"]
