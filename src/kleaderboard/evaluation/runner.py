"""The evaluation runner: one submission, one suite, one complete run record.

The runner resolves which weights to evaluate, loads them once, runs each suite
task through the adapter with a progress line per task, and writes the run record
atomically. A failure (the model does not load, runs out of memory, a task
breaks) still produces a record, with status ``failed`` and the reason in words
a team understands; a run that is killed produces no record at all.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kleaderboard import display
from kleaderboard.errors import EvaluationError, InputError
from kleaderboard.evaluation.dataset_revisions import mirror_revisions
from kleaderboard.evaluation.environment import capture_environment, hardware_kind
from kleaderboard.evaluation.reuse import reusable_scores, up_to_date
from kleaderboard.evaluation.settings import (
    RunOptions,
    cache_file,
    generation_of,
    inputs_hash,
    lm_eval_version,
    model_identity,
    new_run_id,
    now_utc,
    run_settings,
)
from kleaderboard.kinds import Backend, Mode
from kleaderboard.records import (
    CONTAMINATION_SCHEMA_VERSION,
    RUN_SCHEMA_VERSION,
    Contamination,
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
from kleaderboard.submission.tree import Submission, load_runs
from kleaderboard.suites import Suite, SuiteTask

if TYPE_CHECKING:
    from kleaderboard.evaluation.adapter import LM  # lm-eval's model class; the adapter imports lm_eval

Progress = Callable[[str], None]


class _LazyModel:
    """Loads the weights on first use: a run whose scores all carry over never loads them."""

    def __init__(
        self,
        settings: Settings,
        cache_file: Path | None,
        progress: Progress,
        load_timeout_s: float | None = None,
    ) -> None:
        self.settings = settings
        self._settings = settings
        self._cache_file = cache_file
        self._progress = progress
        self._load_timeout_s = load_timeout_s
        self._lm: LM | None = None

    @property
    def loaded(self) -> bool:
        return self._lm is not None

    def get(self) -> LM:
        from kleaderboard.evaluation import adapter

        if self._lm is None:
            self._progress(f"  loading {self._settings.model_args.get('pretrained')} …")
            with _time_limit(self._load_timeout_s, LOAD_LIMIT) as deadline:
                lm = adapter.load_model(
                    self._settings.backend,
                    dict(self._settings.model_args),
                    self._settings.batch_size,
                    self._settings.device,
                )
            deadline.check()
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
    items: dict[str, dict[str, float]] = field(default_factory=dict)  # task -> per-item metric

    def evaluate(
        self, task: SuiteTask, limit: int | None, fingerprint: str, source: tuple[str | None, str | None]
    ) -> str:
        """Run one task through lm-eval and record its score; return the progress text."""
        from kleaderboard.evaluation import adapter

        t0 = time.monotonic()
        generation = generation_of(self.model.settings)
        outcome = adapter.run_task(
            self.model.get(),
            self.tm,
            task,
            generation=generation,
            limit=limit,
            chat=self.model.settings.apply_chat_template,
        )
        seconds = time.monotonic() - t0
        self.tokens += outcome.tokens
        self.evaluated += 1
        self.items[task.task] = outcome.items
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
                dataset_path=source[0],
                dataset_revision=source[1],
                repeats=adapter.repeats_for(task, generation),
            )
        )
        score = display.score(outcome.value, outcome.stderr)
        samples = display.number(outcome.n_samples)
        return f"{task.task}: {score} ({samples} samples, {display.seconds(seconds)})"


def _require_generative(tm: object, suite: Suite) -> None:
    """Thinking models answer in text: every task must be generative in think_on mode."""
    from kleaderboard.evaluation import adapter

    scored_by_likelihood = [t.task for t in suite.tasks if adapter.output_types(tm, t) - {"generate_until"}]
    if scored_by_likelihood:
        raise InputError.single(
            f"suite {suite.name}",
            "tasks",
            f"think_on mode needs generative tasks, but {', '.join(scored_by_likelihood)} "
            "are scored by log-likelihood",
            "give those tasks a `chat:` variant in the suite (e.g. kmmlu -> kmmlu_direct), "
            "or evaluate the model in think_off or base mode",
        )


def _run_tasks(
    sub: Submission,
    suite: Suite,
    settings: Settings,
    options: RunOptions,
    identity: ModelIdentity,
    progress: Progress,
) -> _Tally:
    from kleaderboard.evaluation import adapter

    tm = adapter.make_task_manager(suite.tasks, options.data_dir)
    if settings.mode is Mode.think_on:
        _require_generative(tm, suite)
    previous = [] if options.force else load_runs(sub)
    reusable = reusable_scores(previous, identity, settings, lm_eval_version())
    model = _LazyModel(settings, cache_file(options, identity, settings), progress, options.load_timeout_s)
    tally = _Tally(model, tm, suite)
    started = time.monotonic()
    mirrored = mirror_revisions(options.data_dir)  # the commits a fetch-datasets mirror holds
    for number, task in enumerate(suite.tasks, start=1):
        limit = options.limit or task.limit
        fingerprint = adapter.task_fingerprint(tm, task, generation=generation_of(settings), limit=limit)
        carried = reusable.get(fingerprint)
        path, pin = adapter.dataset_source(tm, task)
        source = (path, pin or (mirrored.get(path) if path else None))
        if carried is not None:
            dataset = {"dataset_path": source[0], "dataset_revision": source[1]}
            tally.scores.append(carried.score.model_copy(update={"reused_from": carried.run_id, **dataset}))
            line = f"{task.task}: {display.score(carried.score.value)} (unchanged since run {carried.run_id})"
        else:
            line = tally.evaluate(task, limit, fingerprint, source)
        left = (time.monotonic() - started) / number * (len(suite.tasks) - number)
        progress(f"  [{number}/{len(suite.tasks)}] {line}; about {display.seconds(left)} left")
    return tally


@dataclass(frozen=True)
class _CostParts:
    serving: list[ServingPoint] = field(default_factory=list)
    structural: StructuralCostRecord | None = None
    cost: ServingCost | None = None


def _cost_parts(
    tally: _Tally, sub: Submission, settings: Settings, identity: ModelIdentity, progress: Progress
) -> _CostParts:
    """Measure the serving workload when the weights are loaded, else carry earlier figures over."""
    spec = tally.suite.serving
    if spec is None or settings.backend is Backend.local_completions:
        return _CostParts()  # a remote server's cost is not ours to measure
    if not tally.model.loaded:
        earlier = [r for r in load_runs(sub) if r.model == identity and r.measured.serving]
        if not earlier:
            return _CostParts()
        m = earlier[-1].measured
        return _CostParts(m.serving, m.structural, m.cost)
    from kleaderboard.evaluation.costing import measure_cost
    from kleaderboard.evaluation.serving import Workload

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
            f"    concurrency {point.concurrency}: first token {display.latency(point.ttft_seconds)}, "
            f"{display.rate(point.output_tokens_per_second)} output tokens/s"
        )
    return _CostParts(points, structure, cost)


@dataclass(frozen=True)
class _Limit:
    """What a time limit bounds, in the words of its failure."""

    what: str
    fix: str


RUN_LIMIT = _Limit(
    "the evaluation did not finish",
    "the responses computed so far are cached; re-run with a longer --timeout or a faster runner",
)
LOAD_LIMIT = _Limit(
    "the model did not load",
    "a model this slow to load is too big for the runner or stuck reading its files; check the runner's "
    "disk and memory, or re-run with a longer --load-timeout",
)


class _Deadline:
    """A time limit that stays expired even when a library swallows the exception it raised."""

    def __init__(self, seconds: float | None, limit: _Limit) -> None:
        self.seconds = seconds
        self.limit = limit
        self.expired = False

    @property
    def message(self) -> str:
        took = display.seconds(self.seconds)
        return f"{self.limit.what} within its time limit of {took} — {self.limit.fix}"

    def expire(self, signum: int, frame: object) -> None:
        self.expired = True
        raise EvaluationError(self.message)

    def check(self) -> None:
        """Raise if the limit passed, whether or not the signal's exception got through."""
        if self.expired:
            raise EvaluationError(self.message)

    def raised(self, exc: BaseException | None) -> bool:
        """Whether exc is the exception this limit's signal raised."""
        return isinstance(exc, EvaluationError) and str(exc) == self.message

    def quiet_when_unraisable(
        self, previous: Callable[[sys.UnraisableHookArgs], object]
    ) -> Callable[[sys.UnraisableHookArgs], object]:
        """sys.unraisablehook that keeps this limit's own exception out of the log.

        The signal may land where Python cannot raise (a finaliser, a gc callback: it happened in a
        fresh-clone test run) and would print "Exception ignored in ..." with a traceback; the
        deadline has already noted that it passed and :meth:`check` speaks for it. Anything else
        goes to the hook that was there before.
        """

        def hook(unraisable: sys.UnraisableHookArgs) -> None:
            if not self.raised(unraisable.exc_value):
                previous(unraisable)

        return hook


