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
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import EvaluationError, InputError
from ..records import (
    Measured,
    ModelIdentity,
    RunRecord,
    ServingCost,
    ServingPoint,
    Settings,
    StructuralCostRecord,
    TaskScore,
    write_record,
)
from ..submissions import Submission, load_runs
from ..suites import Suite, SuiteTask
from . import adapter
from .costing import measure_cost
from .environment import capture_environment, hardware_kind
from .reuse import reusable_scores, up_to_date
from .serving import Workload

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
    force: bool = False
    measure_cost: bool = True
    backend: str | None = None  # None: the suite's backend
    tensor_parallel: int = 1
    pipeline_parallel: int = 1
    data_parallel: int = 1
    gpu_memory_utilization: float = 0.9
    base_url: str | None = None  # local-completions: the running server
    timeout_s: float | None = None


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


def _model_args(
    sub: Submission, identity: ModelIdentity, backend: str, options: RunOptions
) -> dict[str, str | int | float | None]:
    spec = sub.manifest.model
    if spec.local_path is not None:
        args: dict[str, str | int | float | None] = {
            "pretrained": str(sub.path(spec.local_path).resolve()),
            "dtype": spec.precision,
        }
    else:
        args = {"pretrained": identity.source, "revision": identity.revision, "dtype": spec.precision}
    if backend == "vllm":
        args |= {
            "tensor_parallel_size": options.tensor_parallel,
            "pipeline_parallel_size": options.pipeline_parallel,
            "data_parallel_size": options.data_parallel,
            "gpu_memory_utilization": options.gpu_memory_utilization,
            "seed": adapter.SEEDS["torch"],
        }
    if backend == "local-completions":
        args |= {"base_url": options.base_url, "tokenizer": args["pretrained"]}
    return args


def _backend(suite: Suite, options: RunOptions, device: str) -> str:
    backend = options.backend or suite.backend
    if backend == "vllm" and not device.startswith("cuda"):
        raise InputError.single(
            "--backend",
            "vllm",
            f"suite {suite.name} runs on vLLM, which needs a CUDA GPU, and this run is on {device}",
            "run on a GPU runner, or pass --backend hf for a small model on CPU",
        )
    if backend == "local-completions" and not options.base_url:
        raise InputError.single(
            "--base-url",
            "",
            "local-completions needs the server's URL",
            "pass --base-url http://host:port/v1/completions",
        )
    return backend


def _cache_file(options: RunOptions, identity: ModelIdentity, settings: Settings) -> Path | None:
    # lm-eval's cache key has no model identity: one cache per (weights, backend, dtype).
    if options.cache_dir is None:
        return None
    key = json.dumps(
        [identity.source, identity.revision, identity.file_hashes, settings.backend, settings.dtype]
    )
    return options.cache_dir / hashlib.sha256(key.encode()).hexdigest()[:24]


def _settings(sub: Submission, suite: Suite, options: RunOptions, identity: ModelIdentity) -> Settings:
    device = adapter.resolve_device(options.device)
    backend = _backend(suite, options, device)
    return Settings(
        backend=backend,  # type: ignore[arg-type]
        device=device,
        dtype=sub.manifest.model.precision,
        batch_size=options.batch_size or suite.batch_size,
        seeds=dict(adapter.SEEDS),
        apply_chat_template=False,
        fewshot_as_multiturn=False,
        max_gen_toks=suite.max_gen_toks,
        limit=options.limit,
        model_args=_model_args(sub, identity, backend, options),
    )


class _LazyModel:
    """Loads the weights on first use: a run whose scores all carry over never loads them."""

    def __init__(self, settings: Settings, cache_file: Path | None, progress: Progress) -> None:
        self._settings = settings
        self._cache_file = cache_file
        self._progress = progress
        self._lm = None

    @property
    def loaded(self) -> bool:
        return self._lm is not None

    def get(self):  # -> lm_eval LM
        if self._lm is None:
            self._progress(f"  loading {self._settings.model_args.get('pretrained')} …")
            lm = adapter.load_model(
                self._settings.backend,
                dict(self._settings.model_args),
                self._settings.batch_size,
                self._settings.device,
            )
            self._lm = adapter.with_cache(lm, self._cache_file)
        return self._lm


@dataclass
class _Tally:
    """What a run has produced so far."""

    model: _LazyModel
    tm: object  # lm_eval TaskManager (only the adapter knows its type)
    suite: Suite
    scores: list[TaskScore] = field(default_factory=list)
    tokens: int = 0
    evaluated: int = 0

    def evaluate(self, task: SuiteTask, limit: int | None, fingerprint: str) -> str:
        """Run one task through lm-eval and record its score; return the progress text."""
        t0 = time.monotonic()
        outcome = adapter.run_task(
            self.model.get(), self.tm, task, max_gen_toks=self.suite.max_gen_toks, limit=limit
        )
        seconds = time.monotonic() - t0
        self.tokens += outcome.tokens
        self.evaluated += 1
        self.scores.append(
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
                config_hash=fingerprint,
            )
        )
        err = f" ± {outcome.stderr:.3f}" if outcome.stderr is not None else ""
        return f"{task.task}: {outcome.value:.3f}{err} ({outcome.n_samples} samples, {seconds:.1f} s)"


