"""Benchmark suites: versioned data files that say what a leaderboard run evaluates.

A suite file (``<name>.yaml`` beside this module) names lm-eval tasks or groups and,
for each, the metric that counts, its n-shot, the chance level used to normalise
it, the category it belongs to, and its weight. Scoring and the site read nothing
else, so a suite file is the whole definition of what a number on the site means.

A suite change that can move scores must bump ``version``; run records keep the
version they were made with.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from kleaderboard.errors import Problem, SuiteError
from kleaderboard.identifiers import CommitSha, is_hub_repo_id
from kleaderboard.kinds import CHAT_MODES, Backend, Mode
from kleaderboard.submission import untrusted

SUITES_DIR = Path(str(resources.files(__package__)))
PACKAGE_TASKS_DIR = SUITES_DIR / "tasks"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Category(_Frozen):
    """A group of tasks that the site shows as one index."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    ko: str = Field(description="Korean title (shown first).")
    en: str = Field(description="English title.")


class About(_Frozen):
    """Page text about a task or a suite, in both languages (the methodology page shows it)."""

    ko: str
    en: str


class SuiteNote(_Frozen):
    """A titled paragraph of the methodology page (e.g. what changed from the last version)."""

    title_ko: str
    title_en: str
    ko: str
    en: str


class TaskVariant(_Frozen):
    """The task that stands in for a suite task when a model is prompted as a chat model.

    Base models are scored by log-likelihood; instruct and reasoning modes answer in
    text, so a suite may name the generative form of the same benchmark (e.g.
    kmmlu -> kmmlu_direct). Fields left out keep the base task's value.
    """

    task: str
    task_dir: str | None = None
    metric: str | None = None
    filter: str | None = None
    n_shot: Annotated[int, Field(ge=0)] | None = None
    chance: Annotated[float, Field(ge=0, lt=1)] | None = None
    dataset_revision: CommitSha | None = None


class Generation(_Frozen):
    """How a mode generates: its token budget and sampling, recorded in every run record.

    Reasoning modes think for tens of thousands of tokens before they answer; a budget
    sized for a base model cuts them off mid-thought and scores the cut as wrong.
    ``temperature: 0`` is greedy decoding; above it, lm-eval samples with ``top_p``.
    """

    max_gen_toks: Annotated[int, Field(ge=1)]
    temperature: Annotated[float, Field(ge=0)] = 0.0
    top_p: Annotated[float, Field(gt=0, le=1)] | None = None

    @property
    def samples(self) -> bool:
        """True when decoding samples (temperature above 0), so repeated answers differ."""
        return self.temperature > 0

    def generation_kwargs(self) -> dict[str, int | float | bool]:
        """The lm-eval generation_kwargs this mode sets on every generative task."""
        kwargs: dict[str, int | float | bool] = {
            "max_gen_toks": self.max_gen_toks,
            "do_sample": self.samples,
            "temperature": self.temperature,
        }
        if self.samples and self.top_p is not None:
            kwargs["top_p"] = self.top_p
        return kwargs


