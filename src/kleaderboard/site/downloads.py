"""Every table of the site as data: JSON and CSV at stable URLs next to the pages.

``leaderboard.json`` is a documented, versioned format: :class:`LeaderboardFile` is its
model (its JSON Schema is published beside it as ``leaderboard.schema.json``), and
``format_version`` changes only when a field changes meaning or disappears; new fields may
be added within a version. ``claims.json`` (:class:`ClaimsFile`) holds the teams' claims
and the external figures. The CSV files hold the same rows, one per line. Each field says
whether it is declared (submission.yaml) or measured (a run record); URLs are relative to
the site root.

A site may score the submissions on several suites (one board each, never ranked across):
``leaderboard.json``/``.csv`` hold the main (first) suite's board, and every board, the main
one included, is also at ``leaderboards/<suite>.json``/``.csv`` in the same format, its
``suite`` and ``suite_version`` saying which board it is.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from kleaderboard.scoring import normalise
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.site import claims, claims_board, costs, history, rank_ranges
from kleaderboard.site.outputs import Outputs

LEADERBOARD_JSON = "leaderboard.json"
LEADERBOARD_CSV = "leaderboard.csv"
LEADERBOARD_SCHEMA = "leaderboard.schema.json"
CLAIMS_JSON = "claims.json"
CLAIMS_CSV = "claims.csv"
EXTERNAL_CSV = "external.csv"
CLAIMS_SCHEMA = "claims.schema.json"
SUITE_BOARDS = "leaderboards"  # leaderboards/<suite>.json and .csv: one board per suite
FORMAT_VERSION: Literal[1] = 1

UrlOf = Callable[[str], str]  # a source file's URL relative to the site root (pages.Links.url)


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Figure(_Data):
    """A measured index with its standard error."""

    value: float
    stderr: float | None = None


class CategoryName(_Data):
    id: str
    ko: str
    en: str


class ClaimGap(_Data):
    """A model's self-reported score furthest from this suite's measurement of it (checked)."""

    benchmark: str = Field(description="The benchmark as the manifest names it (declared).")
    claimed: float = Field(description="The team's figure, 0-100 (declared).")
    measured: float = Field(description="This suite's measurement, 0-100 (measured).")
    measured_stderr: float | None = Field(description="Its standard error; null: not reported.")
    gap: float = Field(description="claimed − measured (checked).")


class LeaderboardRow(_Data):
    """One model of the measured leaderboard."""

    id: str = Field(description="The submission, <org>/<model>.")
    model: str = Field(description="Display name (declared).")
    team: str = Field(description="Team name (declared).")
    page: str = Field(description="The model's page, relative to the site root.")
    entered_by: Literal["team", "maintainers"] = Field(description="Who wrote the manifest (declared).")
    status: str = Field(description="evaluated, incomplete, failed, awaiting, pending or previous.")
    mode: str = Field(description="The mode the model is ranked in.")
    rank: int | None = Field(description="Rank by overall index (measured); null: not ranked.")
    rank_range: list[int] | None = Field(
        default=None,
        description="[best, worst] rank where 95 % intervals of the overall index overlap; null: not ranked.",
    )
    overall: Figure | None = Field(description="Overall index, 0 = chance, 100 = perfect (measured).")
    categories: dict[str, Figure | None] = Field(description="Index per category id (measured).")
    output_tokens_per_second: float | None = Field(
        description="At the highest concurrency of the serving workload (measured)."
    )
    usd_per_million_output_tokens: float | None = Field(
        description="Measured throughput at the committed GPU price (measured)."
    )
    cpu_figures: bool = Field(description="True when the cost figures were measured on a CPU.")
    parameters_total: int = Field(description="Total parameters (declared).")
    parameters_active: int | None = Field(description="Active parameters per token (declared).")
    weights_from_zero: bool | None = Field(description="Weights initialised from zero (declared).")
    loss_log: Literal["none", "invalid", "present"] = Field(description="The team's loss log.")
    licence: str = Field(description="Licence (declared).")
    manifest_sha256: str = Field(description="sha256 of submission.yaml as it stands now.")
    run_id: str | None = Field(description="The run the scores come from.")
    run_record: str | None = Field(description="That run record's URL, relative to the site root.")
    suite_version: int | None = Field(description="The suite version of that run.")
    stale: list[str] = Field(
        default_factory=list,
        description="Why the scored run no longer describes the manifest (e.g. revision changed); "
        "empty when it still does.",
    )
    claim_gap: ClaimGap | None = Field(
        default=None,
        description="The self-reported score furthest from this suite's measurement of the same "
        "benchmark in the same mode (checked); null: no claim this suite measures. In CSV: "
        "claim_benchmark, claim_claimed, claim_measured, claim_measured_stderr, claim_gap.",
    )


class LeaderboardFile(_Data):
    """leaderboard.json: the measured leaderboard of one suite version, one row per submission,
    in ranking order (also leaderboards/<suite>.json, one file per suite the site shows)."""

    format: Literal["kleaderboard-leaderboard"] = "kleaderboard-leaderboard"
    format_version: Literal[1] = FORMAT_VERSION
    suite: str
    suite_version: int
    categories: list[CategoryName]
    rows: list[LeaderboardRow]


class ClaimRow(_Data):
    """One self-reported figure (declared)."""

    id: str = Field(description="The submission, <org>/<model>.")
    model: str = Field(description="Display name (declared).")
    benchmark: str = Field(description="The benchmark as the manifest names it (declared).")
    value: float = Field(description="The published figure (declared).")
    mode: str | None = Field(description="Mode the figure was obtained in; null: not stated.")
    n_shot: int | None = Field(description="Shots; null: not stated.")
    source: str = Field(description="Where the team published it.")
    note: str = Field(description="The team's note on the figure.")


class ExternalRow(_Data):
    """One figure from a leaderboard this project does not run (external)."""

    id: str = Field(description="The submission, <org>/<model>.")
    model: str = Field(description="Display name (declared).")
    leaderboard: str = Field(description="The leaderboard that published the figure.")
    value: float = Field(description="The published figure.")
    as_of: str = Field(description="Its date, YYYY-MM-DD.")
    source: str = Field(description="The leaderboard's page with the figure.")


class ClaimsFile(_Data):
    """claims.json: the teams' claims and the external figures, never measured here."""

    format: Literal["kleaderboard-claims"] = "kleaderboard-claims"
    format_version: Literal[1] = FORMAT_VERSION
    claims: list[ClaimRow]
    external: list[ExternalRow]


