"""The GitHub Actions workflows: pinned actions, minimal permissions, no injection, no pwn request.

actionlint and zizmor run in ``make lint``; these tests hold the project's own rules,
which hold for every workflow file, present and future.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from kleaderboard.cli.main import COMMANDS
from tests.pr_fixtures import TINY_LOCAL_MANIFEST

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
        assert "secrets" not in str(spec.get("env", {})), f"{path.name}: {job}"
        for step in spec.get("steps", []):
            if "secrets" not in str(step):
                continue
            # The one secret: the records App's key, in its own environment, given only to the
            # pinned token action (never to a script, never in env).
            assert spec.get("environment") == "records-bot", f"{path.name}: {job}"
            action = str(step.get("uses", ""))
            assert action.startswith("actions/create-github-app-token@"), f"{path.name}: {job}"
            assert "secrets" not in str(step.get("env", {})) + str(step.get("run", "")), f"{path.name}: {job}"


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
    assert set(workflow["on"]["workflow_dispatch"]["inputs"]) == {
        "submissions",
        "suite",
        "force",
        "contamination",
    }
    evaluate = next(s for _, s in steps(workflow) if "CONTAMINATION" in s.get("env", {}))
    assert evaluate["env"]["CONTAMINATION"] == "${{ inputs.contamination }}"
    assert (
        '"$CONTAMINATION" == "true"' in evaluate["run"] and "--contamination --backend hf" in evaluate["run"]
    )
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


def test_zizmor_reports_nothing_offline() -> None:
    # zizmor comes with the test extra, beside the Python that runs the tests: missing, it fails.
    zizmor = shutil.which("zizmor") or str(Path(sys.executable).parent / "zizmor")
    done = subprocess.run(
        [zizmor, "--offline", "--no-progress", str(ROOT / ".github/workflows")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


# --- install, suite, re-run and parallelism: each step's own script, run as a runner would --


def step_named(workflow: str, job: str, prefix: str) -> dict[str, Any]:
    found = [
        s
        for s in load(ROOT / f".github/workflows/{workflow}.yml")["jobs"][job]["steps"]
        if s.get("name", "").startswith(prefix)
    ]
    assert len(found) == 1, f"{workflow}.yml: job {job}: one step named {prefix!r}"
    return found[0]


def run_step(step: dict[str, Any], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The step's `run:` as GitHub runs `shell: bash` (bash --noprofile --norc -eo pipefail)."""
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=cwd,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        check=False,
    )


def stub(bin_dir: Path, name: str, script: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / name
    path.write_text(f"#!/usr/bin/env bash\n{script}\n", encoding="utf-8")
    path.chmod(0o755)


def gpu_jobs() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path.stem, job, spec)
        for path in WORKFLOWS
        for job, spec in load(path)["jobs"].items()
        if "self-hosted" in spec.get("runs-on", [])
    ]


def test_there_are_gpu_jobs_in_evaluate_and_rerun() -> None:
    assert {(name, job) for name, job, _ in gpu_jobs()} == {("evaluate", "evaluate"), ("rerun", "evaluate")}


@pytest.mark.parametrize("path", WORKFLOWS, ids=ids(WORKFLOWS))
def test_every_install_is_from_a_hashed_lock(path: Path) -> None:
    for job, step in steps(load(path)):
        for line in step.get("run", "").splitlines():
            if "pip install" not in line:
                continue
            assert "--require-hashes -r requirements/" in line or "--no-deps ." in line, f"{path.name}: {job}"


@pytest.mark.parametrize(
    ("workflow", "job", "spec"), gpu_jobs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_gpu_jobs_install_the_gpu_extra_with_vllm_from_its_lock(workflow: str, job: str, spec: Any) -> None:
    scripts = "\n".join(step.get("run", "") for step in spec["steps"])
    assert "pip install --quiet --require-hashes -r requirements/gpu.txt" in scripts, workflow
    assert "[eval]" not in scripts


def lock_pins(name: str) -> dict[str, str]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, flags=re.MULTILINE))


def test_the_locks_pin_vllm_for_the_gpu_and_torchs_cpu_build_for_the_tests() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    vllm = re.search(r'"vllm==([^"]+)"', pyproject)
    assert vllm and lock_pins("gpu.txt")["vllm"] == vllm.group(1)
    assert lock_pins("gpu.txt")["lm-eval"] == lock_pins("cpu-test.txt")["lm-eval"] == "0.4.13"
    assert lock_pins("cpu-test.txt")["torch"] == "2.13.0+cpu"
    assert "vllm" not in lock_pins("cpu-test.txt")


