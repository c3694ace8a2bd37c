"""The workflows replayed as a runner would run them (tests/replay.py), against stand-ins on 127.0.0.1.

The GitHub REST API is tests/fake_github.py, the Hub is a recorded or a serving stand-in;
the commands come from .github/workflows/ itself.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.fake_github import FakeGitHub, serve
from tests.hub_server import RecordedHub, recorded_routes
from tests.pr_fixtures import SUB, good_pull, manifest_bytes
from tests.replay import Replay, _Parser, load_workflow

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
    (root / "submissions" / "OWNERS.yaml").write_text(OWNERS + f'bots: ["{BOT}"]\n', encoding="utf-8")
    return root


def pull_event(gh: FakeGitHub, number: int) -> dict[str, Any]:
    """The event as GitHub froze it when the run started (later pushes do not change it)."""
    pull = copy.deepcopy(gh.pulls[number])
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
    # A runner is online: the test session's *_OFFLINE settings do not apply, and every Hub
    # request goes to the stand-in (HF_ENDPOINT), every GitHub request to the fake.
    env = {k: v for k, v in os.environ.items() if not k.endswith("_OFFLINE")}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env.update(GITHUB_API_URL=gh.url, HF_ENDPOINT=hub_url)
    env.pop("HF_TOKEN", None)
    return env


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
        ("vars.MISSING != ''", False),  # null and '' both coerce to 0
        ("vars.MISSING == 0", True),
        ("'true' == true", False),  # 'true' is NaN as a number
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
    head = good_pull(gh)
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


# --- a submission from pull request to published row, as the workflows run it --------------------

ROOT = Path(__file__).resolve().parent.parent
TINY_REPO = "tiny-lab/Tiny-1"
TINY_COMMIT = "5eed0123456789abcdef0123456789abcdef0123"
TINY_SUB = "submissions/tiny-lab/tiny-1"
TINY_AUTHOR = "tiny-lab-dev"
BOT = "kleaderboard-bot[bot]"  # the GitHub App that opens records pull requests


def tiny_manifest(parameters: int) -> bytes:
    return f"""\