# --- building the files ----------------------------------------------------------------


def _figure(estimate: normalise.Estimate | None) -> Figure | None:
    return Figure(value=estimate.value, stderr=estimate.stderr) if estimate else None


def leaderboard_row(entry: Entry, url: UrlOf, ranks: tuple[int, int] | None = None) -> LeaderboardRow:
    """The row of one entry; the run is the one whose scores the leaderboard shows."""
    manifest = entry.submission.manifest
    run = entry.run or entry.failed_run or entry.previous
    return LeaderboardRow(
        id=entry.id,
        model=manifest.model.name,
        team=manifest.team.name,
        page=url(entry.page_path),
        entered_by=manifest.entered_by.value,
        status=entry.status,
        mode=run.settings.mode if run else manifest.model.modes[0].value,
        rank=entry.rank,
        rank_range=list(ranks) if ranks else None,
        overall=_figure(entry.overall),
        categories={c.category.id: _figure(c.index) for c in entry.categories},
        output_tokens_per_second=costs.tokens_per_second(entry.run),
        usd_per_million_output_tokens=costs.usd_per_million(entry.run),
        cpu_figures=entry.run is not None and entry.run.measured.hardware_kind == "cpu",
        parameters_total=manifest.model.parameters.total,
        parameters_active=manifest.model.parameters.active,
        weights_from_zero=manifest.originality.weights_initialised_from_zero,
        loss_log="present" if entry.loss.log else ("invalid" if entry.loss.problems else "none"),
        licence=manifest.license,
        manifest_sha256=entry.submission.manifest_sha256,
        run_id=run.run_id if run else None,
        # pages.run_record_uri's path (a test keeps the two equal; pages imports this module)
        run_record=url(f"{entry.page_path.removesuffix('.md')}/runs/{run.run_id}.json") if run else None,
        suite_version=run.suite_version if run else None,
        stale=[reason.en for reason in history.entry_stale_reasons(entry)],
        claim_gap=claim_gap(entry),
    )