@pytest.mark.parametrize("name", ["base.txt", "cpu-test.txt", "gpu.txt", "uv.txt"])
def test_every_locked_requirement_carries_its_hashes(name: str) -> None:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert entries
    for entry in entries:
        assert re.match(r"[A-Za-z0-9_.-]+==\S+ \\\n", entry) and "--hash=sha256:" in entry, entry[:80]


def test_the_suite_is_named_once_in_mkdocs_yml() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    suite = re.search(r"^      suites: \[([^,\]]+)", config, flags=re.MULTILINE)  # the first: the main board
    assert suite, "mkdocs.yml: plugins: kleaderboard: suites"
    published = subprocess.run(
        [str(ROOT / ".ci/published-suite")], capture_output=True, text=True, check=True
    )
    assert published.stdout.strip() == suite.group(1)
    for path in WORKFLOWS:
        assert suite.group(1) not in path.read_text(encoding="utf-8"), path.name


def test_an_empty_rerun_suite_input_means_the_published_suite(tmp_path: Path) -> None:
    step = step_named("rerun", "plan", "Choose the suite")
    for given, expected in (("", "ko-global-v2"), ("demo", "demo")):
        output = tmp_path / f"output-{given}"
        done = run_step(step, {"SUITE": given, "GITHUB_OUTPUT": str(output)}, ROOT)
        assert done.returncode == 0, done.stderr
        assert output.read_text(encoding="utf-8") == f"suite={expected}\n"


@pytest.mark.parametrize(("force", "expected"), [("true", True), ("false", False)])
def test_force_in_the_rerun_form_reaches_evaluate(tmp_path: Path, force: str, expected: bool) -> None:
    stub(tmp_path / "bin", "kleaderboard", f'printf "%s\\n" "$@" > {tmp_path}/args')
    env = {
        "SUBMISSION": "org/model",
        "SUITE": "ko-global-v1",
        "FORCE": force,
        "TENSOR_PARALLEL": "2",
        "PIPELINE_PARALLEL": "1",
    }
    os_path = f"{tmp_path / 'bin'}:{os.environ['PATH']}"
    done = subprocess.run(
        ["bash", "-eo", "pipefail", "-c", step_named("rerun", "evaluate", "Evaluate")["run"]],
        env={**env, "PATH": os_path},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    args = (tmp_path / "args").read_text(encoding="utf-8").split("\n")
    assert args[:3] == ["evaluate", "submissions/org/model", "--suite"]
    assert ("--force" in args) is expected
    assert args[args.index("--tensor-parallel") + 1] == "2"


def test_rerun_uploads_only_the_records_not_already_on_the_branch(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    runs = repo / "submissions" / "org" / "model" / "runs"
    runs.mkdir(parents=True)
    (runs / "old.json").write_text("{}", encoding="utf-8")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "-C", str(repo)]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-qm", "old record"], check=True)
    (runs / "new.json").write_text("{}", encoding="utf-8")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    step = step_named("rerun", "evaluate", "Collect the new run records")
    done = run_step(step, {"SUBMISSION": "org/model", "RUNNER_TEMP": str(temp)}, repo)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (temp / "new-records").iterdir()) == ["new.json"]
    upload = step_named("rerun", "evaluate", "Upload the new run records")
    assert upload["with"]["path"] == "${{ runner.temp }}/new-records/*.json"


@pytest.mark.parametrize(("workflow", "job"), [("check", "check"), ("evaluate", "plan")])
def test_a_pull_request_against_another_branch_fails(tmp_path: Path, workflow: str, job: str) -> None:
    step = step_named(workflow, job, "Refuse a pull request whose base is not the default branch")
    assert load(ROOT / f".github/workflows/{workflow}.yml")["jobs"][job]["steps"][0] == step
    refused = run_step(step, {"BASE_REF": "kleaderboard-bot/old", "DEFAULT_BRANCH": "main"}, tmp_path)
    assert refused.returncode == 1
    assert "targets 'kleaderboard-bot/old'; submissions go to 'main'" in refused.stdout
    assert run_step(step, {"BASE_REF": "main", "DEFAULT_BRANCH": "main"}, tmp_path).returncode == 0