class SuiteTask(_Frozen):
    """One lm-eval task or group and how its score counts."""

    task: str = Field(description="lm-eval task or group name.")
    title: str = Field(description="Short name shown on the site.")
    title_en: str | None = Field(
        default=None, description="The short name on the English pages, where `title` has Korean words."
    )
    task_dir: str = Field(
        description="Where the task YAML lives: 'lm_eval:<folder under lm_eval/tasks>' "
        "or 'package:<folder under kleaderboard/suites/tasks>'. Only these folders are "
        "indexed, so a run never pays for lm-eval's full task index."
    )
    metric: str = Field(description="Metric key in lm-eval's results, e.g. acc or exact_match.")
    filter: str = Field(default="none", description="lm-eval filter name, e.g. strict-match.")
    n_shot: Annotated[int, Field(ge=0)]
    chance: Annotated[float, Field(ge=0, lt=1)] = Field(
        description="Score of random guessing; normalised score 0 means chance."
    )
    category: str
    weight: Annotated[float, Field(gt=0)] = 1.0
    limit: Annotated[int, Field(gt=0)] | None = Field(
        default=None, description="Evaluate only the first N documents (demo suites only)."
    )
    chat: TaskVariant | None = Field(
        default=None, description="Generative stand-in used in instruct and think_on/off modes."
    )
    dataset_revision: CommitSha | None = Field(
        default=None,
        description="The Hub commit of the dataset the task reads (lm-eval's dataset_path), so "
        "that two runs of one suite version read the same data.",
    )
    repeats: Annotated[int, Field(ge=1)] = Field(
        default=1,
        description="Answers sampled per item in modes that sample (temperature above 0); the "
        "score is the mean over items of each item's mean over its answers (small sets: AIME).",
    )
    about: About | None = Field(
        default=None, description="What it measures, why it is in the suite, how it is scored."
    )
    gated: bool = Field(
        default=False,
        description="The Hub dataset needs an accepted licence: the runner reads HF_TOKEN from "
        "the environment to download it.",
    )

    @property
    def reads_hub_dataset(self) -> bool:
        """lm-eval's own tasks read their data from the Hub; a package task does when its
        YAML's dataset_path names a Hub repository rather than files it ships."""
        if self.task_dir.startswith("lm_eval:"):
            return True
        return any(is_hub_repo_id(path) for path in _package_dataset_paths(self.include_path(), self.task))

    def for_mode(self, mode: Mode) -> SuiteTask:
        """The task as run in a mode: the chat variant for chat modes, else itself."""
        if mode not in CHAT_MODES or self.chat is None:
            return self
        changes = {k: v for k, v in self.chat.model_dump().items() if v is not None}
        return self.model_copy(update={**changes, "chat": None})

    @property
    def metric_key(self) -> str:
        """The key lm-eval uses in its results dict, e.g. 'acc,none'."""
        return f"{self.metric},{self.filter}"

    def include_path(self) -> Path:
        """The folder lm-eval should index for this task."""
        scheme, _, folder = self.task_dir.partition(":")
        if scheme == "package":
            return PACKAGE_TASKS_DIR / folder
        import importlib.util

        spec = importlib.util.find_spec("lm_eval")
        if spec is None or spec.origin is None:
            from kleaderboard.errors import MissingExtraError

            raise MissingExtraError("eval", "lm_eval")
        return Path(spec.origin).parent / "tasks" / folder


class ServingSpec(_Frozen):
    """The fixed serving workload timed for the cost figures."""

    input_tokens: Annotated[int, Field(ge=1)]
    output_tokens: Annotated[int, Field(ge=1)]
    concurrency: list[Annotated[int, Field(ge=1)]] = Field(min_length=1)


class Suite(_Frozen):
    """A versioned set of tasks with their categories."""

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")]
    version: Annotated[int, Field(ge=1)]
    title_ko: str
    title_en: str
    description: str = ""
    lm_eval_version: str = Field(description="The lm-eval release the suite was checked with.")
    backend: Backend = Backend.hf
    batch_size: Annotated[int, Field(ge=1)] = 8
    max_gen_toks: Annotated[int, Field(ge=1)] = 256
    categories: list[Category] = Field(min_length=1)
    tasks: list[SuiteTask] = Field(min_length=1)
    serving: ServingSpec | None = Field(
        default=None, description="Serving workload for the cost figures; none: not measured."
    )
    generation: dict[Mode, Generation] = Field(
        default_factory=dict,
        description="Generation budget and sampling per mode; a mode left out generates greedily "
        "up to max_gen_toks.",
    )
    require_dataset_revisions: bool = Field(
        default=False,
        description="Refuse the suite when a task that reads a Hub dataset has no dataset_revision.",
    )
    notes: list[SuiteNote] = Field(
        default_factory=list, description="Methodology paragraphs: changes from the last version, caveats."
    )

    @field_validator("backend")
    @classmethod
    def _in_process(cls, backend: Backend) -> Backend:
        if backend is Backend.local_completions:  # a server is chosen per run (--base-url), not per suite
            raise ValueError("a suite runs on 'hf' or 'vllm'; local-completions is chosen per run")
        return backend

    @model_validator(mode="after")
    def _consistent(self) -> Suite:
        ids = {c.id for c in self.categories}
        unknown = sorted({t.category for t in self.tasks} - ids)
        if unknown:
            raise ValueError(f"tasks use undeclared categories: {', '.join(unknown)}")
        names = [t.task for t in self.tasks]
        if len(names) != len(set(names)):
            raise ValueError("a task is listed twice")
        empty = sorted(ids - {t.category for t in self.tasks})
        if empty:
            raise ValueError(f"categories without tasks: {', '.join(empty)}")
        return self

    @property
    def label(self) -> str:
        """Name and version, e.g. 'ko-global-v1 (v1)'."""
        return f"{self.name} v{self.version}"

    def category(self, category_id: str) -> Category:
        """The category with this id."""
        return next(c for c in self.categories if c.id == category_id)

    def tasks_in(self, category_id: str) -> list[SuiteTask]:
        """The tasks of one category, in file order."""
        return [t for t in self.tasks if t.category == category_id]

    def for_mode(self, mode: Mode) -> Suite:
        """The suite as run in a mode (chat variants swapped in for chat modes)."""
        return self.model_copy(update={"tasks": [t.for_mode(mode) for t in self.tasks]})

    def generation_for(self, mode: Mode) -> Generation:
        """The generation budget and sampling of a mode (greedy up to max_gen_toks if unset)."""
        return self.generation.get(mode) or Generation(max_gen_toks=self.max_gen_toks)

    def capped(self, max_gen_toks: int) -> Suite:
        """The suite with every generation budget cut to max_gen_toks (tests, smoke runs)."""
        generation = {
            mode: g.model_copy(update={"max_gen_toks": min(g.max_gen_toks, max_gen_toks)})
            for mode, g in self.generation.items()
        }
        return self.model_copy(update={"max_gen_toks": max_gen_toks, "generation": generation})