def claim_gap(entry: Entry) -> ClaimGap | None:
    """The leaderboard column's claim as data (site/claims.py picks it), from the board's run."""
    row = claims.largest_gap(entry.submission.manifest.self_reported, entry.run)
    if row is None or row.measurement is None or row.claimed_value is None or row.gap_value is None:
        return None
    return ClaimGap(
        benchmark=row.benchmark,
        claimed=row.claimed_value,
        measured=row.measurement.value,
        measured_stderr=row.measurement.stderr,
        gap=row.gap_value,
    )


def leaderboard_file(board: Leaderboard, url: UrlOf) -> LeaderboardFile:
    """leaderboard.json's content."""
    ranges = rank_ranges.rank_ranges(board.entries)
    return LeaderboardFile(
        suite=board.suite.name,
        suite_version=board.suite.version,
        categories=[CategoryName(id=c.id, ko=c.ko, en=c.en) for c in board.suite.categories],
        rows=[leaderboard_row(entry, url, ranges.get(entry.id)) for entry in board.entries],
    )


def claims_file(board: Leaderboard) -> ClaimsFile:
    """claims.json's content, in the claims board's order."""
    table = claims_board.claims_board(board)
    claims = [
        ClaimRow(
            id=row.entry.id,
            model=row.entry.submission.manifest.model.name,
            benchmark=name,
            value=item.value,
            mode=item.mode,
            n_shot=item.n_shot,
            source=item.source,
            note=item.note,
        )
        for row in table.rows
        for name, cell in zip(table.benchmarks, row.cells, strict=True)
        for item in cell
    ]
    external = [
        ExternalRow(
            id=item.entry.id,
            model=item.entry.submission.manifest.model.name,
            leaderboard=item.standing.leaderboard,
            value=item.standing.value,
            as_of=item.standing.as_of.isoformat(),
            source=str(item.standing.source),
        )
        for item in table.external
    ]
    return ClaimsFile(claims=claims, external=external)


def to_json(data: BaseModel) -> str:
    """Compact, stable JSON (one line per file is enough for machines; keys in model order)."""
    return data.model_dump_json() + "\n"


def schema_json(model: type[BaseModel]) -> str:
    return json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _leaderboard_header(category_ids: list[str]) -> list[str]:
    # The estimates flattened into value and stderr columns, where the row has them.
    header: list[str] = []
    for name in LeaderboardRow.model_fields:
        if name in ("overall", "categories", "claim_gap"):
            continue
        header.append(name)
        if name == "rank":
            header += ["overall", "overall_stderr"]
            header += [column for cid in category_ids for column in (cid, f"{cid}_stderr")]
    return header + [f"claim_{name}" if name != "gap" else "claim_gap" for name in ClaimGap.model_fields]


def _flat(row: LeaderboardRow) -> dict[str, object]:
    flat: dict[str, object] = row.model_dump(exclude={"overall", "categories", "claim_gap"})
    figures = {"overall": row.overall} | row.categories
    for name, figure in figures.items():
        flat[name] = figure.value if figure else None
        flat[f"{name}_stderr"] = figure.stderr if figure else None
    gap = row.claim_gap.model_dump() if row.claim_gap else dict.fromkeys(ClaimGap.model_fields)
    for name, value in gap.items():
        flat[f"claim_{name}" if name != "gap" else "claim_gap"] = value
    return flat


def to_csv(rows: Iterable[dict[str, object]], header: list[str]) -> str:
    """CSV with a header line; empty cells for null, true/false for booleans, and text that a
    spreadsheet would run as a formula (starting with = + - @) prefixed with a quote."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        # A team's text must not run as a spreadsheet formula (OWASP's CSV injection advice).
        return "'" + value
    return value


def leaderboard_csv(data: LeaderboardFile) -> str:
    """leaderboard.csv: leaderboard.json's rows, each index as a value and a stderr column."""
    header = _leaderboard_header([c.id for c in data.categories])
    return to_csv((_flat(row) for row in data.rows), header)