schema_version: 1
team: {{name: Tiny Lab, contact: https://example.org/tiny, github: [{TINY_AUTHOR}]}}
model:
  name: Tiny-1
  hub_repo: {TINY_REPO}
  revision: {TINY_COMMIT}
  precision: float32
  parameters: {{total: {parameters}}}
  architecture: 1-layer Llama, trained from zero for the pipeline tests
license: MIT
originality:
  weights_initialised_from_zero: true
  components: [{{name: language model, origin: own, relation: trained_from_zero}}]
""".encode()


def checkout(tmp_path: Path, suite: str) -> Path:
    """The base branch as actions/checkout leaves it: the scripts, the site sources, the submissions."""
    import shutil

    root = tmp_path / "checkout"
    shutil.copytree(ROOT / ".ci", root / ".ci")
    shutil.copytree(ROOT / "site_src", root / "site_src")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "suites: [ko-global-v2, ko-global-v1]" in config
    (root / "mkdocs.yml").write_text(
        config.replace("suites: [ko-global-v2, ko-global-v1]", f"suites: [{suite}]"), encoding="utf-8"
    )
    (root / "submissions").mkdir()
    (root / "submissions" / "OWNERS.yaml").write_text(OWNERS + f'bots: ["{BOT}"]\n', encoding="utf-8")
    return root


def merge(gh: FakeGitHub, files: dict[str, bytes], workdir: Path) -> str:
    """A maintainer merges: the files land on main, in the checkout and in GitHub's store."""
    for path, content in files.items():
        (workdir / path).parent.mkdir(parents=True, exist_ok=True)
        (workdir / path).write_bytes(content)
    head = gh.store.commit(files, parents=(gh.refs["heads/main"],), message="merge")
    gh.refs["heads/main"] = head
    return head


def proposed_files(gh: FakeGitHub, proposal: dict[str, Any]) -> dict[str, bytes]:
    commit = gh.store.commits[gh.refs[f"heads/{proposal['head']}"]]
    return {path: content for path, (content, _mode) in gh.store.flat[commit["tree"]].items()}


def proposed_provenance(gh: FakeGitHub, proposal: dict[str, Any], record: dict[str, Any]) -> dict[str, bytes]:
    """The provenance record from the same snapshot, in the same records pull request, as checked."""
    evidence = {p: c for p, c in proposed_files(gh, proposal).items() if "/provenance/" in p}
    [(path, text)] = evidence.items()
    assert path.startswith(f"{TINY_SUB}/provenance/") and path.endswith(".json")
    provenance = __import__("json").loads(text)
    assert (provenance["model_source"], provenance["model_revision"]) == (TINY_REPO, TINY_COMMIT)
    assert provenance["manifest_sha256"] == record["manifest_sha256"]
    assert provenance["record_id"].replace("-", "\\-") in proposal["body"]
    return evidence


# The steps that read the verified snapshot: the evaluation, and the provenance evidence from the
# same files, checked like a run record by the report job.
SNAPSHOT_STEPS = (
    ("evaluate", "Evaluate from the snapshot, with no network at all"),
    ("evaluate", "Provenance evidence from the verified snapshot"),
    ("report", "Check the provenance record against its schema, like a run record"),
)


@pytest.mark.slow
def test_a_submission_goes_from_pull_request_to_a_published_row(
    gh: FakeGitHub, tiny_model: Path, tmp_path: Path
) -> None:
    from tests.hub_repo_server import serving

    workdir = checkout(tmp_path, suite="demo")
    gh.refs["heads/main"] = gh.store.commit({"README.md": b"kleaderboard\n"})
    with serving(TINY_REPO, TINY_COMMIT, tiny_model) as hub:
        parameters = hub.info()["safetensors"]["total"]
        files = {f"{TINY_SUB}/submission.yaml": tiny_manifest(parameters)}
        head = gh.store.commit(files, parents=(gh.refs["heads/main"],))
        gh.add_pull(7, TINY_AUTHOR, head, [{"filename": p} for p in files])
        env = runner_env(gh, hub.url)

        # 1. The check on the pull request.
        replay = Replay(
            workdir,
            tmp_path / "runner",
            pull_event(gh, 7),
            env,
            vars={"EVAL_DEVICE": "cpu", "BOT_APP_CLIENT_ID": "Iv1.kleaderboard"},
            secrets={"BOT_APP_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY----- (test)"},
        )
        check = replay.run("check.yml")["check"]
        assert check.result == "success", check.log()
        assert gh.statuses[-2]["state"] == "success" and gh.statuses[-2]["context"] == "kleaderboard/check"

        # 2. Approval, evaluation from the verified snapshot with no network, the scores comment,
        #    and the records pull request.
        jobs = replay.run("evaluate.yml")
        for job in ("plan", "evaluate", "report", "propose"):
            assert jobs[job].result == "success", f"{job}:\n{jobs[job].log()}"
        assert [jobs[job].step(step).outcome for job, step in SNAPSHOT_STEPS] == ["success"] * 3
        app = "A token of the records App (workflows, so the required checks, run on its pull requests)"
        assert jobs["propose"].step(app).outcome == "success"
        snapshot_requests = [r for r in hub.requests if "/resolve/" in r]
        assert any(r.endswith("/model.safetensors") for r in snapshot_requests)
    from kleaderboard.github.comments import SCORES_MARKER

    [scores] = [c["body"] for c in gh.comments[7] if c["body"].startswith(SCORES_MARKER)]
    assert "demo\\_ko\\_facts" in scores, scores  # task names are Markdown-escaped
    assert [s["state"] for s in gh.statuses if s["context"] == "kleaderboard/evaluation"][-1] == "success"
    [proposal] = gh.opened
    records = {p: c for p, c in proposed_files(gh, proposal).items() if "/runs/" in p}
    assert len(records) == 1 and next(iter(records)).startswith(f"{TINY_SUB}/runs/")
    record = __import__("json").loads(next(iter(records.values())))
    assert record["status"] == "succeeded"
    assert (record["model"]["source"], record["model"]["revision"]) == (TINY_REPO, TINY_COMMIT)
    assert "model.safetensors" in record["model"]["file_hashes"]
    records |= proposed_provenance(gh, proposal, record)

    # 3. The team's pull request is merged; the bot's records pull request passes its own check
    #    (required checks run on it: the App's token opened it) and is merged.
    merge(gh, files, workdir)
    gh.add_pull(
        proposal["number"], BOT, gh.refs[f"heads/{proposal['head']}"], [{"filename": p} for p in records]
    )
    gh.pulls[proposal["number"]]["head"].update(ref=proposal["head"], repo=gh.repository(gh.repo, fork=False))
    bot_check = Replay(workdir, tmp_path / "bot-runner", pull_event(gh, proposal["number"]), env).run(
        "check.yml"
    )
    assert bot_check["check"].result == "success", bot_check["check"].log()
    final = {
        s["context"]: s["state"]
        for s in gh.statuses
        if s["sha"] == gh.pulls[proposal["number"]]["head"]["sha"]
    }
    assert final == {"kleaderboard/check": "success", "kleaderboard/scope": "success"}
    merge(gh, records, workdir)

    # 4. The site is built and deployed with the model's row.
    publish = Replay(workdir, tmp_path / "publish-runner", pull_event(gh, 7), env).run("publish.yml")
    assert publish["build"].result == "success", publish["build"].log()
    assert publish["deploy"].result == "success"
    index = (tmp_path / "publish-runner" / "pages" / "index.html").read_text(encoding="utf-8")
    assert "Tiny-1" in index and "Tiny Lab" in index
    import re

    row = re.search(r'<tr data-model="tiny-lab/tiny-1".*?</tr>', index, flags=re.S)
    assert row, "no leaderboard row for tiny-lab/tiny-1"
    overall = re.search(r'class="kl-num kl-overall" data-sort="([^"]*)"', row.group(0))
    assert overall and overall.group(1) not in ("", "None"), row.group(0)  # a measured overall index


def dispatch_event(gh: FakeGitHub) -> dict[str, Any]:
    return {
        "repository": gh.repo,
        "token": gh.token,
        "server_url": "https://github.com",
        "run_id": "4343",
        "event_name": "workflow_dispatch",
        "ref_name": "main",
        "event": {"repository": {"full_name": gh.repo, "default_branch": "main"}},
    }


def git_checkout(workdir: Path) -> None:
    """The rerun jobs tell new records from committed ones with git: the checkout is a repository."""
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=workdir, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "main")


@pytest.mark.slow
def test_a_maintainers_rerun_proposes_only_new_records_and_honours_force(
    gh: FakeGitHub, tiny_model: Path, tmp_path: Path
) -> None:
    from tests.hub_repo_server import serving

    workdir = checkout(tmp_path, suite="demo")
    gh.refs["heads/main"] = gh.store.commit({"README.md": b"kleaderboard\n"})
    with serving(TINY_REPO, TINY_COMMIT, tiny_model) as hub:
        files = {f"{TINY_SUB}/submission.yaml": tiny_manifest(hub.info()["safetensors"]["total"])}
        merge(gh, files, workdir)
        git_checkout(workdir)
        env = runner_env(gh, hub.url)

        def rerun(force: bool, name: str) -> dict[str, Any]:
            inputs = {"submissions": "all", "suite": "", "force": force}
            replay = Replay(workdir, tmp_path / name, dispatch_event(gh), env, {"EVAL_DEVICE": "cpu"}, inputs)
            return replay.run("rerun.yml")

        first = rerun(False, "first")
        assert first["propose"].result == "success", first["evaluate"].log() + first["propose"].log()
        [proposal] = gh.opened
        records = {p: c for p, c in proposed_files(gh, proposal).items() if "/runs/" in p}
        assert len(records) == 1
        merge(gh, records, workdir)
        git_checkout_commit(workdir)

        unchanged = rerun(False, "unchanged")  # a record for this manifest and suite exists
        assert unchanged["plan"].outputs["count"] == "0"
        assert unchanged["evaluate"].result == "skipped" and len(gh.opened) == 1

        # The suite changed since the merged record (here: the record says an older version):
        # a plain re-run now evaluates again and proposes the new record.
        [merged] = records
        older = json.loads((workdir / merged).read_text(encoding="utf-8"))
        (workdir / merged).write_text(json.dumps({**older, "suite_version": 0}), encoding="utf-8")
        git_checkout_commit(workdir)
        bumped = rerun(False, "bumped")
        assert bumped["plan"].outputs["count"] == "1", bumped["plan"].log()
        assert bumped["propose"].result == "success", bumped["evaluate"].log() + bumped["propose"].log()
        assert len(gh.opened) == 2
        (workdir / merged).write_text(json.dumps(older), encoding="utf-8")
        git_checkout_commit(workdir)

        forced = rerun(True, "forced")  # force reaches `evaluate --force`: a new run, a new proposal
        assert forced["propose"].result == "success", forced["evaluate"].log() + forced["propose"].log()
        assert len(gh.opened) == 3
        again = {p for p in proposed_files(gh, gh.opened[2]) if "/runs/" in p}
        assert len(again - set(records)) == 1, "the forced run's record is new; the merged one is not re-sent"


def git_checkout_commit(workdir: Path) -> None:
    import subprocess

    subprocess.run(["git", "add", "-A"], cwd=workdir, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q", "-m", "merge"],
        cwd=workdir,
        check=True,
    )


# --- hostile and odd pull requests, replayed ----------------------------------------------------


def test_a_pull_request_against_another_branch_fails_before_anything_runs(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    good_pull(gh)
    gh.pulls[7]["base"]["ref"] = "kleaderboard-bot/old"
    replay = Replay(base, tmp_path / "runner", pull_event(gh, 7), runner_env(gh, hub.url))
    for workflow, job in (("check.yml", "check"), ("evaluate.yml", "plan")):
        result = replay.run(workflow)[job]
        assert result.result == "failure"
        assert result.steps[0].outcome == "failure"
        assert "targets 'kleaderboard-bot/old'; submissions go to 'main'" in result.steps[0].log
        assert all(s.outcome == "skipped" for s in result.steps[1:])
    assert not gh.statuses and 7 not in gh.comments


def test_retargeting_a_pull_request_runs_the_check_again() -> None:
    on = load_workflow("check.yml")["on"]["pull_request_target"]["types"]
    assert "edited" in on


def test_a_code_pull_request_gets_a_green_scope_and_never_a_green_check(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    base_sha = gh.store.commit({"README.md": b"x\n"})
    gh.refs["heads/main"] = base_sha
    head = gh.store.commit({"README.md": b"y\n"}, parents=(base_sha,))
    gh.add_pull(7, "alice", head, [{"filename": "README.md"}])
    replay = Replay(base, tmp_path / "runner", pull_event(gh, 7), runner_env(gh, hub.url))
    replay.run("check.yml")
    final = {s["context"]: s["state"] for s in gh.statuses}
    assert final == {"kleaderboard/check": "error", "kleaderboard/scope": "success"}
    evaluate = replay.run("evaluate.yml")
    assert evaluate["plan"].outputs["ok"] == "false"
    assert evaluate["evaluate"].result == "skipped"


def test_a_push_after_approval_is_not_evaluated(
    gh: FakeGitHub, hub: RecordedHub, base: Path, tmp_path: Path
) -> None:
    """The plan job passed at head A; while the run waited for approval the team pushed B."""
    approved = good_pull(gh)
    replay = Replay(base, tmp_path / "runner", pull_event(gh, 7), runner_env(gh, hub.url))
    before = replay.run("evaluate.yml", only={"plan"})
    assert before["plan"].outputs["ok"] == "true", before["plan"].log()
    pushed = gh.store.commit({"README.md": b"changed after approval\n"}, parents=(approved,))
    gh.pulls[7]["head"]["sha"] = pushed  # the event (and the approval) still name the approved head
    after = replay.run("evaluate.yml", given={"plan": before["plan"]})
    stage = after["evaluate"].step("Fetch the submission at the approved commit (as data)")
    assert f"moved on to {pushed}" in stage.log, stage.log
    assert after["evaluate"].step("Evaluate from the snapshot, with no network at all").outcome == "skipped"
    assert after["report"].result == "skipped" and not gh.opened
