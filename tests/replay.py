"""Replaying a GitHub Actions workflow as a runner would, from the workflow file itself.

Each job's ``run:`` steps are executed in order with bash (``-eo pipefail``, as
``shell: bash`` does on GitHub), with the ``env:`` the workflow, job and step declare,
``${{ }}`` expressions evaluated against the ``github``, ``inputs``, ``vars``, ``env``,
``steps``, ``needs``, ``matrix``, ``strategy`` and ``runner`` contexts, and the
``GITHUB_OUTPUT``, ``GITHUB_ENV``, ``GITHUB_STEP_SUMMARY`` and ``RUNNER_TEMP`` files a
runner provides. Step ``if:`` conditions, ``continue-on-error``, job ``needs``/``if``,
job outputs, matrices and artifacts between jobs work as GitHub documents them.

What is not run, and what stands in for it (see :data:`EFFECTS`):

* ``uses:`` steps are replaced by their documented effect: checkout and setup-python are
  the prepared working copy and the test's own interpreter; upload/download-artifact copy
  files through a folder; the Pages actions copy the site.
* Install steps (``pip install``/``uv sync``/``uv pip install``) are skipped: the test session
  already runs the locked environment with kleaderboard installed.
* ``environment:`` approvals are given; ``runs-on`` and concurrency are GitHub's scheduling,
  which a replay cannot show.

Because the commands are read from the workflow files, the tests and the workflows cannot
drift apart. Nothing here reaches a network beyond the stand-ins on 127.0.0.1 the test passes in.
"""

from __future__ import annotations

import fnmatch
import glob
import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
INSTALL = re.compile(r"^\s*(python -m pip install|pip install|uv sync|uv pip install|make install)\b")


def load_workflow(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    if True in data:  # YAML 1.1 reads the key `on` as true
        data["on"] = data.pop(True)
    return data


# --- expressions ----------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>-?\d+(?:\.\d+)?)|(?P<str>'(?:[^']|'')*')|(?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\],.*])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_-]*))"
)


class ExpressionError(Exception):
    pass


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ExpressionError(f"cannot read {text[pos:]!r}")
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def truthy(value: Any) -> bool:
    return value not in (None, False, 0, "", -0.0)


def _number(value: Any) -> float:
    """GitHub's coercion to a number, used when two compared values differ in type."""
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return 0.0
        try:
            return float(text)
        except ValueError:
            return float("nan")
    return float("nan")


def _loose_equal(a: Any, b: Any) -> bool:
    """GitHub's ==: strings ignore case; values of different types compare as numbers (null and '' are 0)."""
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    if type(a) is type(b):
        return bool(a == b)
    return _number(a) == _number(b)