@dataclass(frozen=True)
class Download:
    """A download as the pages link it."""

    name: str
    uri: str


LEADERBOARD_DOWNLOADS = (
    Download("leaderboard.json", LEADERBOARD_JSON),
    Download("leaderboard.csv", LEADERBOARD_CSV),
    Download("leaderboard.schema.json", LEADERBOARD_SCHEMA),
)
CLAIMS_DOWNLOADS = (
    Download("claims.json", CLAIMS_JSON),
    Download("claims.csv", CLAIMS_CSV),
    Download("external.csv", EXTERNAL_CSV),
    Download("claims.schema.json", CLAIMS_SCHEMA),
)


def suite_downloads(suite: str) -> tuple[Download, Download]:
    """The JSON and CSV of one suite's board: leaderboards/<suite>.json and .csv."""
    return (
        Download(f"{SUITE_BOARDS}/{suite}.json", f"{SUITE_BOARDS}/{suite}.json"),
        Download(f"{SUITE_BOARDS}/{suite}.csv", f"{SUITE_BOARDS}/{suite}.csv"),
    )


def _suite_files(board: Leaderboard, main: LeaderboardFile, url: UrlOf) -> dict[str, str]:
    files = {}
    for each in board.boards:
        data = main if each is board else leaderboard_file(each, url)
        json_file, csv_file = suite_downloads(each.suite.name)
        files[json_file.uri] = to_json(data)
        files[csv_file.uri] = leaderboard_csv(data)
    return files


# The site-wide downloads, in the order download_files makes them (after each board's own).
SITE_DOWNLOADS = (
    LEADERBOARD_JSON,
    LEADERBOARD_CSV,
    LEADERBOARD_SCHEMA,
    CLAIMS_JSON,
    CLAIMS_CSV,
    EXTERNAL_CSV,
    CLAIMS_SCHEMA,
)


def download_files(board: Leaderboard, url: UrlOf) -> dict[str, str]:
    """{src_uri: text} of every download: the main board at leaderboard.json, each board
    (the main one too) at leaderboards/<suite>.json, the claims."""
    leaderboard = leaderboard_file(board, url)
    claims = claims_file(board)
    texts = (
        to_json(leaderboard),
        leaderboard_csv(leaderboard),
        schema_json(LeaderboardFile),
        to_json(claims),
        to_csv((r.model_dump() for r in claims.claims), list(ClaimRow.model_fields)),
        to_csv((r.model_dump() for r in claims.external), list(ExternalRow.model_fields)),
        schema_json(ClaimsFile),
    )
    return _suite_files(board, leaderboard, url) | dict(zip(SITE_DOWNLOADS, texts, strict=True))


def download_uris(board: Leaderboard) -> list[str]:
    """The src_uri of every download :func:`download_files` makes, in its order, without
    making them."""
    suites = [file.uri for each in board.boards for file in suite_downloads(each.suite.name)]
    return [*suites, *SITE_DOWNLOADS]


def write_downloads(board: Leaderboard, url: UrlOf, site_dir: str) -> int:
    """Write every download into the site folder, as MkDocs writes a file of generated text;
    how many."""
    written = Outputs()
    texts = download_files(board, url)
    for uri, text in texts.items():
        written.write_text(text, os.path.join(site_dir, uri))
    return len(texts)


def documented_fields() -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    """(title, ((field, meaning), ...)) of each row format, from the models' descriptions."""
    formats: tuple[tuple[str, type[BaseModel]], ...] = (
        (f"{LEADERBOARD_JSON} rows[] · {LEADERBOARD_CSV}", LeaderboardRow),
        (f"{CLAIMS_JSON} claims[] · {CLAIMS_CSV}", ClaimRow),
        (f"{CLAIMS_JSON} external[] · {EXTERNAL_CSV}", ExternalRow),
    )
    return tuple(
        (title, tuple((name, info.description or "") for name, info in model.model_fields.items()))
        for title, model in formats
    )