@contextmanager
def _time_limit(seconds: float | None, limit: _Limit = RUN_LIMIT) -> Iterator[_Deadline]:
    """Raise EvaluationError when the block runs longer than seconds (main thread only).

    Limits nest (the load's inside the run's): the process has one real-time timer, so an
    inner limit borrows it and gives the outer one back with what is left of it; when the
    outer limit would end first, the inner one is not set and the outer one speaks.
    """
    deadline = _Deadline(seconds, limit)
    if not seconds or threading.current_thread() is not threading.main_thread():
        yield deadline
        return
    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    if outer_left and outer_left <= seconds:
        yield deadline
        return
    previous = signal.signal(signal.SIGALRM, deadline.expire)
    previous_hook = sys.unraisablehook
    sys.unraisablehook = deadline.quiet_when_unraisable(previous_hook)
    started = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield deadline
    except Exception as exc:
        # a library may turn the signal's exception into one of its own (transformers: "Can't
        # load the configuration"): once the limit has passed, the limit is what went wrong
        if deadline.expired and not deadline.raised(exc):
            raise EvaluationError(deadline.message) from exc
        raise
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = previous_hook
        if outer_left:  # at least a moment, so that an outer limit already past still fires
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 0.001))


def _contamination(tally: _Tally, options: RunOptions, progress: Progress) -> Contamination:
    from kleaderboard.evaluation.contamination_pass import private_dir_from_env, run_contamination

    progress("  contamination pass (perturbed copies, membership, private slice) …")
    result = run_contamination(
        tally.model.get(),
        tally.tm,
        tally.suite,
        tally.items,
        limit=options.limit,
        private_dir=options.private_dir or private_dir_from_env(),
    )
    progress(
        f"  contamination pass: {display.number(len(result.perturbation))} perturbation gaps, "
        f"{display.number(len(result.membership))} membership signals, "
        f"{display.number(result.requests)} requests, {display.seconds(result.seconds)}"
    )
    return result


