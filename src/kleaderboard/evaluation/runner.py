"""The evaluation runner: one submission, one suite, one complete run record.

The runner resolves which weights to evaluate, loads them once, runs each suite
task through the adapter with a progress line per task, and writes the run record
atomically. A failure (the model does not load, runs out of memory, a task
breaks) still produces a record, with status ``failed`` and the reason in words
a team understands; a run that is killed produces no record at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import EvaluationError, InputError
from ..records import Measured, ModelIdentity, RunRecord, Settings, TaskScore, write_record
from ..submissions import Submission
from ..suites import Suite
from . import adapter
from .environment import capture_environment, hardware_kind

Progress = Callable[[str], None]
WEIGHT_SUFFIXES = (".safetensors", ".json", ".model", ".txt", ".jinja")


@dataclass(frozen=True)
class RunOptions:
    """How to run; everything here that can move a score lands in the run record."""

    device: str = "auto"
    batch_size: int | None = None
    data_dir: Path | None = None
    cache_dir: Path | None = None
    limit: int | None = None


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def new_run_id(suite: Suite, when: str) -> str:
    """Run ids sort by time and never collide: 20261123T175501Z-demo-v1-3f9a1c."""
    stamp = when.replace("-", "").replace(":", "")
    return f"{stamp}-{suite.name}-v{suite.version}-{uuid.uuid4().hex[:6]}"


def model_identity(sub: Submission) -> ModelIdentity:
    """Which weights: the Hub repo and commit, or the local folder with file hashes."""
    spec = sub.manifest.model
    if spec.local_path is None:
        if spec.pending:
            raise InputError.single(
                sub.folder / "submission.yaml",
                "model.revision",
                "is 'pending', so there is nothing fixed to evaluate",
                "set the 40-hex commit of the weights to evaluate",
            )
        return ModelIdentity(source=str(spec.hub_repo), revision=spec.revision)
    folder = sub.path(spec.local_path)
    if not folder.is_dir():
        raise InputError.single(
            sub.folder / "submission.yaml",
            "model.local_path",
            f"{folder} is not a folder",
            "point local_path at the saved model folder",
        )
    hashes = {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file() and p.suffix in WEIGHT_SUFFIXES
    }
    return ModelIdentity(source=spec.local_path, revision=None, file_hashes=hashes)


def _model_args(sub: Submission, identity: ModelIdentity) -> dict[str, str | None]:
    spec = sub.manifest.model
    if spec.local_path is not None:
        pretrained = str(sub.path(spec.local_path).resolve())
        return {"pretrained": pretrained, "dtype": spec.precision}
    return {"pretrained": identity.source, "revision": identity.revision, "dtype": spec.precision}


def _cache_file(options: RunOptions, identity: ModelIdentity, settings: Settings) -> Path | None:
    # lm-eval's cache key has no model identity: one cache per (weights, backend, dtype).
    if options.cache_dir is None:
        return None
    key = json.dumps(
        [identity.source, identity.revision, identity.file_hashes, settings.backend, settings.dtype]
    )
    return options.cache_dir / hashlib.sha256(key.encode()).hexdigest()[:24]


def _settings(sub: Submission, suite: Suite, options: RunOptions, identity: ModelIdentity) -> Settings:
    return Settings(
        backend="hf",
        device=adapter.resolve_device(options.device),
        dtype=sub.manifest.model.precision,
        batch_size=options.batch_size or suite.batch_size,
        seeds=dict(adapter.SEEDS),
        apply_chat_template=False,
        fewshot_as_multiturn=False,
        max_gen_toks=suite.max_gen_toks,
        limit=options.limit,
        model_args=_model_args(sub, identity),
    )


def _run_tasks(
    sub: Submission, suite: Suite, settings: Settings, options: RunOptions, progress: Progress
) -> tuple[list[TaskScore], int]:
    identity = model_identity(sub)
    lm = adapter.load_hf_model(dict(settings.model_args), settings.batch_size, settings.device)
    lm = adapter.with_cache(lm, _cache_file(options, identity, settings))
    tm = adapter.make_task_manager(suite.tasks, options.data_dir)
    scores: list[TaskScore] = []
    tokens = 0
    started = time.monotonic()
    for number, task in enumerate(suite.tasks, start=1):
        t0 = time.monotonic()
        limit = options.limit or task.limit
        outcome = adapter.run_task(lm, tm, task, max_gen_toks=suite.max_gen_toks, limit=limit)
        seconds = time.monotonic() - t0
        tokens += outcome.tokens
        scores.append(
            TaskScore(
                task=task.task,
                metric=task.metric_key,
                value=outcome.value,
                stderr=outcome.stderr,
                n_samples=outcome.n_samples,
                n_shot=task.n_shot,
                task_version=outcome.version,
                task_hash=outcome.task_hash,
                seconds=round(seconds, 3),
            )
        )
        progress(_task_line(number, len(suite.tasks), task.task, outcome, seconds, started))
    return scores, tokens


def _task_line(
    number: int, total: int, name: str, outcome: adapter.TaskOutcome, seconds: float, started: float
) -> str:
    elapsed = time.monotonic() - started
    left = elapsed / number * (total - number)
    err = f" ± {outcome.stderr:.3f}" if outcome.stderr is not None else ""
    return (
        f"  [{number}/{total}] {name}: {outcome.value:.3f}{err} "
        f"({outcome.n_samples} samples, {seconds:.1f} s; about {left:.0f} s left)"
    )


def evaluate_submission(
    sub: Submission, suite: Suite, options: RunOptions, progress: Progress = print
) -> RunRecord:
    """Evaluate one submission on one suite and write its run record; return the record."""
    started_at = _now()
    identity = model_identity(sub)
    settings = _settings(sub, suite, options, identity)
    progress(
        f"evaluating {sub.id} on {suite.label}: {len(suite.tasks)} tasks, "
        f"{settings.device}, batch {settings.batch_size}"
    )
    adapter.quiet_logs()
    t0 = time.monotonic()
    scores: list[TaskScore] = []
    tokens: int | None = None
    status, error = "succeeded", None
    try:
        scores, tokens = _run_tasks(sub, suite, settings, options, progress)
    except EvaluationError as exc:
        status, error = "failed", str(exc)
        progress(f"  failed: {error}")
    wall = time.monotonic() - t0
    kind = hardware_kind(settings.device)
    record = RunRecord(
        run_id=new_run_id(suite, started_at),
        submission=sub.id,
        manifest_sha256=sub.manifest_sha256,
        suite=suite.name,
        suite_version=suite.version,
        lm_eval_version=adapter.version(),
        started_at=started_at,
        finished_at=_now(),
        status=status,  # type: ignore[arg-type]
        error=error,
        model=identity,
        settings=settings,
        scores=scores,
        environment=capture_environment(),
        measured=Measured(
            wall_seconds=round(wall, 3),
            tokens_processed=tokens,
            device_seconds=round(wall, 3),
            energy_wh=None,
            hardware_kind=kind,
        ),
    )
    path = write_record(record, sub.runs_dir)
    progress(f"wrote {path} ({status}, {wall:.1f} s)")
    return record
