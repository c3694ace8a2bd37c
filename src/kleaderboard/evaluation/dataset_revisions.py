"""The Hub datasets a suite reads: their current commits (for pinning), and a local mirror of them.

A suite task's ``dataset_revision`` pins the commit of the dataset it reads, so two runs
of one suite version read the same data. This module answers the maintainer's question
when filling or bumping the pins: which dataset does each task read (from lm-eval's own
task configs) and what is its commit on the Hub now (``HfApi().dataset_info(repo).sha``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kleaderboard.errors import HubError, InputError, brief
from kleaderboard.evaluation.snapshot import online_hub
from kleaderboard.kinds import Mode
from kleaderboard.suites import Suite, SuiteTask


@dataclass(frozen=True)
class DatasetPin:
    """One suite task (or chat variant), the Hub dataset it reads, and the commits."""

    task: str
    dataset: str
    pinned: str | None  # what the suite file says
    current: str  # what the Hub says now

    @property
    def line(self) -> str:
        """One line for the terminal: what to write in the suite file, and how it compares."""
        if self.pinned is None:
            state = "not pinned yet"
        elif self.pinned == self.current:
            state = "pinned, current"
        else:
            state = f"pinned to {self.pinned}, the Hub has moved on"
        return f"{self.task}: {self.dataset}  dataset_revision: {self.current}  # {state}"


def _tasks_and_variants(suite: Suite) -> list[SuiteTask]:
    variants = [t.for_mode(Mode.instruct) for t in suite.tasks if t.chat is not None]
    return [*suite.tasks, *variants]


def suite_datasets(suite: Suite) -> list[tuple[SuiteTask, str]]:
    """Each task and chat variant that reads a Hub dataset, with that dataset (one row each)."""
    from kleaderboard.evaluation import adapter

    tasks = _tasks_and_variants(suite)
    # pins are left out here: a wrong pin must not stop the command that prints the right one
    tm = adapter.make_task_manager([t.model_copy(update={"dataset_revision": None}) for t in tasks])
    return [(task, dataset) for task in tasks for dataset in adapter.hub_datasets(tm, task)]


def current_revision(api: Any, dataset: str) -> str:
    """The commit the Hub's default branch of a dataset points at now."""
    try:
        sha = api.dataset_info(dataset).sha
    except Exception as exc:  # huggingface_hub raises many kinds; each is an unusable answer here
        raise HubError(f"dataset {dataset}: the Hub did not say its current commit: {brief(exc)}") from exc
    if not sha:
        raise HubError(f"dataset {dataset}: the Hub's answer has no commit (sha)")
    return str(sha)


def dataset_pins(suite: Suite, endpoint: str | None = None) -> list[DatasetPin]:
    """Every Hub dataset the suite reads, with its pinned and current commit (one Hub call each)."""
    api = online_hub("reading the datasets' commits").HfApi(endpoint=endpoint)  # None: $HF_ENDPOINT
    current: dict[str, str] = {}
    pins = []
    for task, dataset in suite_datasets(suite):
        if dataset not in current:
            current[dataset] = current_revision(api, dataset)
        pins.append(DatasetPin(task.task, dataset, task.dataset_revision, current[dataset]))
    return pins


MIRROR_RECORD = ".kleaderboard-datasets.json"


def _wanted(suite: Suite) -> dict[str, str | None]:
    """Each Hub dataset the suite reads and the commit its tasks pin (None: not pinned)."""
    wanted: dict[str, str | None] = {}
    for task, dataset in suite_datasets(suite):
        pin, known = task.dataset_revision, wanted.get(dataset)
        if pin and known and pin != known:
            raise InputError.single(
                f"suite {suite.name}",
                f"{task.task}.dataset_revision",
                f"pins {dataset} at {pin}, another task of the suite at {known}",
                "pin one dataset at one commit in a suite",
            )
        wanted[dataset] = known or pin
    return wanted


def fetch_datasets(
    suite: Suite, dest: Path, endpoint: str | None = None, progress: Callable[[str], None] = print
) -> dict[str, str]:
    """Download every Hub dataset the suite reads into ``dest/<dataset>``, the mirror that
    ``evaluate --data-dir`` reads with no network: each at its pinned commit, or, when the suite
    pins none, at the commit the Hub names now (resolved first, so the download cannot move).

    ``dest/.kleaderboard-datasets.json`` records the commit of each; the run record keeps them.
    """
    hub = online_hub("mirroring the datasets")
    api = hub.HfApi(endpoint=endpoint)
    fetched: dict[str, str] = {}
    for dataset, pin in sorted(_wanted(suite).items()):
        revision = pin or current_revision(api, dataset)
        note = "" if pin else " (not pinned in the suite: the Hub's current commit)"
        progress(f"dataset {dataset} at {revision}{note}")
        try:
            hub.snapshot_download(
                dataset, repo_type="dataset", revision=revision, local_dir=dest / dataset, endpoint=endpoint
            )
        except Exception as exc:  # huggingface_hub's and httpx's errors alike
            raise HubError(f"dataset {dataset}@{revision}: download failed: {brief(exc)}") from exc
        fetched[dataset] = revision
    dest.mkdir(parents=True, exist_ok=True)
    (dest / MIRROR_RECORD).write_text(json.dumps(fetched, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return fetched


def mirror_revisions(data_dir: Path | None) -> dict[str, str]:
    """The commits a mirror made by :func:`fetch_datasets` holds; {} for any other folder."""
    if data_dir is None or not (data_dir / MIRROR_RECORD).is_file():
        return {}
    from kleaderboard.submission import untrusted

    data = untrusted.load_json(data_dir / MIRROR_RECORD, 1 << 20)
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items() if isinstance(v, str)}
