"""The GitHub Actions workflows: pinned actions, minimal permissions, no injection, no pwn request.

actionlint and zizmor run in ``make lint``; these tests hold the project's own rules,
which hold for every workflow file, present and future.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from kleaderboard.cli.main import COMMANDS

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
PINNED = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}")
UNTRUSTED_IN_SCRIPT = re.compile(r"\$\{\{\s*(github\.event|inputs|github\.head_ref)\b")
EXPRESSION = re.compile(r"\$\{\{")
PRIVILEGED_TRIGGERS = {"pull_request_target", "workflow_run"}
EXPECTED = {"check", "ci", "evaluate", "publish", "rerun"}


def load(path: Path) -> dict[str, Any]:
    workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
    if True in workflow:  # YAML 1.1 reads the key `on` as the boolean true
        workflow["on"] = workflow.pop(True)
    return workflow


def steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [(name, step) for name, job in workflow["jobs"].items() for step in job.get("steps", [])]


def triggers(workflow: dict[str, Any]) -> set[str]:
    on = workflow["on"]
    return {on} if isinstance(on, str) else set(on)


def ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_every_workflow_of_the_design_exists() -> None:
    assert {p.stem for p in WORKFLOWS} >= EXPECTED


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_every_action_is_pinned_to_a_full_commit(path: Path) -> None:
    for job, step in steps(load(path)):
        uses = step.get("uses")
        if uses is None or uses.startswith("./"):
            continue
        assert PINNED.fullmatch(uses), f"{path.name}: job {job}: {uses!r} is not pinned to a 40-hex commit"
    for job, spec in load(path)["jobs"].items():
        uses = spec.get("uses")  # a reusable workflow
        assert uses is None or uses.startswith("./") or PINNED.fullmatch(uses), f"{path.name}: {job}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_every_pin_names_its_tag(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if re.search(r"uses: [^.].*@[0-9a-f]{40}", line):
            assert re.search(r"@[0-9a-f]{40} # v\d+(\.\d+)*$", line), line


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_no_event_field_or_input_is_interpolated_into_a_script(path: Path) -> None:
    for job, step in steps(load(path)):
        script = step.get("run")
        if script is None:
            continue
        assert not UNTRUSTED_IN_SCRIPT.search(script), f"{path.name}: job {job}: pass it through env"
        assert not EXPRESSION.search(script), f"{path.name}: job {job}: no ${{{{ }}}} in run:, use env"


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_permissions_are_empty_at_the_top_and_set_per_job(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("permissions") == {}, f"{path.name}: top-level permissions: {{}}"
    for job, spec in workflow["jobs"].items():
        assert "permissions" in spec, f"{path.name}: job {job} has no permissions:"
        assert "write-all" not in str(spec["permissions"])


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_checkouts_never_persist_credentials(path: Path) -> None:
    for job, step in steps(load(path)):
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert (step.get("with") or {}).get("persist-credentials") is False, f"{path.name}: job {job}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_privileged_workflows_never_check_out_pull_request_code(path: Path) -> None:
    workflow = load(path)
    if not triggers(workflow) & PRIVILEGED_TRIGGERS:
        return
    text = path.read_text(encoding="utf-8")
    for job, step in steps(workflow):
        options = step.get("with") or {}
        if str(step.get("uses", "")).startswith("actions/checkout@"):
            assert set(options) <= {"persist-credentials"}, f"{path.name}: job {job} checks out {options}"
        assert "allow-unsafe-pr-checkout" not in options
    assert not re.search(r"pull_request\.head\.(ref|repo)|head_ref|refs/pull/", text), path.name
    for job, spec in workflow["jobs"].items():
        assert "secrets" not in str(spec.get("env", {})) + str(spec.get("steps", [])), f"{path.name}: {job}"


def test_the_gpu_job_waits_for_approval_and_holds_no_write_permission() -> None:
    workflow = load(ROOT / ".github/workflows/evaluate.yml")
    gpu = workflow["jobs"]["evaluate"]
    assert gpu["environment"] == "gpu-evaluation"
    assert "self-hosted" in gpu["runs-on"]
    assert all(level == "read" for level in gpu["permissions"].values())
    assert workflow["concurrency"]["cancel-in-progress"] is True
    writers = {job for job, spec in workflow["jobs"].items() if "write" in spec["permissions"].values()}
    assert writers == {"report", "propose"}
    for job in writers:
        assert "ubuntu" in workflow["jobs"][job]["runs-on"]


def test_the_gpu_runner_label_comes_from_a_repository_variable() -> None:
    for name in ("evaluate", "rerun"):
        workflow = load(ROOT / f".github/workflows/{name}.yml")
        labels = workflow["jobs"]["evaluate"]["runs-on"]
        assert "${{ vars.GPU_RUNNER_LABEL || 'kleaderboard-gpu' }}" in labels


def test_the_rerun_inputs_reach_the_shell_through_env_only() -> None:
    workflow = load(ROOT / ".github/workflows/rerun.yml")
    assert set(workflow["on"]["workflow_dispatch"]["inputs"]) == {"submissions", "suite", "force"}
    plan = workflow["jobs"]["plan"]["steps"][-1]
    assert plan["env"]["SELECTION"] == "${{ inputs.submissions }}"
    assert '"$SELECTION"' in plan["run"]


def test_every_command_a_workflow_runs_is_one_the_library_has() -> None:
    used = set()
    for path in WORKFLOWS:
        for _, step in steps(load(path)):
            used |= set(re.findall(r"\bkleaderboard ([a-z-]+)", step.get("run", "")))
    assert used, "no workflow runs kleaderboard"
    assert used <= set(COMMANDS), f"unknown or old command names: {used - set(COMMANDS)}"


@pytest.mark.skipif(
    shutil.which("zizmor") is None and not (ROOT / ".venv/bin/zizmor").exists(), reason="no zizmor"
)
def test_zizmor_reports_nothing_offline() -> None:
    zizmor = shutil.which("zizmor") or str(ROOT / ".venv/bin/zizmor")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(ROOT / ".github/workflows")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