def evaluate_submission(
    sub: Submission, suite: Suite, options: RunOptions, progress: Progress = print
) -> RunRecord:
    """Evaluate one submission on one suite; write and return its run record.

    When every score carries over unchanged from an earlier record of the same suite
    version, nothing is written and that record is returned (``options.force``
    re-evaluates everything).
    """
    started_at = now_utc()
    if options.snapshot is not None:
        # Everything loads from the verified snapshot: no library may fall back to the Hub
        # (set before lm-eval, transformers and huggingface_hub are first imported).
        os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    identity = model_identity(sub, options.snapshot)
    settings = run_settings(sub, suite, options, identity)
    progress(
        f"evaluating {sub.id} on {suite.label} ({settings.mode} mode): {len(suite.tasks)} tasks, "
        f"{settings.backend} on {settings.device}, batch {settings.batch_size}"
    )
    quick = inputs_hash(suite, settings, identity, options.data_dir)
    if not options.force:
        done = next(
            (
                r
                for r in reversed(load_runs(sub))
                if r.inputs_hash == quick
                and r.status == "succeeded"
                and (r.contamination is not None or not options.contamination)
            ),
            None,
        )
        if done is not None:
            progress(f"up to date: run {done.run_id} already holds these results (same inputs)")
            return done
    from kleaderboard.evaluation import adapter

    adapter.quiet_logs()
    t0 = time.monotonic()
    tally: _Tally | None = None
    parts = _CostParts()
    contamination: Contamination | None = None
    status, error = "succeeded", None
    try:
        with _time_limit(options.timeout_s) as deadline:
            tally = _run_tasks(sub, suite.for_mode(settings.mode), settings, options, identity, progress)
            if options.contamination:
                contamination = _contamination(tally, options, progress)
            if options.measure_cost:
                parts = _cost_parts(tally, sub, settings, identity, progress)
        deadline.check()  # lm-eval or a library may have caught the signal's exception
    except EvaluationError as exc:
        status, error = "failed", str(exc)
        progress(f"  failed: {error}")
    wall = time.monotonic() - t0
    contamination = contamination if status == "succeeded" else None
    scores = tally.scores if tally is not None and status == "succeeded" else []
    if tally is not None and status == "succeeded" and tally.evaluated == 0 and contamination is None:
        existing = up_to_date(load_runs(sub), suite.name, suite.version, tally.scores)
        if existing is not None:
            took = display.seconds(wall)
            progress(f"up to date: run {existing.run_id} already holds these results ({took})")
            return existing
    record = RunRecord(
        schema_version=RUN_SCHEMA_VERSION if contamination is None else CONTAMINATION_SCHEMA_VERSION,
        run_id=new_run_id(suite, settings.mode, started_at),
        submission=sub.id,
        manifest_sha256=sub.manifest_sha256,
        suite=suite.name,
        suite_version=suite.version,
        lm_eval_version=lm_eval_version(),
        inputs_hash=quick,
        started_at=started_at,
        finished_at=now_utc(),
        status=status,
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
        contamination=contamination,
    )
    path = write_record(record, sub.runs_dir)
    progress(f"wrote {path} ({status}, {display.seconds(wall)})")
    return record
