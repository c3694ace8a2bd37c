"""Run records: what one evaluation measured, stored as ``runs/<run-id>.json``.

Only the evaluation pipeline writes these. A record is complete or absent: it is
written to a temporary file in the same folder and renamed into place, so a run
killed mid-way leaves nothing behind. Every setting that can move a score is kept,
so that anyone can re-run the same evaluation and compare.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kleaderboard.errors import RunRecordError
from kleaderboard.kinds import Backend, Mode

RUN_SCHEMA_VERSION: Final = 1
# Version 3 adds the optional ``contamination`` block; a record without it stays version 1,
# so records written before it (and runs without the pass) read exactly as they did.
# (Version 2, never published, pooled membership over all tasks against reworded copies.)
CONTAMINATION_SCHEMA_VERSION: Final = 3


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TaskScore(_Record):
    """One task's (or group's) measured score."""

    task: str
    metric: str = Field(description="lm-eval metric key, e.g. 'acc,none'.")
    value: float
    stderr: float | None = Field(description="lm-eval's standard error; None when not computed.")
    n_samples: int = Field(ge=0)
    n_shot: int = Field(ge=0)
    task_version: str | None = None
    task_hash: str | None = Field(
        default=None, description="sha256 over the task's resolved config and its documents."
    )
    seconds: float = Field(ge=0, description="Wall time spent on this task.")
    config_hash: str | None = Field(
        default=None,
        description="sha256 of everything that defines the task before it runs: resolved "
        "lm-eval configs, n-shot, metric, limits. Equal hashes and settings allow reuse.",
    )
    reused_from: str | None = Field(
        default=None, description="Run id that measured this score, when carried over unchanged."
    )
    dataset_path: str | None = Field(
        default=None,
        description="The Hub dataset the task read (lm-eval's dataset_path); None: not on the Hub.",
    )
    dataset_revision: Annotated[str, Field(pattern=r"^[0-9a-f]{40}$")] | None = Field(
        default=None,
        description="The dataset commit the suite pins; read from the Hub at that commit, or from a "
        "local mirror of it (--data-dir). None: not pinned.",
    )
    repeats: int = Field(
        default=1,
        ge=1,
        description="Answers sampled per item; above 1 the value is the mean over items of each "
        "item's mean over its answers, and stderr is the standard error over items.",
    )


class Settings(_Record):
    """Every setting that changes a score."""

    backend: Backend
    mode: Mode = Mode.base
    device: str
    dtype: str
    batch_size: int | str
    seeds: dict[str, int]
    apply_chat_template: bool
    fewshot_as_multiturn: bool
    max_gen_toks: int
    temperature: float = Field(default=0.0, ge=0, description="0: greedy decoding.")
    top_p: float | None = Field(default=None, description="Nucleus sampling; None: not set.")
    limit: int | None = None
    model_args: dict[str, str | int | float | bool | None]


class ModelIdentity(_Record):
    """Which weights were evaluated."""

    source: str = Field(description="Hub repo id, or the local path for the demo.")
    revision: str | None = None
    file_hashes: dict[str, str] = Field(
        default_factory=dict, description="sha256 of each weight and config file."
    )


class Environment(_Record):
    """Where the run happened."""

    hostname: str
    platform: str
    python: str
    cpu: str
    cpu_count: int
    gpus: list[str] = Field(default_factory=list)
    libraries: dict[str, str] = Field(description="lm_eval, torch, transformers, ... versions.")


class ServingPoint(_Record):
    """The fixed serving workload at one concurrency level."""

    concurrency: int = Field(ge=1)
    input_tokens: int = Field(ge=1)
    output_tokens: int = Field(ge=1)
    ttft_seconds: float = Field(ge=0, description="Time to first token (prefill plus one step).")
    output_tokens_per_second: float = Field(ge=0, description="All requests together.")
    wall_seconds: float = Field(ge=0)


class StructuralCostRecord(_Record):
    """Per-token cost by design, from config.json (see kleaderboard.evaluation.structural_cost)."""

    attention: str
    layers: int
    total_parameters: int
    active_parameters: int
    kv_cache_bytes_per_token: int
    flops_per_token: int
    context: int
    dtype: str


class ServingCost(_Record):
    """Money and energy per token, derived from the serving workload."""

    gpu: str | None = Field(description="Device the figures were measured on; None on CPU.")
    gpu_count: int = 0
    usd_per_gpu_hour: float | None = None
    price_source: str | None = None
    usd_per_million_output_tokens: float | None = Field(
        default=None, description="At the highest concurrency measured."
    )
    energy_wh: float | None = None
    wh_per_million_output_tokens: float | None = None
    note: str = ""


class Measured(_Record):
    """What the run itself cost, measured by the pipeline."""

    wall_seconds: float = Field(ge=0)
    tokens_processed: int | None = Field(
        default=None, ge=0, description="Prompt plus generated tokens over all requests."
    )
    device_seconds: float | None = Field(
        default=None, ge=0, description="GPU-seconds (or CPU wall seconds on a CPU run)."
    )
    energy_wh: float | None = Field(default=None, ge=0, description="From NVML when available.")
    hardware_kind: Literal["cpu", "gpu"]
    serving: list[ServingPoint] = Field(default_factory=list)
    structural: StructuralCostRecord | None = None
    cost: ServingCost | None = None


class PerturbationScore(_Record):
    """One multiple-choice task as published and on copies the pipeline made of its items."""

    task: str
    metric: str
    published: float = Field(description="The metric over the items as published.")
    perturbed: float = Field(description="The metric over the same items, perturbed.")
    gap: float = Field(description="published - perturbed, the mean of per-item differences.")
    gap_stderr: float | None = Field(description="Standard error of the paired per-item differences.")
    n_items: int = Field(ge=1)
    perturbations: list[Literal["shuffle", "reword"]] = Field(
        description="shuffle: options reordered with a fixed seed (letters remapped); reword: the "
        "prompt frame's words replaced by neutral synonyms."
    )


class MembershipSignal(_Record):
    """How much more familiar one task's published items look to the model than its private items:
    items of the same style in the same prompt frame that never left the maintainers."""

    task: str = Field(description="The suite task whose items are compared.")
    statistic: Literal["min_k", "min_k_plus_plus"]
    k: float = Field(gt=0, le=1, description="Fraction of least likely tokens averaged.")
    auc: float = Field(ge=0, le=1, description="P(a published item scores above a control item).")
    n_items: int = Field(ge=1)
    n_controls: int = Field(ge=1)
    controls: list[Literal["private"]]
    item_mean: float
    control_mean: float


class PrivateSliceScore(_Record):
    """A task scored on items that never enter the repository; only figures and a hash are kept."""

    task: str
    metric: str
    value: float
    stderr: float | None
    n_items: int = Field(ge=1)
    items_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Contamination(_Record):
    """The contamination pass: perturbation gaps, membership signals, private-slice scores, its cost."""

    perturbation: list[PerturbationScore] = Field(default_factory=list)
    membership: list[MembershipSignal] = Field(default_factory=list)
    private: list[PrivateSliceScore] = Field(default_factory=list)
    not_measured: list[str] = Field(
        default_factory=list, description="What the pass could not measure, and why."
    )
    requests: int = Field(ge=0, description="Extra lm-eval requests plus membership forward passes.")
    tokens: int = Field(ge=0, description="Tokens of those extra requests.")
    seconds: float = Field(ge=0, description="Wall time of the pass.")


class RunRecord(_Record):
    """The complete, self-describing result of evaluating one submission on one suite."""

    schema_version: Literal[1, 3] = RUN_SCHEMA_VERSION
    run_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9._-]+$")]
    submission: str = Field(description="'<org>/<model>'.")
    manifest_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    suite: str
    suite_version: int
    lm_eval_version: str
    inputs_hash: str | None = Field(
        default=None,
        description="sha256 of weights, settings, suite, lm-eval release and task files: "
        "an unchanged re-run is recognised by it without loading anything.",
    )
    started_at: str
    finished_at: str
    status: Literal["succeeded", "failed"]
    error: str | None = None
    model: ModelIdentity
    settings: Settings
    scores: list[TaskScore] = Field(default_factory=list)
    environment: Environment
    measured: Measured
    contamination: Contamination | None = None

    @model_validator(mode="after")
    def _version_matches(self) -> RunRecord:
        if (self.contamination is not None) != (self.schema_version == CONTAMINATION_SCHEMA_VERSION):
            raise ValueError(
                f"schema_version {self.schema_version} does not match the contamination block: "
                f"version {CONTAMINATION_SCHEMA_VERSION} has one, version {RUN_SCHEMA_VERSION} has none"
            )
        return self

    def score(self, task: str) -> TaskScore | None:
        """The score of one task, if this run has it."""
        return next((s for s in self.scores if s.task == task), None)


def write_record(record: RunRecord, runs_dir: Path) -> Path:
    """Write a record atomically as runs_dir/<run_id>.json; never overwrite an existing one."""
    runs_dir.mkdir(parents=True, exist_ok=True)
    target = runs_dir / f"{record.run_id}.json"
    if target.exists():
        raise RunRecordError.single(
            target, "run_id", "a run record with this id already exists", "use a new run id"
        )
    write_new_file(target, json.dumps(record.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n")
    return target


def write_new_file(target: Path, text: str) -> None:
    """Write text as target, complete or not at all: a temporary file beside it, synced, then
    linked into place, which fails (FileExistsError) if target appeared meanwhile: never overwrite."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=target.suffix, dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp, target)
    finally:
        os.unlink(tmp)


def run_record_json_schema() -> dict[str, Any]:
    """The JSON Schema of a run record, generated from the models."""
    return RunRecord.model_json_schema()
