"""The contamination pass: after the scores, does the model know the test items themselves?

For each multiple-choice suite task it scores copies of the items the pipeline makes
(options shuffled with a fixed seed, the prompt frame reworded; see the adapter) for the
perturbation gap and, when a private folder has items of the task, scores them (the rank
delta) and reads the token log-probabilities of the task's published items against its
private ones (Min-K%, Min-K%++): members and non-members of one style in one frame, as
the membership literature evaluates them. The record
keeps figures, counts and a hash of the private items, never the items. What cannot be
measured (a backend without token distributions, a task with nothing to perturb) is said
in ``not_measured``, so an absent signal is never read as a clean one.

The private folder holds ``<leaf task>.jsonl`` files, each line a document in the leaf's
own dataset schema; it is named by ``--private-dir`` or ``KLEADERBOARD_PRIVATE_DIR``.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kleaderboard import contamination as stats
from kleaderboard.errors import EvaluationError, InputError
from kleaderboard.records import Contamination, MembershipSignal, PerturbationScore, PrivateSliceScore
from kleaderboard.suites import Suite, SuiteTask

if TYPE_CHECKING:
    from kleaderboard.evaluation.adapter import LM, VariantRun

PRIVATE_DIR_ENV = "KLEADERBOARD_PRIVATE_DIR"


def private_dir_from_env() -> Path | None:
    """The private slice's folder named by the environment, if any."""
    value = os.environ.get(PRIVATE_DIR_ENV, "").strip()
    return Path(value) if value else None


def read_private_items(folder: Path, leaves: list[str]) -> dict[str, list[dict[str, Any]]]:
    """The private items for these leaf tasks: ``<leaf>.jsonl`` files, one JSON object a line."""
    if not folder.is_dir():
        raise InputError.single(
            folder, "", "is not a folder", f"give --private-dir (or ${PRIVATE_DIR_ENV}) an existing folder"
        )
    items: dict[str, list[dict[str, Any]]] = {}
    for leaf in leaves:
        path = folder / f"{leaf}.jsonl"
        if path.is_file():
            items[leaf] = _read_jsonl(path)
    return items


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError.single(
                path, f"line {number}", f"is not JSON ({exc.msg})", "write one object a line"
            ) from exc
        if not isinstance(doc, dict):
            raise InputError.single(path, f"line {number}", "is not a JSON object", "write one object a line")
        docs.append(doc)
    if not docs:
        raise InputError.single(path, "", "has no items", "add items or remove the file")
    return docs