def _run_tasks(
    sub: Submission,
    suite: Suite,
    settings: Settings,
    options: RunOptions,
    progress: Progress,
) -> _Tally:
    identity = model_identity(sub)
    tm = adapter.make_task_manager(suite.tasks, options.data_dir)
    previous = [] if options.force else load_runs(sub)
    reusable = reusable_scores(previous, identity, settings, adapter.version())
    model = _LazyModel(settings, _cache_file(options, identity, settings), progress)
    tally = _Tally(model, tm, suite)
    started = time.monotonic()
    for number, task in enumerate(suite.tasks, start=1):
        limit = options.limit or task.limit
        fingerprint = adapter.task_fingerprint(tm, task, max_gen_toks=suite.max_gen_toks, limit=limit)
        carried = reusable.get(fingerprint)
        if carried is not None:
            tally.scores.append(carried.score.model_copy(update={"reused_from": carried.run_id}))
            line = f"{task.task}: {carried.score.value:.3f} (unchanged since run {carried.run_id})"
        else:
            line = tally.evaluate(task, limit, fingerprint)
        left = (time.monotonic() - started) / number * (len(suite.tasks) - number)
        progress(f"  [{number}/{len(suite.tasks)}] {line}; about {left:.0f} s left")
    return tally


@dataclass(frozen=True)
class _CostParts:
    serving: list[ServingPoint] = field(default_factory=list)
    structural: StructuralCostRecord | None = None
    cost: ServingCost | None = None


def _cost_parts(tally: _Tally, sub: Submission, settings: Settings, progress: Progress) -> _CostParts:
    """Measure the serving workload when the weights are loaded, else carry earlier figures over."""
    spec = tally.suite.serving
    if spec is None or settings.backend == "local-completions":
        return _CostParts()  # a remote server's cost is not ours to measure
    if not tally.model.loaded:
        earlier = [r for r in load_runs(sub) if r.model == model_identity(sub) and r.measured.serving]
        if not earlier:
            return _CostParts()
        m = earlier[-1].measured
        return _CostParts(m.serving, m.structural, m.cost)
    workload = Workload(spec.input_tokens, spec.output_tokens, tuple(spec.concurrency))
    progress(
        f"  serving workload: {spec.input_tokens} in / {spec.output_tokens} out, "
        f"concurrency {spec.concurrency}"
    )
    points, structure, cost = measure_cost(
        tally.model.get(), settings.backend, settings.dtype, settings.device, workload
    )
    for point in points:
        progress(
            f"    concurrency {point.concurrency}: first token {point.ttft_seconds:.3f} s, "
            f"{point.output_tokens_per_second:.1f} output tokens/s"
        )
    return _CostParts(points, structure, cost)


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    """Raise EvaluationError when the block runs longer than seconds (main thread only)."""
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield
        return

    def _expire(signum: int, frame: object) -> None:
        raise EvaluationError(
            f"the evaluation did not finish within its time limit of {seconds:.0f} s — "
            "the responses computed so far are cached; re-run with a longer --timeout or a faster runner"
        )

    previous = signal.signal(signal.SIGALRM, _expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def evaluate_submission(
    sub: Submission, suite: Suite, options: RunOptions, progress: Progress = print
) -> RunRecord:
    """Evaluate one submission on one suite; write and return its run record.

    When every score carries over unchanged from an earlier record of the same suite
    version, nothing is written and that record is returned (``options.force``
    re-evaluates everything).
    """
    started_at = _now()
    identity = model_identity(sub)
    settings = _settings(sub, suite, options, identity)
    progress(
        f"evaluating {sub.id} on {suite.label}: {len(suite.tasks)} tasks, "
        f"{settings.device}, batch {settings.batch_size}"
    )
    adapter.quiet_logs()
    t0 = time.monotonic()
    tally: _Tally | None = None
    parts = _CostParts()
    status, error = "succeeded", None
    try:
        with _time_limit(options.timeout_s):
            tally = _run_tasks(sub, suite, settings, options, progress)
            if options.measure_cost:
                parts = _cost_parts(tally, sub, settings, progress)
    except EvaluationError as exc:
        status, error = "failed", str(exc)
        progress(f"  failed: {error}")
    wall = time.monotonic() - t0
    scores = tally.scores if tally is not None and status == "succeeded" else []
    if tally is not None and status == "succeeded" and tally.evaluated == 0:
        existing = up_to_date(load_runs(sub), suite.name, suite.version, tally.scores)
        if existing is not None:
            progress(f"up to date: run {existing.run_id} already holds these results ({wall:.1f} s)")
            return existing
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
            tokens_processed=tally.tokens if tally is not None else None,
            device_seconds=round(wall, 3),
            energy_wh=None,
            hardware_kind=hardware_kind(settings.device),
            serving=parts.serving,
            structural=parts.structural,
            cost=parts.cost,
        ),
    )
    path = write_record(record, sub.runs_dir)
    progress(f"wrote {path} ({status}, {wall:.1f} s)")
    return record
