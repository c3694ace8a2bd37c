"""``kleaderboard import-loss-log``: a trainer's loss curve, as it wrote it, into ``loss_log.csv``.

The readers (:mod:`kleaderboard.submission.loss_sources`) give rows of named figures;
this module makes one line of training of them and says, in ``#`` notes above the
header, everything it did, so that the converted log (what the evidence reads) can be
traced back to the original files:

* **Runs and restarts.** A file with several runs (W&B columns, TensorBoard files of
  one folder) or a log whose steps go back (a restart from a checkpoint) is split into
  runs in the order they started. A run that resumes at step S wins: the earlier rows
  from step S on are replaced, and the note says how many and which steps — an overlap
  is recorded, never hidden, and rows are never sorted (sorting would interleave runs).
* **Non-finite rows** (a ``nan`` or ``inf`` figure, or a Megatron line that left the
  loss out because it was not finite) are dropped and counted, with their steps.
* **Tokens**, in this order: the trainer's own count (``num_input_tokens_seen``, a
  tokens column); consumed samples × ``--seq-len``; step × ``--global-batch`` ×
  ``--seq-len``. The note names which.
* **Problems**: the converted rows are checked by the same parser the validator uses
  (:func:`kleaderboard.submission.loss_log.parse_loss_log`), and every problem of every
  row is reported at once against the source file and row, with its fix. Nothing is
  written while there is a problem.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from kleaderboard import display
from kleaderboard.errors import InputError, LossLogError, Problem
from kleaderboard.submission import untrusted
from kleaderboard.submission.loss_log import COLUMNS, parse_loss_log
from kleaderboard.submission.loss_sources import (
    FIELDS,
    MAX_SOURCE_BYTES,
    Names,
    SourceRow,
    read_source,
    source_files,
)
from kleaderboard.suggest import perhaps

MAX_SHOWN_STEPS = 10  # steps listed in a note; the count is always whole


@dataclass(frozen=True)
class TokenRecipe:
    """A declared way to count tokens when the log has no count of its own."""

    global_batch: int | None = None  # sequences per optimizer step
    seq_len: int | None = None  # tokens per sequence


@dataclass(frozen=True)
class ImportOptions:
    fmt: str
    mapping: Mapping[str, str]  # field -> the source's name for it (--map)
    recipe: TokenRecipe = TokenRecipe()


@dataclass(frozen=True)
class _Row:
    file: str
    run: str
    source: SourceRow

    @property
    def step(self) -> float:
        return self.source.figures["step"]


@dataclass(frozen=True)
class Overlap:
    """A run that resumed at a step the run before had already logged."""

    run: str
    resumed_at: int
    replaced: int
    first: int
    last: int

    @property
    def note(self) -> str:
        return (
            f"run {self.run!r} resumes at step {self.resumed_at}: it replaces {self.replaced} row(s) "
            f"(steps {self.first} to {self.last}) of the run before"
        )


_RESUMES = re.compile(r"^run .* resumes at step (\d+): it replaces ")


def resumed_steps(notes: Iterable[str]) -> tuple[int, ...]:
    """The steps at which a run resumed, read back from the notes this module wrote (Overlap.note)."""
    return tuple(int(m.group(1)) for note in notes if (m := _RESUMES.match(note.strip())))


@dataclass(frozen=True)
class Imported:
    """A converted log: its text (notes, header, rows) and what the conversion did."""

    text: str
    rows: int
    runs: int
    overlaps: tuple[Overlap, ...]
    dropped_steps: tuple[int, ...]
    notes: tuple[str, ...]


def import_loss_log(paths: list[Path], out: Path, options: ImportOptions) -> Imported:
    """Convert the files into ``out`` (written whole or not at all); LossLogError lists every problem."""
    imported = convert(paths, options)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(imported.text, encoding="utf-8")
    tmp.replace(out)
    return imported


def convert(paths: list[Path], options: ImportOptions) -> Imported:
    """The loss_log.csv text for the given trainer files."""
    problems = _mapping_problems(options.mapping)
    names = Names(options.mapping)
    runs: list[list[_Row]] = []
    for path in paths:
        source = read_source(path, options.fmt, names, problems)
        for run, rows in source.runs:
            runs += _split_at_restarts([_Row(str(path), run, row) for row in rows])
    if problems:
        raise LossLogError(problems)
    dropped = [
        int(row.step) if math.isfinite(row.step) else -1 for run in runs for row in run if not _finite(row)
    ]
    merged, overlaps = _merge([[row for row in run if _finite(row)] for run in runs])
    tokens, how = _tokens(merged, options.recipe, problems)
    if problems:
        raise LossLogError(problems)
    notes = [
        *(_source_note(path, options.fmt) for path in paths),
        *(f"map: {fld}={name}" for fld, name in sorted(options.mapping.items())),
        f"tokens_seen: {how}",
        f"runs: {len(runs)}",
        *(overlap.note for overlap in overlaps),
        _dropped_note(dropped),
    ]
    text = _text(notes, merged, tokens)
    _check(text, merged, len(notes))
    return Imported(text, len(merged), len(runs), tuple(overlaps), tuple(dropped), tuple(notes))


def _mapping_problems(mapping: Mapping[str, str]) -> list[Problem]:
    problems = []
    for fld in mapping:
        if fld not in FIELDS:
            fix = perhaps(fld, FIELDS) or f"map one of: {', '.join(FIELDS)}"
            problems.append(Problem("--map", fld, "is not a field of the loss log", fix))
    return problems


def _split_at_restarts(rows: list[_Row]) -> list[list[_Row]]:
    """One list per run: a step that goes back (or repeats) starts the next run."""
    runs: list[list[_Row]] = []
    for row in rows:
        if runs and row.step > runs[-1][-1].step:
            runs[-1].append(row)
        else:
            runs.append([row])
    if len(runs) > 1:
        runs = [[_Row(r.file, f"{r.run} part {n}", r.source) for r in run] for n, run in enumerate(runs, 1)]
    return runs


def _finite(row: _Row) -> bool:
    """A row the log keeps: a loss, and every figure finite."""
    figures = row.source.figures
    return "loss" in figures and all(math.isfinite(v) for v in figures.values())


def _merge(runs: list[list[_Row]]) -> tuple[list[_Row], list[Overlap]]:
    """One line of training: a run that resumes at step S replaces the rows from S on."""
    merged: list[_Row] = []
    overlaps = []
    for run in (r for r in runs if r):
        start = run[0].step
        replaced = [row for row in merged if row.step >= start]
        if replaced:
            first, last = int(replaced[0].step), int(replaced[-1].step)
            overlaps.append(Overlap(run[0].run, int(start), len(replaced), first, last))
            merged = [row for row in merged if row.step < start]
        merged += run
    return merged, overlaps


def _tokens(rows: list[_Row], recipe: TokenRecipe, problems: list[Problem]) -> tuple[list[float], str]:
    """tokens_seen of each row and how it was counted; a problem when it cannot be."""
    if all("tokens_seen" in row.source.figures for row in rows):
        return [row.source.figures["tokens_seen"] for row in rows], "the trainer's own token count"
    samples = all("consumed_samples" in row.source.figures for row in rows)
    if samples and recipe.seq_len:
        how = f"consumed samples x sequence length {recipe.seq_len} (declared with --seq-len)"
        return [row.source.figures["consumed_samples"] * recipe.seq_len for row in rows], how
    if recipe.global_batch and recipe.seq_len:
        per_step = recipe.global_batch * recipe.seq_len
        how = (
            f"step x global batch {recipe.global_batch} x sequence length {recipe.seq_len} "
            f"= step x {per_step} (declared with --global-batch and --seq-len)"
        )
        return [row.step * per_step for row in rows], how
    fix = (
        "give --seq-len L (tokens = consumed samples x L)"
        if samples
        else "give --global-batch G --seq-len L (tokens = step x G x L), or --map tokens_seen=NAME"
    )
    where = rows[0].file if rows else "--seq-len"
    problems.append(Problem(where, "tokens_seen", "the log has no token count for every row", fix))
    return [], ""


def _source_note(path: Path, fmt: str) -> str:
    digests = []
    for file in source_files(path):
        data = untrusted.read_bytes(file, MAX_SOURCE_BYTES, LossLogError)
        digests.append(f"{file.name} sha256 {hashlib.sha256(data).hexdigest()}")
    return f"source ({fmt}): " + "; ".join(digests)


def _dropped_note(dropped: list[int]) -> str:
    if not dropped:
        return "dropped: 0 rows"
    shown = ", ".join(str(step) for step in dropped[:MAX_SHOWN_STEPS])
    more = " …" if len(dropped) > MAX_SHOWN_STEPS else ""
    return f"dropped: {len(dropped)} row(s) with a non-finite or missing loss or value (steps {shown}{more})"


def _cell(value: float | None, whole: bool = False) -> str:
    if value is None:
        return ""
    if whole and value.is_integer():
        return str(int(value))
    return repr(value)


def _text(notes: list[str], rows: list[_Row], tokens: list[float]) -> str:
    lines = [f"# {note}" for note in notes]
    lines.append(",".join(COLUMNS))
    for row, seen in zip(rows, tokens, strict=True):
        figures = row.source.figures
        cells = [_cell(row.step, True), _cell(seen, True)]
        cells += [_cell(figures.get(column)) for column in COLUMNS[2:]]
        lines.append(",".join(cells))
    return "\n".join(lines) + "\n"


def _check(text: str, rows: list[_Row], note_lines: int) -> None:
    """Parse the result as the validator will; each problem is told against its source row."""
    try:
        parse_loss_log(text, "loss_log.csv")
    except InputError as exc:
        first_row_line = note_lines + 2  # the notes, then the header
        problems = []
        for problem in exc.problems:
            line, _, column = problem.field.partition(", ")
            index = int(line.removeprefix("line ")) - first_row_line if line.startswith("line ") else -1
            if 0 <= index < len(rows):
                row = rows[index]
                where = f"{row.source.where}, {column}" if column else row.source.where
                problems.append(Problem(row.file, where, problem.message, problem.fix))
            else:
                problems.append(problem)
        raise LossLogError(problems) from None


def describe(imported: Imported, out: Path) -> str:
    """One line for the terminal: what was written."""
    return (
        f"wrote {out}: {display.number(imported.rows)} rows from {imported.runs} run(s), "
        f"{len(imported.overlaps)} overlap(s) replaced, "
        f"{len(imported.dropped_steps)} non-finite row(s) dropped"
    )


__all__ = ["ImportOptions", "Imported", "Overlap", "TokenRecipe", "convert", "describe", "import_loss_log"]