def items_hash(items: dict[str, list[dict[str, Any]]]) -> str:
    """sha256 of the private items (canonical JSON, leaves sorted): proves which items, shows none."""
    digest = hashlib.sha256()
    for leaf in sorted(items):
        digest.update(leaf.encode())
        for doc in items[leaf]:
            digest.update(json.dumps(doc, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


NO_PRIVATE_SLICE = (
    "{task}: membership not measured: no private slice of this task, so no unseen items in the "
    "published frame to compare with (reworded copies read unfamiliar even to a clean model)"
)


@dataclass
class _Pass:
    """What the pass has gathered so far."""

    lm: LM
    tm: object
    perturbation: list[PerturbationScore] = field(default_factory=list)
    private: list[PrivateSliceScore] = field(default_factory=list)
    not_measured: list[str] = field(default_factory=list)
    # per suite task: its items as published, and its private items in the same frame
    published_texts: dict[str, list[str]] = field(default_factory=dict)
    private_texts: dict[str, list[str]] = field(default_factory=dict)
    requests: int = 0
    tokens: int = 0

    def _count(self, run: VariantRun) -> None:
        """The extra requests and tokens one variant cost (the record reports them)."""
        self.requests += run.requests
        self.tokens += run.tokens

    def perturb(self, task: SuiteTask, published_items: dict[str, float] | None, limit: int | None) -> None:
        from kleaderboard.evaluation import adapter

        perturbed = adapter.run_perturbed(self.lm, self.tm, task, limit)
        self.published_texts[task.task] = [p.published for p in perturbed.pairs]
        if not perturbed.perturbations:
            self.not_measured.append(
                f"{task.task}: no perturbation applies (the options are not in the prompt and it has no "
                "frame words to reword)"
            )
            return
        if published_items is None:  # the score carried over: the items are scored again here
            published = adapter.run_published(self.lm, self.tm, task, limit)
            self._count(published)
            published_items = published.items
        self._count(perturbed)
        keys = sorted(set(published_items) & set(perturbed.items))
        gap = stats.paired_gap([published_items[k] for k in keys], [perturbed.items[k] for k in keys])
        self.perturbation.append(
            PerturbationScore(
                task=task.task,
                metric=task.metric_key,
                published=gap.published,
                perturbed=gap.perturbed,
                gap=gap.value,
                gap_stderr=gap.stderr,
                n_items=gap.n,
                perturbations=list(perturbed.perturbations),
            )
        )

    def private_slice(self, task: SuiteTask, items: dict[str, list[dict[str, Any]]]) -> None:
        from kleaderboard.evaluation import adapter

        run, texts = adapter.run_private(self.lm, self.tm, task, items)
        self._count(run)
        self.private_texts[task.task] = texts
        self.private.append(
            PrivateSliceScore(
                task=task.task,
                metric=task.metric_key,
                value=run.value,
                stderr=run.stderr,
                n_items=sum(len(v) for v in items.values()),
                items_sha256=items_hash(items),
            )
        )

    def membership(self) -> list[MembershipSignal]:
        """Per task, its published items against its private items: same style, same frame.

        Frame-shifted controls (the reworded copies) are not used: their frame words are rarer
        in any corpus, so they look unfamiliar to clean and leaked models alike.
        """
        signals: list[MembershipSignal] = []
        for task, published in self.published_texts.items():
            controls = self.private_texts.get(task, [])
            if not published or not controls:
                self.not_measured.append(NO_PRIVATE_SLICE.format(task=task))
                continue
            try:
                signals.extend(self._task_membership(task, published, controls))
            except EvaluationError as exc:
                self.not_measured.append(f"{task}: membership not measured: {exc}")
        return signals

    def _task_membership(
        self, task: str, published: list[str], controls: list[str]
    ) -> list[MembershipSignal]:
        from kleaderboard.evaluation import adapter

        scored = adapter.token_statistics(self.lm, published + controls)
        self.requests += len(scored)
        self.tokens += sum(len(logp) + 1 for logp, _ in scored)
        items, rest = scored[: len(published)], scored[len(published) :]
        signals = []
        for name, pick in (("min_k", 0), ("min_k_plus_plus", 1)):
            item_scores = [stats.min_k_prob(s[pick]) for s in items if s[pick]]
            control_scores = [stats.min_k_prob(s[pick]) for s in rest if s[pick]]
            signals.append(
                MembershipSignal(
                    task=task,
                    statistic=name,
                    k=stats.MIN_K_FRACTION,
                    auc=stats.auc(item_scores, control_scores),
                    n_items=len(item_scores),
                    n_controls=len(control_scores),
                    controls=["private"],
                    item_mean=_mean(item_scores),
                    control_mean=_mean(control_scores),
                )
            )
        return signals


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def run_contamination(
    lm: LM,
    tm: object,
    suite: Suite,
    published: dict[str, dict[str, float]],
    *,
    limit: int | None,
    private_dir: Path | None,
) -> Contamination:
    """The contamination pass over a suite's multiple-choice tasks.

    ``published`` maps a suite task to its per-item metric from the evaluation just run
    (absent when its score carried over; the pass then scores the items again).
    """
    from kleaderboard.evaluation import adapter

    started = time.monotonic()
    state = _Pass(lm, tm)
    for task in suite.tasks:
        leaves = adapter.multiple_choice_leaves(tm, task)
        if not leaves or len(leaves) != len(adapter.leaf_tasks(tm, task.task)):
            state.not_measured.append(f"{task.task}: not multiple choice; no perturbation is defined")
            continue
        state.perturb(task, published.get(task.task), limit or task.limit)
        if private_dir is not None:
            items = read_private_items(private_dir, leaves)
            if items:
                state.private_slice(task, items)
    membership = state.membership()
    result = Contamination(
        perturbation=state.perturbation,
        membership=membership,
        private=state.private,
        not_measured=state.not_measured,
        requests=state.requests,
        tokens=state.tokens,
        seconds=round(time.monotonic() - started, 3),
    )
    return result
