"""Reading loss curves as trainers write them: W&B CSV exports, TensorBoard event files,
Hugging Face Trainer's ``trainer_state.json``, Megatron-LM and NeMo text logs, plain CSV.

Each reader turns one source file into rows of named figures (:class:`SourceRow`), in
the order the trainer wrote them, and knows nothing of ``loss_log.csv``:
:mod:`kleaderboard.submission.loss_import` splits the rows into runs at restarts,
counts tokens and writes the log. A figure is looked up by the names the trainers
give it (:data:`NAMES`), or by the name a team maps with ``--map field=name``.

The layouts, as the tools write them:

* **W&B** "Export CSV" of a chart: a ``"Step"`` column, then ``"<run> - <metric>"``
  per run, each with ``__MIN`` and ``__MAX`` companions (the band of a smoothed
  chart, dropped here); a run's cell is empty at steps it did not log.
* **TensorBoard**: ``events.out.tfevents.<time>.<host>…`` files, one per process
  start, read with TensorBoard's own ``EventAccumulator``; each file is one run.
* **Hugging Face Trainer** ``trainer_state.json``: ``log_history`` is a list of
  objects; training ones hold ``loss``, ``learning_rate``, ``grad_norm``, ``step``
  (and ``num_input_tokens_seen`` with ``include_num_input_tokens_seen``), evaluation
  ones ``eval_loss`` at a ``step`` (transformers ``trainer_callback.TrainerState``).
* **Megatron-LM** ``training_log`` (megatron/training/training.py) prints
  ``[date] iteration N/ T | consumed samples: S | … | learning rate: … | global batch
  size: … | lm loss: … | grad norm: … |``; a non-finite loss is left off the line
  (it prints a loss only when its average is above 0), and validation prints
  ``validation loss at iteration N | lm loss value: …``.
* **NeMo**: NeMo 2's ``MegatronProgress`` (nemo/lightning/pytorch/callbacks/
  progress_printer.py) prints ``Training epoch E, iteration N/T | lr: … |
  global_step: … | reduced_train_loss: … | consumed_samples: …``; NeMo 1's
  progress bar ends its lines with ``[…, reduced_train_loss=…, global_step=…,
  consumed_samples=…]``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kleaderboard.errors import LossLogError, MissingExtraError, Problem
from kleaderboard.submission import untrusted

MAX_SOURCE_BYTES = 1024 * 1024 * 1024  # a Megatron log of a long run is hundreds of MiB
FORMATS = ("wandb", "tensorboard", "hf-trainer", "megatron", "nemo", "csv")
FIELDS = ("step", "loss", "tokens_seen", "consumed_samples", "learning_rate", "grad_norm", "eval_loss")
# The names trainers give each figure, compared in lower case.
NAMES: dict[str, tuple[str, ...]] = {
    "step": ("step", "global_step", "iteration", "iter", "_step", "train/global_step", "trainer/global_step"),
    "loss": (
        "loss",
        "train/loss",
        "train_loss",
        "lm loss",
        "lm_loss",
        "reduced_train_loss",
        "train/lm_loss",
        "loss/train",
    ),
    "tokens_seen": (
        "tokens_seen",
        "tokens",
        "num_input_tokens_seen",
        "train/num_input_tokens_seen",
        "consumed_tokens",
        "consumed tokens",
        "train/tokens_seen",
    ),
    "consumed_samples": (
        "consumed_samples",
        "consumed samples",
        "consumed-samples",
        "train/consumed_samples",
    ),
    "learning_rate": (
        "learning_rate",
        "lr",
        "learning rate",
        "learning-rate",
        "train/learning_rate",
        "train/lr",
    ),
    "grad_norm": ("grad_norm", "grad norm", "grad-norm", "train/grad_norm", "gradient_norm"),
    "eval_loss": ("eval_loss", "eval/loss", "val_loss", "validation_loss", "lm loss value"),
}


@dataclass(frozen=True)
class SourceRow:
    """One logged step: where it was read (for messages) and its figures, as written."""

    where: str  # "line 12", "log_history[3]", "step 100 (train/loss)"
    figures: dict[str, float]


@dataclass(frozen=True)
class Source:
    """What a reader found in one file: its runs in order (one unless the format has several)."""

    path: Path
    runs: list[tuple[str, list[SourceRow]]] = field(default_factory=list)


class Names:
    """Which source name means which field: the team's --map first, then :data:`NAMES`."""

    def __init__(self, mapping: Mapping[str, str]) -> None:
        self.mapping = {k: v.strip().lower() for k, v in mapping.items()}

    def field_of(self, name: str) -> str | None:
        key = name.strip().lower()
        for fld, mapped in self.mapping.items():
            if key == mapped:
                return fld
        for fld in FIELDS:
            if fld not in self.mapping and key in NAMES[fld]:
                return fld
        return None


def read_source(path: Path, fmt: str, names: Names, problems: list[Problem]) -> Source:
    """Read one file in the given format; problems with the file are added to ``problems``."""
    readers = {
        "wandb": _read_wandb,
        "tensorboard": _read_tensorboard,
        "hf-trainer": _read_hf_trainer,
        "megatron": _read_text_log,
        "nemo": _read_text_log,
        "csv": _read_csv,
    }
    return readers[fmt](path, names, problems)