def test_retargeting_a_pull_request_reruns_the_check() -> None:
    assert "edited" in load(ROOT / ".github/workflows/check.yml")["on"]["pull_request_target"]["types"]


def parallelism(tmp_path: Path, gpus: int, parameters: int = 8_000_000_000, **variables: str) -> Any:
    """.ci/parallelism on a submission of that size, on a runner with `gpus` 80 GiB GPUs."""
    folder = tmp_path / "submissions" / "org" / "model"
    folder.mkdir(parents=True, exist_ok=True)
    manifest = TINY_LOCAL_MANIFEST.replace("precision: float32", "precision: bfloat16")
    (folder / "submission.yaml").write_text(
        manifest.replace("total: 30000", f"total: {parameters}"), encoding="utf-8"
    )
    (folder / "model").mkdir(exist_ok=True)
    lines = "\\n".join(["81920"] * gpus)
    stub(tmp_path / "bin", "nvidia-smi", f'printf "{lines}\\n"' if gpus else "exit 9")
    env = {
        "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT / "src"),
        **variables,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / ".ci/parallelism"), str(folder)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("parameters", "gpus", "tensor"),
    [(8_000_000_000, 1, 1), (8_000_000_000, 8, 1), (32_000_000_000, 8, 2), (70_000_000_000, 8, 4)],
)
def test_tensor_parallel_is_chosen_per_model_from_its_size_and_the_runners_gpus(
    tmp_path: Path, parameters: int, gpus: int, tensor: int
) -> None:
    done = parallelism(tmp_path, gpus, parameters)
    assert done.stdout == f"tensor_parallel={tensor}\npipeline_parallel=1\n", done.stderr


def test_a_model_too_big_for_the_runner_fails_with_the_sizes(tmp_path: Path) -> None:
    done = parallelism(tmp_path, 2, 70_000_000_000)
    assert done.returncode == 1 and done.stdout == ""
    assert "::error::the model needs about 174 GiB of GPU memory" in done.stderr
    assert "this runner has 2 GPU(s) of 80 GiB" in done.stderr


def test_no_gpu_is_a_clear_failure(tmp_path: Path) -> None:
    done = parallelism(tmp_path, 0)
    assert done.returncode == 1 and "::error::no GPU on this runner" in done.stderr


def test_parallelism_variables_win_and_are_checked(tmp_path: Path) -> None:
    assert parallelism(tmp_path, 8, TENSOR_PARALLEL="4", PIPELINE_PARALLEL="2").stdout == (
        "tensor_parallel=4\npipeline_parallel=2\n"
    )
    too_many = parallelism(tmp_path, 2, TENSOR_PARALLEL="4")
    assert too_many.returncode == 1 and "(4 x 1) needs more GPUs than this runner has (2)" in too_many.stderr
    zero = parallelism(tmp_path, 2, PIPELINE_PARALLEL="0")
    assert "the variable PIPELINE_PARALLEL must be a positive integer, got '0'" in zero.stderr


@pytest.mark.parametrize(
    ("workflow", "job", "spec"), gpu_jobs(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_the_chosen_parallelism_reaches_evaluate(workflow: str, job: str, spec: Any) -> None:
    evaluate = step_named(workflow, job, "Evaluate")
    assert evaluate["env"]["TENSOR_PARALLEL"] == "${{ steps.parallel.outputs.tensor_parallel }}"
    assert evaluate["env"]["PIPELINE_PARALLEL"] == "${{ steps.parallel.outputs.pipeline_parallel }}"
    assert '--tensor-parallel "$TENSOR_PARALLEL" --pipeline-parallel "$PIPELINE_PARALLEL"' in evaluate["run"]


def test_records_pull_requests_are_opened_with_the_apps_token_when_it_is_set_up() -> None:
    for name in ("evaluate.yml", "rerun.yml"):
        job = load(ROOT / ".github/workflows" / name)["jobs"]["propose"]
        assert job["environment"] == "records-bot"
        [app] = [s for s in job["steps"] if s.get("id") == "app"]
        assert app["with"]["private-key"] == "${{ secrets.BOT_APP_PRIVATE_KEY }}"
        assert set(job["permissions"]) == {"contents", "pull-requests"}
        [opener] = [s for s in job["steps"] if "propose-records" in str(s.get("run", ""))]
        assert opener["env"]["GITHUB_TOKEN"] == "${{ steps.app.outputs.token || github.token }}"