class _Parser:
    """GitHub's expression grammar, the part workflows use: literals, contexts, operators, functions."""

    def __init__(self, text: str, contexts: dict[str, Any], functions: dict[str, Callable[..., Any]]) -> None:
        self.toks = _tokens(text)
        self.i = 0
        self.contexts = contexts
        self.functions = functions

    def parse(self) -> Any:
        value = self.or_()
        if self.i != len(self.toks):
            raise ExpressionError(f"unexpected {self.toks[self.i][1]!r}")
        return value

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) else None

    def take(self, expected: str | None = None) -> tuple[str, str]:
        tok = self.toks[self.i]
        if expected is not None and tok[1] != expected:
            raise ExpressionError(f"expected {expected!r}, got {tok[1]!r}")
        self.i += 1
        return tok

    def or_(self) -> Any:
        value = self.and_()
        while self.peek() == "||":
            self.take()
            right = self.and_()
            value = value if truthy(value) else right
        return value

    def and_(self) -> Any:
        value = self.compare()
        while self.peek() == "&&":
            self.take()
            right = self.compare()
            value = right if truthy(value) else value
        return value

    def compare(self) -> Any:
        value = self.unary()
        while self.peek() in ("==", "!=", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.unary()
            if op in ("==", "!="):
                value = _loose_equal(value, right) == (op == "==")
            else:
                value = {"<": value < right, ">": value > right, "<=": value <= right, ">=": value >= right}[
                    op
                ]
        return value

    def unary(self) -> Any:
        if self.peek() == "!":
            self.take()
            return not truthy(self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Any:
        kind, text = self.take()
        if text == "(":
            value = self.or_()
            self.take(")")
            return value
        if kind == "num":
            return float(text) if "." in text else int(text)
        if kind == "str":
            return text[1:-1].replace("''", "'")
        if kind != "name":
            raise ExpressionError(f"unexpected {text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        if self.peek() == "(":
            return self.call(text)
        return self.contexts.get(text)

    def call(self, name: str) -> Any:
        self.take("(")
        args = []
        while self.peek() != ")":
            args.append(self.or_())
            if self.peek() == ",":
                self.take()
        self.take(")")
        if name not in self.functions:
            raise ExpressionError(f"unknown function {name}()")
        return self.functions[name](*args)

    def postfix(self, value: Any) -> Any:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                key: Any = self.take()[1]
            else:
                key = self.or_()
                self.take("]")
            value = value.get(key) if isinstance(value, dict) else None
        return value


def _format(template: str, *args: Any) -> str:
    return re.sub(r"\{(\d+)\}", lambda m: _text(args[int(m.group(1))]), template)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


# --- the runner ----------------------------------------------------------------------------


@dataclass
class StepResult:
    name: str
    outcome: str  # success | failure | skipped
    conclusion: str
    outputs: dict[str, str] = field(default_factory=dict)
    log: str = ""


@dataclass
class JobResult:
    name: str
    result: str  # success | failure | skipped
    outputs: dict[str, str] = field(default_factory=dict)
    steps: list[StepResult] = field(default_factory=list)
    summary: str = ""

    def step(self, name: str) -> StepResult:
        return next(s for s in self.steps if s.name == name)

    def log(self) -> str:
        return "\n".join(f"--- {s.name}: {s.outcome}\n{s.log}" for s in self.steps)


@dataclass
class Replay:
    """One machine's worth of runners: a working copy, a temp folder, artifacts, contexts."""

    workdir: Path  # the branch as checked out: each job runs in a fresh copy of it
    temp: Path
    github: dict[str, Any]
    env: dict[str, str]  # the runner's environment (PATH, GITHUB_API_URL, HF_ENDPOINT…)
    vars: dict[str, str] = field(default_factory=dict)
    inputs: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    artifacts: dict[str, Path] = field(default_factory=dict)
    pages: Path | None = None
    timeout: float = 900
    workspace: Path = Path()  # the running job's own checkout (a fresh copy of workdir per job)

    def run(
        self, workflow_name: str, only: set[str] | None = None, given: dict[str, JobResult] | None = None
    ) -> dict[str, JobResult]:
        """Run a workflow's jobs in `needs` order; return each job's result.

        ``only``: run just these jobs (the others are skipped); ``given``: results of jobs that
        already ran (e.g. the plan job before a maintainer's approval), reused as they are.
        """
        workflow = load_workflow(workflow_name)
        results: dict[str, JobResult] = {}
        for job_id in _job_order(workflow["jobs"]):
            job = workflow["jobs"][job_id]
            if given and job_id in given:
                results[job_id] = given[job_id]
            elif only is not None and job_id not in only:
                results[job_id] = JobResult(job_id, "skipped")
            else:
                results[job_id] = self._job(workflow, job_id, job, results)
        return results

    # -- jobs

    def _job(
        self, workflow: dict[str, Any], job_id: str, job: dict[str, Any], done: dict[str, JobResult]
    ) -> JobResult:
        needs = [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", [])
        needs_ctx = {n: {"result": done[n].result, "outputs": done[n].outputs} for n in needs}
        base = self._contexts(needs_ctx)
        failed_needs = any(done[n].result != "success" for n in needs)
        functions = self._functions(lambda: failed_needs)
        condition = job.get("if", "success()")
        if not truthy(self.evaluate(condition, base, functions)):
            return JobResult(job_id, "skipped")
        matrix = job.get("strategy", {}).get("matrix")
        combos = self._matrix(matrix, base, functions) if matrix else [{}]
        runs = [
            self._job_instance(workflow, job_id, job, base, combo, index)
            for index, combo in enumerate(combos)
        ]
        result = "failure" if any(r.result == "failure" for r in runs) else "success"
        merged = JobResult(job_id, result, steps=[s for r in runs for s in r.steps])
        merged.summary = "\n".join(r.summary for r in runs)
        last = runs[-1]
        merged.outputs = last.outputs
        return merged

    def _matrix(self, matrix: Any, base: dict[str, Any], functions: dict[str, Any]) -> list[dict[str, Any]]:
        resolved = self.interpolate(matrix, base, functions) if isinstance(matrix, str) else matrix
        if not isinstance(resolved, dict) or len(resolved) != 1:
            raise ExpressionError(f"the replay supports one-key matrices, got {resolved!r}")
        ((key, values),) = resolved.items()
        values = self.interpolate(values, base, functions)
        return [{key: v} for v in values]

    def _job_instance(
        self,
        workflow: dict[str, Any],
        job_id: str,
        job: dict[str, Any],
        base: dict[str, Any],
        combo: dict[str, Any],
        index: int,
    ) -> JobResult:
        files = self.temp / f"{job_id}-{index}"
        files.mkdir(parents=True, exist_ok=True)
        runner_temp = files / "runner-temp"
        runner_temp.mkdir(exist_ok=True)
        # Every job starts from its own clean checkout, as actions/checkout gives it on GitHub.
        self.workspace = files / "workspace"
        shutil.copytree(self.workdir, self.workspace, symlinks=True, dirs_exist_ok=False)
        contexts = dict(base, matrix=combo, strategy={"job-index": index}, steps={})
        contexts["runner"] = {"temp": str(runner_temp), "os": "Linux"}
        job_env = dict(self.env)
        job_env.update(self._env(workflow.get("env", {}), contexts))
        job_env.update(self._env(job.get("env", {}), dict(contexts, env=job_env)))
        summary = files / "summary.md"
        summary.touch()
        failed = False
        steps: list[StepResult] = []
        for number, step in enumerate(job.get("steps", [])):
            name = step.get("name") or step.get("id") or f"step {number}"
            contexts["env"] = job_env
            functions = self._functions(lambda failed=failed: failed)
            if not truthy(self.evaluate(step.get("if", "success()"), contexts, functions)):
                steps.append(StepResult(name, "skipped", "skipped"))
                continue
            result = self._step(step, name, contexts, functions, job_env, (files, runner_temp))
            steps.append(result)
            if "id" in step:
                contexts["steps"][step["id"]] = {
                    "outputs": result.outputs,
                    "outcome": result.outcome,
                    "conclusion": result.conclusion,
                }
            failed = failed or result.conclusion == "failure"
        outputs = {
            k: _text(self.interpolate(v, contexts, self._functions(lambda: failed)))
            for k, v in job.get("outputs", {}).items()
        }
        return JobResult(
            job_id, "failure" if failed else "success", outputs, steps, summary.read_text(encoding="utf-8")
        )

    # -- steps

    def _step(
        self,
        step: dict[str, Any],
        name: str,
        contexts: dict[str, Any],
        functions: dict[str, Any],
        job_env: dict[str, str],
        place: tuple[Path, Path],  # the job's files folder and its RUNNER_TEMP
    ) -> StepResult:
        runner_temp = place[1]
        step_env = dict(job_env)
        step_env.update(self._env(step.get("env", {}), dict(contexts, env=job_env)))
        if "uses" in step:
            action = step["uses"].split("@")[0]
            with_ = {
                k: _text(self.interpolate(v, contexts, functions)) for k, v in step.get("with", {}).items()
            }
            effect = EFFECTS.get(action)
            if effect is None:
                raise ExpressionError(f"no documented effect for {action}: add one to tests/replay.py")
            ok, log, outputs = effect(self, with_, runner_temp)
            outcome = "success" if ok else "failure"
        else:
            outcome, log, outputs = self._shell(step, contexts, functions, step_env, place)
        conclusion = "success" if outcome == "failure" and step.get("continue-on-error") else outcome
        return StepResult(name, outcome, conclusion, outputs, log)

    def _shell(
        self,
        step: dict[str, Any],
        contexts: dict[str, Any],
        functions: dict[str, Any],
        env: dict[str, str],
        place: tuple[Path, Path],
    ) -> tuple[str, str, dict[str, str]]:
        files, runner_temp = place
        script = self.interpolate_text(step["run"], contexts, functions)
        if INSTALL.match(script):
            return "success", "(install skipped: the test session runs the locked environment)", {}
        output, env_file = files / "output", files / "env"
        output.write_text("", encoding="utf-8")
        env_file.write_text("", encoding="utf-8")
        env = dict(
            env,
            GITHUB_OUTPUT=str(output),
            GITHUB_ENV=str(env_file),
            GITHUB_STEP_SUMMARY=str(files / "summary.md"),
            RUNNER_TEMP=str(runner_temp),
            GITHUB_WORKSPACE=str(self.workspace),
            GITHUB_ACTIONS="true",
            CI="true",
        )
        run = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=self.timeout,
        )
        env_updates = _read_key_values(env_file.read_text(encoding="utf-8"))
        contexts["env"].update(env_updates)
        outputs = _read_key_values(output.read_text(encoding="utf-8"))
        outcome = "success" if run.returncode == 0 else "failure"
        return outcome, f"$ {script}\n{run.stdout}{run.stderr}(exit {run.returncode})", outputs

    # -- contexts and expressions

    def _contexts(self, needs: dict[str, Any]) -> dict[str, Any]:
        return {
            "github": self.github,
            "inputs": self.inputs,
            "vars": self.vars,
            "secrets": self.secrets,
            "needs": needs,
            "env": dict(self.env),
        }

    def _functions(self, failed: Callable[[], bool]) -> dict[str, Callable[..., Any]]:
        return {
            "success": lambda: not failed(),
            "failure": failed,
            "always": lambda: True,
            "cancelled": lambda: False,
            "contains": lambda hay, needle: (
                needle in hay if isinstance(hay, list) else str(needle).lower() in _text(hay).lower()
            ),
            "startsWith": lambda s, p: _text(s).lower().startswith(_text(p).lower()),
            "endsWith": lambda s, p: _text(s).lower().endswith(_text(p).lower()),
            "format": _format,
            "fromJSON": lambda s: json.loads(s),
            "toJSON": lambda v: json.dumps(v),
        }

    def _env(self, declared: dict[str, Any], contexts: dict[str, Any]) -> dict[str, str]:
        functions = self._functions(lambda: False)
        return {k: _text(self.interpolate(v, contexts, functions)) for k, v in declared.items()}

    def evaluate(self, condition: Any, contexts: dict[str, Any], functions: dict[str, Any]) -> Any:
        if isinstance(condition, bool):
            return condition
        text = str(condition).strip()
        if text.startswith("${{") and text.endswith("}}"):
            text = text[3:-2]
        return _Parser(text, contexts, functions).parse()

    def interpolate(self, value: Any, contexts: dict[str, Any], functions: dict[str, Any]) -> Any:
        """A value with ``${{ }}``: a whole-expression string keeps the expression's type."""
        if isinstance(value, list):
            return [self.interpolate(v, contexts, functions) for v in value]
        if not isinstance(value, str):
            return value
        whole = re.fullmatch(r"\$\{\{(.*?)\}\}", value.strip(), flags=re.S)
        if whole and "${{" not in whole.group(1):
            return _Parser(whole.group(1), contexts, functions).parse()
        return self.interpolate_text(value, contexts, functions)

    def interpolate_text(self, text: str, contexts: dict[str, Any], functions: dict[str, Any]) -> str:
        return re.sub(
            r"\$\{\{(.*?)\}\}",
            lambda m: _text(_Parser(m.group(1), contexts, functions).parse()),
            text,
            flags=re.S,
        )


def _read_key_values(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT / GITHUB_ENV: ``key=value`` lines and ``key<<DELIM`` heredocs."""
    out: dict[str, str] = {}
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            key, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, i + 1)
            out[key] = "\n".join(lines[i + 1 : end])
            i = end + 1
            continue
        if "=" in line:
            key, value = line.split("=", 1)
            out[key] = value
        i += 1
    return out


def _job_order(jobs: dict[str, Any]) -> list[str]:
    order: list[str] = []

    def visit(name: str) -> None:
        if name in order:
            return
        needs = jobs[name].get("needs", [])
        for need in [needs] if isinstance(needs, str) else needs:
            visit(need)
        order.append(name)

    for name in jobs:
        visit(name)
    return order


# --- what `uses:` steps do, as their documentation says -----------------------------------------

Effect = Callable[[Replay, dict[str, str], Path], tuple[bool, str, dict[str, str]]]


def _nothing(replay: Replay, with_: dict[str, str], temp: Path) -> tuple[bool, str, dict[str, str]]:
    return True, "(the prepared working copy and interpreter stand in for this action)", {}


def _upload(replay: Replay, with_: dict[str, str], temp: Path) -> tuple[bool, str, dict[str, str]]:
    name = with_.get("name", "artifact")
    matches: list[Path] = []
    for pattern in with_["path"].splitlines():
        pattern = pattern.strip()
        if pattern:
            full = pattern if os.path.isabs(pattern) else str(replay.workspace / pattern)
            matches += [Path(p) for p in sorted(glob.glob(full)) if Path(p).is_file()]
    if not matches:
        ok = with_.get("if-no-files-found", "warn") != "error"
        return ok, f"no files found for {with_['path']!r}", {}
    root = Path(os.path.commonpath([str(p.parent) for p in matches]))
    target = replay.temp / "artifacts" / name
    if target.exists():
        return False, f"an artifact named {name} already exists", {}
    for path in matches:
        dest = target / path.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, dest)
    replay.artifacts[name] = target
    return True, f"uploaded {len(matches)} file(s) as {name}", {}


def _download(replay: Replay, with_: dict[str, str], temp: Path) -> tuple[bool, str, dict[str, str]]:
    dest = Path(with_.get("path") or replay.workspace)
    if "name" in with_:
        source = replay.artifacts.get(with_["name"])
        if source is None:
            return False, f"Unable to find an artifact with the name: {with_['name']}", {}
        shutil.copytree(source, dest, dirs_exist_ok=True)
        return True, f"downloaded {with_['name']}", {}
    pattern = with_.get("pattern", "*")
    names = [n for n in sorted(replay.artifacts) if fnmatch.fnmatchcase(n, pattern)]
    for name in names:
        target = dest if with_.get("merge-multiple") == "true" else dest / name
        shutil.copytree(replay.artifacts[name], target, dirs_exist_ok=True)
    dest.mkdir(parents=True, exist_ok=True)
    return True, f"downloaded {len(names)} artifact(s)", {}


def _pages_upload(replay: Replay, with_: dict[str, str], temp: Path) -> tuple[bool, str, dict[str, str]]:
    source = replay.workspace / with_.get("path", "_site")
    if not source.is_dir():
        return False, f"no folder {source}", {}
    replay.artifacts["github-pages"] = source
    return True, "site uploaded", {}


def _pages_deploy(replay: Replay, with_: dict[str, str], temp: Path) -> tuple[bool, str, dict[str, str]]:
    source = replay.artifacts.get("github-pages")
    if source is None:
        return False, "no github-pages artifact", {}
    replay.pages = replay.temp / "pages"
    shutil.copytree(source, replay.pages, dirs_exist_ok=True)
    return True, "deployed", {"page_url": "https://example.invalid/"}


def _app_token(replay: Replay, with_: dict[str, str], temp: Path) -> tuple[bool, str, dict[str, str]]:
    """create-github-app-token: an installation token; here the GitHub stand-in's token."""
    if not with_.get("private-key"):
        return False, "no private key", {}
    return True, "token created", {"token": str(replay.github.get("token", ""))}


EFFECTS: dict[str, Effect] = {
    "actions/create-github-app-token": _app_token,
    "actions/checkout": _nothing,
    "actions/setup-python": _nothing,
    "astral-sh/setup-uv": _nothing,
    "actions/upload-artifact": _upload,
    "actions/download-artifact": _download,
    "actions/upload-pages-artifact": _pages_upload,
    "actions/deploy-pages": _pages_deploy,
    "actions/configure-pages": _nothing,
}