def _number(text: str) -> float | None:
    try:
        return float(text.strip().replace(",", ""))
    except ValueError:
        return None


# --- CSV: plain and W&B -----------------------------------------------------------------------


def _csv_rows(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    text = untrusted.read_text(path, MAX_SOURCE_BYTES, LossLogError)
    reader = csv.reader(io.StringIO(text, newline=None))
    header = next(reader, [])

    def rows() -> Iterator[tuple[int, list[str]]]:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield reader.line_num, row

    return [h.strip() for h in header], rows()


def _read_csv(path: Path, names: Names, problems: list[Problem]) -> Source:
    header, rows = _csv_rows(path)
    columns = {i: fld for i, name in enumerate(header) if (fld := names.field_of(name))}
    if not _has_step_and_loss(path, header, set(columns.values()), problems):
        return Source(path)
    out = [SourceRow(f"line {n}", _figures(row, columns)) for n, row in rows]
    return Source(path, [(path.name, out)])


def _figures(row: list[str], columns: dict[int, str]) -> dict[str, float]:
    figures = {}
    for index, fld in columns.items():
        value = _number(row[index]) if index < len(row) and row[index].strip() else None
        if value is not None:
            figures[fld] = value
    return figures


def _has_step_and_loss(path: Path, header: list[str], found: set[str], problems: list[Problem]) -> bool:
    missing = [f for f in ("step", "loss") if f not in found]
    for fld in missing:
        shown = ", ".join(repr(h) for h in header[:12]) or "none"
        problems.append(
            Problem(
                str(path),
                "header",
                f"no column holds the {fld} (columns: {shown})",
                f"name it with --map {fld}=COLUMN",
            )
        )
    return not missing


WANDB_BAND = ("__MIN", "__MAX")


def _read_wandb(path: Path, names: Names, problems: list[Problem]) -> Source:
    header, rows = _csv_rows(path)
    step_index = next((i for i, h in enumerate(header) if names.field_of(h) == "step"), None)
    runs: dict[str, dict[int, str]] = {}
    for index, name in enumerate(header):
        run, sep, metric = name.partition(" - ")
        if sep and not metric.endswith(WANDB_BAND) and (fld := names.field_of(metric)):
            runs.setdefault(run, {})[index] = fld
    with_loss = {run: cols for run, cols in runs.items() if "loss" in cols.values()}
    if step_index is None or not with_loss:
        found = {"step"} if step_index is not None else set()
        found |= {"loss"} if with_loss else set()
        _has_step_and_loss(path, header, found, problems)
        return Source(path)
    per_run: dict[str, list[SourceRow]] = {run: [] for run in with_loss}
    for line, row in rows:
        for run, columns in with_loss.items():
            figures = _figures(row, columns)
            if figures and step_index < len(row) and (step := _number(row[step_index])) is not None:
                per_run[run].append(SourceRow(f"line {line} ({run})", {"step": step, **figures}))
    # A run that resumed is exported as its own columns: runs are taken in the order they start.
    ordered = sorted(per_run.items(), key=lambda item: item[1][0].figures["step"] if item[1] else math.inf)
    return Source(path, [(run, rows_) for run, rows_ in ordered if rows_])


# --- Hugging Face Trainer ---------------------------------------------------------------------


def _read_hf_trainer(path: Path, names: Names, problems: list[Problem]) -> Source:
    # Not strict: the Trainer writes a diverged loss as NaN, which is dropped and counted later.
    data = untrusted.load_json(path, MAX_SOURCE_BYTES, LossLogError, strict=False)
    history = data.get("log_history") if isinstance(data, dict) else None
    if not isinstance(history, list):
        problems.append(
            Problem(str(path), "log_history", "is missing", "give the trainer_state.json the Trainer saved")
        )
        return Source(path)
    rows: list[SourceRow] = []
    evals: dict[float, float] = {}
    for index, entry in enumerate(history):
        # The summary entry at the end holds the run's mean 'train_loss': not a logged step.
        if not isinstance(entry, dict) or "train_runtime" in entry:
            continue
        figures = {
            fld: float(value)
            for key, value in entry.items()
            if (fld := names.field_of(key)) and isinstance(value, int | float) and not isinstance(value, bool)
        }
        if "loss" in figures and "step" in figures:
            rows.append(SourceRow(f"log_history[{index}]", figures))
        elif "eval_loss" in figures and "step" in figures:
            evals[figures["step"]] = figures["eval_loss"]
    for row in rows:  # an evaluation is logged as its own entry at the same step
        if row.figures["step"] in evals:
            row.figures.setdefault("eval_loss", evals[row.figures["step"]])
    if not rows:
        problems.append(
            Problem(
                str(path),
                "log_history",
                "holds no entry with both 'loss' and 'step'",
                "set logging_steps so the Trainer logs the training loss",
            )
        )
    return Source(path, [(path.name, rows)])


# --- Megatron-LM and NeMo text logs -----------------------------------------------------------

_ITERATION = re.compile(r"iteration\s+(\d+)\s*/\s*\d+")
_VALIDATION = re.compile(r"validation loss at iteration\s+(\d+)\s*\|\s*lm loss value:\s*(\S+)", re.IGNORECASE)
_PAIR = re.compile(r"^\s*([A-Za-z][\w /().-]*?)\s*:\s*(\S+)\s*$")
_POSTFIX = re.compile(r"([A-Za-z_][\w/]*)=\s*([-+0-9.eEnaNif]+)")


def _read_text_log(path: Path, names: Names, problems: list[Problem]) -> Source:
    text = untrusted.read_text(path, MAX_SOURCE_BYTES, LossLogError)
    rows: list[SourceRow] = []
    evals: dict[float, float] = {}
    # Progress bars rewrite their line with '\r': each rewrite is a line of its own.
    for number, line in enumerate(text.replace("\r", "\n").split("\n"), start=1):
        if found := _VALIDATION.search(line):
            if (value := _number(found.group(2))) is not None or found.group(2).lower() in ("nan", "inf"):
                evals[float(found.group(1))] = float(found.group(2)) if value is None else value
            continue
        figures = _line_figures(line, names)
        if figures is not None:
            rows.append(SourceRow(f"line {number}", figures))
    for row in rows:
        if row.figures.get("step") in evals:
            row.figures.setdefault("eval_loss", evals[row.figures["step"]])
    if not rows:
        problems.append(
            Problem(
                str(path),
                "",
                "holds no training line ('iteration N/T | … | lm loss: …' or '… reduced_train_loss=…')",
                "give the trainer's standard output log (rank 0 or the last rank)",
            )
        )
    return Source(path, [(path.name, rows)])


def _line_figures(line: str, names: Names) -> dict[str, float] | None:
    """The figures of one training line, or None for any other line."""
    pairs: list[tuple[str, str]] = []
    if "|" in line and (iteration := _ITERATION.search(line)):
        pairs.append(("iteration", iteration.group(1)))
        pairs += [(m.group(1), m.group(2)) for part in line.split("|") if (m := _PAIR.match(part))]
    elif "reduced_train_loss=" in line or "global_step=" in line:
        pairs += _POSTFIX.findall(line)
    else:
        return None
    figures: dict[str, float] = {}
    for name, raw in pairs:
        fld = names.field_of(name)
        value = _number(raw)
        if fld and value is not None:
            # NeMo's global_step is the optimizer step; 'iteration' counts within an epoch.
            if fld == "step" and "step" in figures and name.strip().lower() == "iteration":
                continue
            figures[fld] = value
    return figures if "step" in figures else None


# --- TensorBoard ------------------------------------------------------------------------------


def source_files(path: Path) -> list[Path]:
    """The files a source path stands for: itself, or the event files under a TensorBoard folder."""
    if path.is_file():
        return [path]
    # The file name starts with the time the writer opened it: name order is start order.
    return sorted((p for p in path.rglob("*tfevents*") if p.is_file()), key=lambda p: p.name)


def _read_tensorboard(path: Path, names: Names, problems: list[Problem]) -> Source:
    try:
        from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    except ImportError:
        raise MissingExtraError("losslog", "tensorboard") from None
    files = source_files(path)
    if not files:
        problems.append(
            Problem(
                str(path), "", "holds no TensorBoard event file", "give the run's log folder or events file"
            )
        )
        return Source(path)
    source = Source(path)
    for file in files:
        accumulator = EventAccumulator(str(file), size_guidance={"scalars": 0, "tensors": 0})
        accumulator.Reload()
        by_step: dict[int, dict[str, float]] = {}
        for tag, fld in _tags(accumulator, names):
            for step, value in _scalars(accumulator, tag):
                by_step.setdefault(step, {"step": float(step)})[fld] = value
        rows = [
            SourceRow(f"step {step}", figures)
            for step, figures in sorted(by_step.items())
            if "loss" in figures  # a step with an evaluation alone is not a training row
        ]
        if rows:
            source.runs.append((file.name, rows))
    if not source.runs:
        problems.append(
            Problem(
                str(path),
                "tags",
                "no scalar tag holds the loss",
                "name the tag with --map loss=TAG (e.g. --map 'loss=lm loss')",
            )
        )
    return source


def _tags(accumulator: Any, names: Names) -> list[tuple[str, str]]:
    tags = accumulator.Tags()
    found = []
    for tag in [*tags.get("scalars", []), *tags.get("tensors", [])]:
        if (fld := names.field_of(tag)) and fld != "step":
            found.append((tag, fld))
    return found


def _scalars(accumulator: Any, tag: str) -> list[tuple[int, float]]:
    """(step, value) of a tag written as a scalar (PyTorch, TF1) or as a tensor (TF2)."""
    if tag in accumulator.Tags().get("scalars", []):
        return [(event.step, float(event.value)) for event in accumulator.Scalars(tag)]
    from tensorboard.util import tensor_util

    return [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in accumulator.Tensors(tag)]


__all__ = ["FIELDS", "FORMATS", "NAMES", "Names", "Source", "SourceRow", "read_source", "source_files"]