class _TaskYamlLoader(yaml.SafeLoader):
    """Reads lm-eval task YAML for plain fields; `!function` tags become None."""


_TaskYamlLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def _package_dataset_paths(folder: Path, task: str) -> list[str]:
    """The dataset_path of the package YAML in folder that defines task (includes followed)."""
    for path in sorted(folder.glob("*.yaml")):
        config = yaml.load(path.read_text(encoding="utf-8"), Loader=_TaskYamlLoader) or {}
        if config.get("task") == task:
            while "dataset_path" not in config and isinstance(config.get("include"), str):
                config = yaml.load(
                    (folder / config["include"]).read_text(encoding="utf-8"), Loader=_TaskYamlLoader
                )
            return [str(config.get("dataset_path"))]
    return []


def available_suites() -> list[str]:
    """Names of the suites shipped with kleaderboard."""
    return sorted(p.stem for p in SUITES_DIR.glob("*.yaml"))


REVISION_FIX = (
    "add `dataset_revision: <40-hex commit>` to the task (print the current ones with "
    "`kleaderboard dataset-revisions --suite NAME`)"
)


def unpinned_tasks(suite: Suite) -> list[str]:
    """Tasks (and chat variants) that read a Hub dataset with no dataset_revision."""
    missing = [t.task for t in suite.tasks if t.reads_hub_dataset and t.dataset_revision is None]
    for task in suite.tasks:
        variant = task.for_mode(Mode.instruct) if task.chat is not None else None
        if variant is not None and variant.reads_hub_dataset and variant.dataset_revision is None:
            missing.append(variant.task)
    return missing


def _pin_problems(suite: Suite, path: Path) -> list[Problem]:
    if not suite.require_dataset_revisions:
        return []
    where = {t.task: f"tasks.{i}" for i, t in enumerate(suite.tasks)}
    where |= {t.chat.task: f"tasks.{i}.chat" for i, t in enumerate(suite.tasks) if t.chat}
    return [
        Problem(
            str(path),
            f"{where[name]}.dataset_revision",
            f"task '{name}' reads a Hub dataset with no pinned commit, and the suite sets "
            "require_dataset_revisions",
            REVISION_FIX,
        )
        for name in unpinned_tasks(suite)
    ]


def load_suite_file(path: Path) -> Suite:
    """Load and validate one suite definition file."""
    data = untrusted.load(path, error=SuiteError)
    try:
        suite = Suite.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(
            [
                Problem(
                    str(path),
                    ".".join(str(p) for p in e["loc"]),
                    e["msg"],
                    (e.get("ctx") or {}).get("fix") or "fix the suite file",
                )
                for e in exc.errors()
            ]
        ) from None
    problems = _pin_problems(suite, path)
    if problems:
        raise SuiteError(problems)
    return suite


@cache
def load_suite(name: str) -> Suite:
    """Load a shipped suite by name (e.g. 'ko-global-v1', 'demo')."""
    path = SUITES_DIR / f"{name}.yaml"
    if not path.is_file():
        raise SuiteError.single(
            name,
            "suite",
            "is not a known suite",
            f"use one of: {', '.join(available_suites())}",
        )
    return load_suite_file(path)
