"""Generated pages: plain functions from the leaderboard data to Markdown text.

The pages are Markdown whose data sits in raw HTML blocks built by Jinja2 with
autoescaping on, so text from a manifest is escaped once and Markdown never
re-reads it (a ``[x](javascript:...)`` in a team's text stays text). Links in
those blocks do not pass through MkDocs' link rewriting, so they are computed here
with MkDocs' own URL rules (:class:`Links`).

:func:`render_pages` is the whole job: ``{src_uri: markdown}`` for the leaderboard
(``index.md``), the methodology page and one page per model; :func:`site_files`
lists the evidence files (run records, loss logs) copied next to the model pages.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import BytecodeCache, Environment, PackageLoader, StrictUndefined
from jinja2.bccache import Bucket
from markupsafe import Markup, escape
from mkdocs.structure.files import File
from mkdocs.utils import get_relative_url

from kleaderboard import display
from kleaderboard.display import Label
from kleaderboard.provenance.record import FOLDER as PROVENANCE_FOLDER
from kleaderboard.records import RunRecord
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.scoring.prices import PRICES_FILE, PriceTable, price_table
from kleaderboard.site import (
    analysis,
    answers,
    charts,
    claims,
    claims_board,
    contamination,
    costs,
    downloads,
    facets,
    history,
    rank_ranges,
    row_payload,
    suite_results,
    timeline,
    words,
)
from kleaderboard.site.lineage import LineageSection, lineage_section
from kleaderboard.site.provenance_view import ProvenanceView, latest_record, provenance_view
from kleaderboard.submission.loss_log import LossLog
from kleaderboard.submission.manifest import (
    Component,
    EnteredBy,
    Manifest,
    Relation,
    SelfReportedScore,
    TrainingCost,
    UnnamedUpstream,
    Upstream,
)
from kleaderboard.suites import Suite

INDEX_URI = "index.md"
METHODOLOGY_URI = "methodology.md"

RELATION_TEXT: dict[Relation, Label] = {
    Relation.trained_from_zero: Label("처음부터 학습", "trained from zero"),
    Relation.initialised_from: Label("가중치로 초기화", "initialised from"),
    Relation.frozen_from: Label("가중치 고정 사용", "frozen from"),
    Relation.distilled_from: Label("증류", "distilled from"),
    Relation.architecture_only: Label("구조만 차용", "architecture only"),
    Relation.extended_from: Label("확장", "extended from"),
}

# The provenance badges' words, by the kind a template names.
LABELS: dict[str, Label] = {
    "declared": display.DECLARED,
    "measured": display.MEASURED,
    "checked": display.CHECKED,
    "external": display.EXTERNAL,
    "not_stated": display.NOT_STATED,
    "yes": display.YES,
    "no": display.NO,
    **contamination.SECTION_LABELS,
}

# The run record's top-level fields, as the methodology page explains them.
# tests/test_site_pages.py keeps this in step with RunRecord.
RUN_RECORD_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("schema_version", "실행 기록 형식 버전", "format version of the run record"),
    ("run_id", "실행 식별자 (UTC 시각으로 시작)", "run id, starting with a UTC timestamp"),
    ("submission", "평가한 제출 (<org>/<model>)", "the submission evaluated (<org>/<model>)"),
    ("manifest_sha256", "평가 당시 submission.yaml의 sha256", "sha256 of submission.yaml as evaluated"),
    ("suite", "벤치마크 모음 이름", "benchmark suite name"),
    ("suite_version", "벤치마크 모음 버전", "benchmark suite version"),
    ("lm_eval_version", "lm-eval 버전", "lm-evaluation-harness version"),
    (
        "inputs_hash",
        "가중치·설정·모음·lm-eval·과제 파일의 sha256 (같으면 재실행 생략)",
        "sha256 of weights, settings, suite, lm-eval and task files (equal: re-run skipped)",
    ),
    ("started_at", "시작 시각", "start time"),
    ("finished_at", "종료 시각", "end time"),
    ("status", "성공 또는 실패", "succeeded or failed"),
    ("error", "실패했을 때의 오류 내용", "the error text when the run failed"),
    (
        "model",
        "평가한 가중치: 출처, 리비전, 파일별 sha256",
        "weights evaluated: source, revision, sha256 per file",
    ),
    ("settings", "점수를 바꿀 수 있는 모든 설정", "every setting that can change a score"),
    (
        "scores",
        "과제별 점수, 표준오차, 표본 수, 과제 버전과 해시, 설정 해시, 재사용한 실행",
        "per-task score, stderr, samples, task version and hash, config hash, run reused from",
    ),
    ("environment", "하드웨어와 라이브러리 버전", "hardware and library versions"),
    (
        "measured",
        "측정한 비용: 평가 시간·토큰·장치 초, 서빙 부하(첫 토큰 시간, 초당 출력 토큰), "
        "구조적 비용(활성 매개변수, KV 캐시, FLOPs), 100만 토큰당 $·Wh",
        "measured cost: evaluation wall time, tokens, device seconds; serving workload (time to "
        "first token, output tokens/s); structural cost (active parameters, KV cache, FLOPs); "
        "$ and Wh per 1M tokens",
    ),
    (
        "contamination",
        "오염 검사: 섞고 바꿔 쓴 사본의 점수 차이, 문항 친숙도(Min-K%), 비공개 문항 점수와 해시, 추가 비용",
        "contamination pass: perturbation gaps, membership (Min-K%), private-slice scores "
        "and hash, extra cost",
    ),
)


# --- links -----------------------------------------------------------------------------


LANGUAGES = ("ko", "en")  # the first is the default, at the site root; the others under <lang>/


def localised(src_uri: str, lang: str) -> str:
    """Where a generated page of the given language lives: pages move under <lang>/, files stay."""
    if lang == LANGUAGES[0] or not src_uri.endswith(".md"):
        return src_uri
    return f"{lang}/{src_uri}"


@dataclass(frozen=True)
class Links:
    """Relative hrefs between site files, by MkDocs' own URL rules, for pages of one language."""

    use_directory_urls: bool
    lang: str = LANGUAGES[0]

    def url(self, src_uri: str) -> str:
        """The site URL of a source file (a page or any other file), as given."""
        return _site_url(src_uri, self.use_directory_urls)

    def href(self, target: str, source: str) -> str:
        """The href that leads from the page source to the file target, both in this language."""
        here = self.url(localised(source, self.lang))
        return get_relative_url(self.url(localised(target, self.lang)), here)

    def from_page(self, source: str) -> Callable[[str], str]:
        """href() with the source fixed, for templates."""
        return lambda target: self.href(target, source)


@functools.lru_cache(maxsize=65536)  # a model page asks for a dozen, and each page twice
def _site_url(src_uri: str, use_directory_urls: bool) -> str:
    return File(src_uri, src_dir=None, dest_dir="", use_directory_urls=use_directory_urls).url


def hub_url(repo: str) -> str:
    """A model's page on the Hugging Face Hub (the repo id was validated by the manifest)."""
    return f"https://huggingface.co/{repo}"


def run_record_uri(entry: Entry, run: RunRecord) -> str:
    """Where a run record is published: models/<org>/<model>/runs/<run-id>.json."""
    return f"{_model_folder(entry)}/runs/{run.run_id}.json"


def loss_log_uri(entry: Entry) -> str:
    """Where the team's loss log is published, next to the model page."""
    return f"{_model_folder(entry)}/loss_log.csv"


def _model_folder(entry: Entry) -> str:
    return entry.page_path.removesuffix(".md")


# --- what templates may call --------------------------------------------------------


def http_url(value: object) -> str | None:
    """The URL as text when it is http(s); None for anything else (never a link then)."""
    text = str(value) if value is not None else ""
    return text if text.lower().startswith(("http://", "https://")) else None


# Control characters (Unicode category Cc), surrogates (Cs), and the line and
# paragraph separators and non-characters Markdown or YAML trip over; tab and newline stay.
_DROPPED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\ufffe\uffff]")


def _printable(value: Any) -> Any:
    """Drop control characters from text before it is escaped.

    Markdown uses some as internal markers, and YAML front matter refuses others. (One regular
    expression: a character-by-character filter was a tenth of a build's time. Text Python calls
    printable holds none of them, and most text is: it is returned as it is, without the search.)
    """
    if isinstance(value, str) and not isinstance(value, Markup) and not value.isprintable():
        return _DROPPED.sub("", value)
    return value


class _CompiledTemplates(BytecodeCache):
    """Templates compiled once per process and shared by every language's environment (same
    settings; a changed template has a new checksum, so is compiled again)."""

    def __init__(self) -> None:
        self.codes: dict[tuple[str, str], Any] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        bucket.code = self.codes.get((bucket.key, bucket.checksum))

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.codes[(bucket.key, bucket.checksum)] = bucket.code


_COMPILED = _CompiledTemplates()


def template_environment(lang: str = LANGUAGES[0]) -> Environment:
    """The Jinja2 environment of the generated pages in one language (autoescape on, undefined
    is an error); the macros read the global ``lang``."""
    env = Environment(
        loader=words.WordsLoader(PackageLoader("kleaderboard.site", "templates"), lang),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_printable,
        bytecode_cache=_COMPILED,
        auto_reload=False,  # a build's templates do not change: no stat of the file per include
    )
    env.filters.update(display.jinja_filters(), http_url=http_url)
    env.filters["rows_json"] = row_payload.rows_json
    env.globals.update(relation_text=RELATION_TEXT, labels=LABELS, stale_label=history.STALE, lang=lang)
    env.globals["kl_words"] = words.Words(lang, LABELS)
    return env


def front_matter(meta: Mapping[str, object]) -> str:
    """A page's front matter from its meta: each value as JSON, which is YAML and reads back
    as the same value (what page_builds.PlannedPage relies on: MkDocs need not parse it)."""
    lines = "".join(
        f"{_key_text(key)}: {json.dumps(value, ensure_ascii=False)}\n" for key, value in meta.items()
    )
    return f"---\n{lines}---\n"


@functools.lru_cache(maxsize=256)
def _key_text(key: str) -> str:
    """A front-matter key as written: plain where YAML reads it back as itself (``title``), as
    JSON where it would not (YAML reads ``no``, ``on`` or ``null`` as other values)."""
    try:
        plain = yaml.safe_load(f"{key}: 0") == {key: 0}
    except yaml.YAMLError:
        plain = False
    return key if plain else json.dumps(key, ensure_ascii=False)


def title_text(value: str) -> str:
    """A page title for front matter: HTML-escaped text (themes print titles unescaped)."""
    return str(escape(_printable(value)))


# --- what an entry declares, and how ---------------------------------------------------

NO_ASSERTION = "NOASSERTION"  # SPDX for "the sources make no statement about the licence"


def by_maintainers(manifest: Manifest) -> bool:
    """True for a maintainers' entry: declared values taken from public sources, not the team."""
    return manifest.entered_by is EnteredBy.maintainers


def licence_stated(manifest: Manifest) -> bool:
    """False when the licence is SPDX NOASSERTION: shown as not stated, never as a licence."""
    return manifest.license.strip().upper() != NO_ASSERTION


def precision_declared(manifest: Manifest) -> bool:
    """True when submission.yaml sets model.precision; False when it is the format's default."""
    return "precision" in manifest.model.model_fields_set


def shown_run(entry: Entry) -> RunRecord | None:
    """The run a model's page describes and checks: the successful one, else the latest failed one,
    else (after a suite bump) the newest run on an earlier version, whose version the page shows."""
    return entry.run or entry.failed_run or entry.previous


def entry_mode(entry: Entry) -> str:
    """The mode an entry is ranked in: its run's mode, else the first mode it declares."""
    run = shown_run(entry)
    return run.settings.mode if run else entry.submission.manifest.model.modes[0].value


# --- model page data -------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A declared value compared with what the run record measured, shown side by side."""

    ko: str
    en: str
    declared: str
    measured: str

    @property
    def matches(self) -> bool:
        return self.declared == self.measured


OriginKind = Literal["own", "named", "unnamed"]


@dataclass(frozen=True)
class ComponentRow:
    """One row of the components table: where a component came from, and how."""

    name: str
    origin_kind: OriginKind
    origin: str  # the upstream's Hub id, or the sources' description of an unnamed one; "" for own
    origin_href: str | None  # the upstream's Hub page (named upstreams only)
    revision: str | None
    relation: Label


def component_row(component: Component) -> ComponentRow:
    """The row of a declared component, its origin's kind decided here rather than in the template."""
    origin = component.origin
    relation = RELATION_TEXT[component.relation]
    if isinstance(origin, Upstream):
        href = hub_url(origin.model)
        return ComponentRow(component.name, "named", origin.model, href, origin.revision, relation)
    if isinstance(origin, UnnamedUpstream):
        return ComponentRow(component.name, "unnamed", origin.unnamed, None, None, relation)
    return ComponentRow(component.name, "own", "", None, None, relation)


@dataclass(frozen=True)
class SelfReportedRow:
    """One self-reported score and its setting, written here rather than in the template."""

    score: SelfReportedScore
    setting: str  # "mode · n-shot", each "—" when not stated


def self_reported_row(score: SelfReportedScore) -> SelfReportedRow:
    """The row of a self-reported score: its mode and n-shot, '—' where the team gives none."""
    mode = score.mode.value if score.mode else display.MISSING
    shots = display.MISSING if score.n_shot is None else display.number(score.n_shot)
    return SelfReportedRow(score, f"{mode} · {shots}")


@dataclass(frozen=True)
class LossSummary:
    """The loss log's figures the model page lists, picked from the log here."""

    first_loss: float
    first_step: int
    last_loss: float
    last_step: int
    total_tokens: int
    rows: int


def loss_summary(log: LossLog | None) -> LossSummary | None:
    """The first and last rows of a parsed log, its tokens and its length; None without a log."""
    if log is None:
        return None
    first, last = log.points[0], log.points[-1]
    return LossSummary(first.loss, first.step, last.loss, last.step, log.total_tokens, len(log.points))


def training_gpus(training: TrainingCost) -> str:
    """The declared training GPUs: 'H100 × 2,048', 'H100', '—', or '— × 8' (a count alone)."""
    gpus = training.gpu_type or display.MISSING
    return f"{gpus} × {display.number(training.gpu_count)}" if training.gpu_count else gpus


def training_period(training: TrainingCost) -> str:
    """The declared training period: '2025-01-01 – 2025-06-30', '?' for a side not given, '—' for none."""
    if training.start is None and training.end is None:
        return display.MISSING
    start = display.date(training.start) if training.start else "?"
    end = display.date(training.end) if training.end else "?"
    return f"{start} – {end}"


def hardware_text(run: RunRecord) -> str:
    """The hardware a run used: 'GPU: NVIDIA H100, NVIDIA H100' or 'CPU: <model> (16 cores)'."""
    environment = run.environment
    if environment.gpus:
        used = ", ".join(environment.gpus)
    else:
        used = f"{environment.cpu} ({display.number(environment.cpu_count)} cores)"
    return f"{run.measured.hardware_kind.upper()}: {used}"


@dataclass(frozen=True)
class ModelPage:
    """Everything the model template shows beyond the Entry itself."""

    entry: Entry
    suite: Suite
    category_chart: Markup
    loss_chart: Markup
    loss_problems: tuple[str, ...]
    checks: tuple[Check, ...]
    run_href: str | None
    failed_run_href: str | None
    previous_run_href: str | None  # after a suite bump: the earlier version's run, until the re-run
    loss_log_href: str | None
    settings: tuple[tuple[str, str], ...]
    mode: str
    cost: costs.CostFigures | None
    maintainers: bool
    licence_stated: bool
    precision_declared: bool

    run: RunRecord | None  # shown_run(): the run the cost section and the checks describe
    components: tuple[ComponentRow, ...]
    self_reported: tuple[SelfReportedRow, ...]
    claims: tuple[claims.ClaimRow, ...]  # self-reported scores beside the shown run's measurement
    loss: LossSummary | None
    training_gpus: str
    training_period: str
    lineage: LineageSection
    provenance: ProvenanceView | None = None  # the newest provenance record, if the pipeline wrote one
    contamination: contamination.ContaminationView | None = None
    history: tuple[history.HistoryRow, ...] = ()  # every run, newest first
    suite_results: tuple[suite_results.SuiteResult, ...] = ()  # one block per suite shown, when several

    @property
    def hardware(self) -> str:
        """The shown run's hardware, as the cost section writes it; '—' without a run."""
        return hardware_text(self.run) if self.run else display.MISSING

    @property
    def checked_run_id(self) -> str:
        """The run the checks compare with (the shown run)."""
        return self.run.run_id if self.run else ""

    @property
    def cpu(self) -> bool:
        """True when the shown run used a CPU: its figures are labelled CPU figures."""
        return self.run is not None and self.run.measured.hardware_kind == "cpu"

    @property
    def declared_by(self) -> str:
        """Who declared the page's values, as the badges' tooltips say: 'maintainers' or 'team'."""
        return "maintainers" if self.maintainers else "team"

    @property
    def model_href(self) -> str | None:
        """The evaluated model's Hub page; None for a local model."""
        repo = self.entry.submission.manifest.model.hub_repo
        return hub_url(repo) if repo else None


CATEGORY_TITLE = display.Label("범주별 지수", "Category indices")
LOSS_TITLE = display.Label("사전학습 손실", "Pre-training loss")
TOKENS_SEEN = display.Label("학습 토큰 수", "tokens seen")
LOG_SCALE = display.Label(" (로그 눈금)", " (log scale)")
LOSS_WORD = display.Label("손실", "loss")
LOSS_SERIES = display.Label("학습 손실", "training loss")
EVAL_LOSS_SERIES = display.Label("평가 손실", "eval loss")


def category_chart(entry: Entry, lang: str = LANGUAGES[0]) -> Markup:
    """The bar chart of a model's category indices in lang; empty when none is measured."""
    bars = [
        charts.Bar(
            c.category.en if lang == "en" else c.category.ko,
            "",
            c.index.value if c.index else None,
            c.index.stderr if c.index else None,
        )
        for c in entry.categories
    ]
    if all(bar.value is None for bar in bars):
        return Markup("")  # nothing measured: no empty chart
    name = entry.submission.manifest.model.name
    return charts.category_bars(bars, title=f"{CATEGORY_TITLE.say(lang)} — {name}", lang=lang)


def loss_chart(entry: Entry, log_x: bool = False, lang: str = LANGUAGES[0]) -> Markup:
    """The loss curve (and eval loss where logged) against tokens seen in lang; empty without a log."""
    log = entry.loss.log
    if log is None:
        return Markup("")
    series = [charts.Series(LOSS_SERIES.say(lang), tuple((p.tokens_seen, p.loss) for p in log.points))]
    evals = tuple((p.tokens_seen, p.eval_loss) for p in log.points if p.eval_loss is not None)
    if evals:
        series.append(charts.Series(EVAL_LOSS_SERIES.say(lang), evals, "kl-chart__line kl-chart__line--eval"))
    return charts.line_chart(
        series,
        x_axis=charts.Axis(TOKENS_SEEN.say(lang) + (LOG_SCALE.say(lang) if log_x else ""), log=log_x),
        y_axis=charts.Axis(LOSS_WORD.say(lang)),
        title=f"{LOSS_TITLE.say(lang)} — {entry.submission.manifest.model.name}",
        lang=lang,
    )


def problem_lines(entry: Entry) -> tuple[str, ...]:
    """Loss-log problems as text, with paths relative to the submission folder."""
    lines = []
    for problem in entry.loss.problems:
        name = _relative_file(problem.file, entry.submission.folder)
        where = f"{name}: {problem.field}" if problem.field else name
        lines.append(f"{where}: {problem.message}" + (f" — {problem.fix}" if problem.fix else ""))
    return tuple(lines)


def _relative_file(file: str, folder: Path) -> str:
    # Build machines' absolute paths mean nothing to readers of the site.
    try:
        return Path(file).relative_to(folder).as_posix()
    except ValueError:
        return Path(file).name


def settings_rows(run: RunRecord) -> tuple[tuple[str, str], ...]:
    """Every setting of a run as (name, text), written as in the record's JSON."""
    return tuple(
        (name, value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False))
        for name, value in run.settings.model_dump(mode="json").items()
    )


def run_checks(entry: Entry) -> tuple[Check, ...]:
    """What the run record lets us check against the submission as it stands now."""
    run = shown_run(entry)
    if run is None:
        return ()
    manifest = entry.submission.manifest
    return (
        Check("매니페스트 sha256", "manifest sha256", entry.submission.manifest_sha256, run.manifest_sha256),
        Check("모델 리비전", "model revision", manifest.model.revision or "—", run.model.revision or "—"),
    )


def model_page_data(
    entry: Entry,
    suite: Suite,
    links: Links,
    log_x: bool = False,
    panel: contamination.NullPanel | None = None,
    boards: tuple[suite_results.BoardIndex, ...] = (),
) -> ModelPage:
    """Collect what the model page shows, with links relative to the page."""
    href = links.from_page(entry.page_path)
    has_log_file = _loss_log_file(entry) is not None
    manifest = entry.submission.manifest
    return ModelPage(
        entry=entry,
        suite=suite,
        category_chart=category_chart(entry, links.lang),
        loss_chart=loss_chart(entry, log_x, links.lang),
        loss_problems=problem_lines(entry),
        checks=run_checks(entry),
        run_href=href(run_record_uri(entry, entry.run)) if entry.run else None,
        failed_run_href=href(run_record_uri(entry, entry.failed_run)) if entry.failed_run else None,
        previous_run_href=href(run_record_uri(entry, entry.previous)) if entry.previous else None,
        loss_log_href=href(loss_log_uri(entry)) if has_log_file else None,
        settings=settings_rows(entry.run) if entry.run else (),
        mode=entry_mode(entry),
        cost=costs.cost_figures(shown_run(entry)),
        maintainers=by_maintainers(manifest),
        licence_stated=licence_stated(manifest),
        precision_declared=precision_declared(manifest),
        run=shown_run(entry),
        components=tuple(component_row(c) for c in manifest.originality.components),
        self_reported=tuple(self_reported_row(score) for score in manifest.self_reported),
        claims=claims.claim_rows_on_suites(
            manifest.self_reported, (shown_run(entry), *suite_results.beside_runs(boards, entry.id))
        ),
        loss=loss_summary(entry.loss.log),
        training_gpus=training_gpus(manifest.cost.training),
        training_period=training_period(manifest.cost.training),
        lineage=lineage_section(entry.submission),
        provenance=provenance_view(entry.submission.folder, _model_folder(entry), links.lang),
        contamination=contamination.contamination_view(entry, panel or contamination.NullPanel((), {})),
        history=history.history_rows(entry, _run_hrefs(entry, href)),
        suite_results=suite_results.suite_results(boards, entry.id, _run_hrefs(entry, href)),
    )


def _run_hrefs(entry: Entry, href: Callable[[str], str]) -> dict[str, str]:
    return {run.run_id: href(run_record_uri(entry, run)) for run in entry.history}


# --- evidence files --------------------------------------------------------------------


@dataclass(frozen=True)
class SiteFile:
    """A file the site publishes as it is (from disk) or as generated text."""

    src_uri: str
    path: Path | None = None
    content: str | None = None
    page: str | None = None  # the model page it is published next to (its src_uri)


def _loss_log_file(entry: Entry) -> Path | None:
    relative = entry.submission.manifest.originality.loss_log
    if relative is None:
        return None
    path = entry.submission.path(relative)
    return path if path.is_file() else None


def _run_file(entry: Entry, run: RunRecord) -> SiteFile:
    # The pipeline names each record <run_id>.json; publish those bytes untouched.
    path = entry.submission.runs_dir / f"{run.run_id}.json"
    if path.is_file():
        return SiteFile(run_record_uri(entry, run), path=path)
    text = json.dumps(run.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return SiteFile(run_record_uri(entry, run), content=text)


def site_files(board: Leaderboard) -> list[SiteFile]:
    """Evidence published next to each model page: its run records and its loss log."""
    files = []
    for entry in board.entries:
        shown = (entry.run, entry.failed_run, entry.previous, *entry.history)
        runs = {run.run_id: run for run in shown if run}
        beside = [_run_file(entry, run) for run in runs.values()]
        log = _loss_log_file(entry)
        if log is not None:
            beside.append(SiteFile(loss_log_uri(entry), path=log))
        if (record := latest_record(entry.submission.folder)) is not None:
            beside.append(
                SiteFile(f"{_model_folder(entry)}/{PROVENANCE_FOLDER}/{record[0].name}", path=record[0])
            )
        files += [replace(item, page=entry.page_path) for item in beside]
    return files


# --- pages -----------------------------------------------------------------------------


LossLogState = Literal["none", "invalid", "present"]
LOSS_LOG_STATES: tuple[LossLogState, ...] = ("none", "invalid", "present")  # in sort order


@dataclass(frozen=True)
class Row:
    """One leaderboard row: the entry and the figures its cells show beyond it."""

    entry: Entry
    mode: str
    maintainers: bool
    tokens_per_second: float | None  # measured, at the highest concurrency
    usd_per_million: float | None  # measured throughput at the committed GPU price
    cpu: bool  # the run's figures are CPU figures
    from_zero: Label  # weights initialised from zero: yes, no or not stated
    loss_log: LossLogState
    stale: tuple[Label, ...] = ()  # why the scored run no longer describes the manifest
    rank_range: str = ""  # '2–5' where 95 % intervals overlap; '' where the rank is sure
    claim: claims.ClaimRow | None = None  # the self-reported score furthest from this suite's measurement

    @property
    def claim_sort(self) -> str:
        """The claims column's sort key: the gap's size (a claim far either way sorts first)."""
        gap = self.claim.gap_value if self.claim else None
        return display.sort_number(None if gap is None else abs(gap))

    @property
    def rank_sort(self) -> str:
        """The rank column's sort key: the rank, or empty for an unranked entry (sorted last)."""
        return "" if self.entry.rank is None else str(self.entry.rank)

    @property
    def rank_text(self) -> str:
        """The rank as the cell shows it: '3', or '—' for an unranked entry."""
        return display.number(self.entry.rank)

    @property
    def parameters_sort(self) -> str:
        """The parameters column's sort key: the exact declared total."""
        return str(self.entry.submission.manifest.model.parameters.total)

    @property
    def cpu_tag(self) -> bool:
        """True when the throughput cell shows a figure measured on a CPU (tagged CPU)."""
        return self.cpu and self.tokens_per_second is not None

    @property
    def size_band(self) -> str:
        """The filter's size band of the active (else total) declared parameters."""
        parameters = self.entry.submission.manifest.model.parameters
        return size_band(parameters.active or parameters.total)

    @property
    def filter_words(self) -> str:
        """What the search box matches: model, id, team (lower case)."""
        manifest = self.entry.submission.manifest
        return f"{manifest.model.name} {self.entry.id} {manifest.team.name}".casefold()

    @property
    def licence(self) -> str:
        """The licence filter's value: the declared licence, '' when not stated."""
        return facets.licence_key(self.entry.submission.manifest)

    @property
    def open_weights(self) -> int:
        """1 when the weights are on the Hub under an open licence, else 0 (the filter's value)."""
        return int(facets.open_weights(self.entry.submission.manifest))

    @property
    def suite_version(self) -> str:
        """The suite version of the run shown, '' without a run (the filter's value)."""
        run = shown_run(self.entry)
        return "" if run is None else str(run.suite_version)

    @property
    def from_zero_sort(self) -> int:
        """Yes sorts above no, and no above not stated."""
        return {display.YES: 1, display.NO: 0}.get(self.from_zero, -1)

    @property
    def loss_log_sort(self) -> int:
        """A parsed log sorts above an invalid one, and that above none."""
        return LOSS_LOG_STATES.index(self.loss_log)


# Size bands of the leaderboard's filter, by active parameters: (upper bound, name).
SIZE_BANDS: tuple[tuple[float, str], ...] = (
    (3e9, "lt3b"),
    (15e9, "3-15b"),
    (70e9, "15-70b"),
    (float("inf"), "gt70b"),
)
SIZE_BAND_TEXT: dict[str, Label] = {
    "lt3b": Label("30억 미만", "under 3B"),
    "3-15b": Label("30억–150억", "3B–15B"),
    "15-70b": Label("150억–700억", "15B–70B"),
    "gt70b": Label("700억 이상", "70B and over"),
}


def size_band(parameters: int) -> str:
    """The band a parameter count falls in."""
    return next(name for bound, name in SIZE_BANDS if parameters < bound)


def loss_log_state(entry: Entry) -> LossLogState:
    """Whether an entry's loss log parsed, did not, or was never submitted."""
    if entry.loss.log is not None:
        return "present"
    return "invalid" if entry.loss.problems else "none"


def leaderboard_row(entry: Entry) -> Row:
    """The row of one entry; cost figures come from its successful run only."""
    run = entry.run
    return Row(
        entry=entry,
        mode=entry_mode(entry),
        maintainers=by_maintainers(entry.submission.manifest),
        tokens_per_second=costs.tokens_per_second(run),
        usd_per_million=costs.usd_per_million(run),
        cpu=run is not None and run.measured.hardware_kind == "cpu",
        from_zero=display.yes_no(entry.submission.manifest.originality.weights_initialised_from_zero),
        loss_log=loss_log_state(entry),
        stale=history.entry_stale_reasons(entry),
        claim=claims.largest_gap(entry.submission.manifest.self_reported, run),
    )


MAIN_TABLE_ID = "leaderboard"  # the filters and the compare view work on the main board


@dataclass(frozen=True)
class BoardView:
    """One suite version's board on the leaderboard page: its rows and which columns it shows.

    The page shows the main board, then one board per further suite, each headed with its
    suite name and version; a model is never ranked across two boards.
    """

    board: Leaderboard
    rows: tuple[Row, ...]
    main: bool  # the first suite's board: the filters and the compare view apply to it
    headed: bool  # several boards: each gets a heading with its suite and version

    @property
    def suite(self) -> Suite:
        return self.board.suite

    @property
    def table_id(self) -> str:
        """The table's id: 'leaderboard' for the main board, 'leaderboard-<suite>' beside it."""
        return MAIN_TABLE_ID if self.main else f"{MAIN_TABLE_ID}-{self.suite.name}"

    @property
    def heading_id(self) -> str:
        """The anchor of the board's heading: 'suite-<name>'."""
        return f"suite-{self.suite.name}"

    @functools.cached_property
    def evaluated(self) -> int:
        return sum(1 for e in self.board.entries if e.overall is not None)

    @functools.cached_property
    def claims_column(self) -> bool:
        """True when some model's claim pairs with this suite's measurement (the column shows;
        the table asks once a row: computed once)."""
        return any(row.claim is not None for row in self.rows)

    @property
    def downloads(self) -> tuple[downloads.Download, ...]:
        """This board's own JSON and CSV (leaderboards/<suite>.json, .csv)."""
        return downloads.suite_downloads(self.suite.name)

    @property
    def measured_columns(self) -> int:
        """How many columns the 'measured' group header spans."""
        return 3 + len(self.suite.categories)


def board_rows(board: Leaderboard) -> tuple[Row, ...]:
    """The rows of one board, each with its rank range on that board."""
    ranges = rank_ranges.rank_ranges(board.entries)
    return tuple(
        dataclasses.replace(leaderboard_row(entry), rank_range=rank_ranges.range_text(ranges.get(entry.id)))
        for entry in board.entries
    )


def board_views(board: Leaderboard) -> tuple[BoardView, ...]:
    """The main board's view, then one per board beside it."""
    headed = len(board.boards) > 1
    return tuple(
        BoardView(each, board_rows(each), main=each is board, headed=headed) for each in board.boards
    )


def leaderboard_page(board: Leaderboard, links: Links, env: Environment | None = None) -> str:
    """The leaderboard (index.md): one sortable row per submission, one board per suite."""
    env = env or template_environment(links.lang)
    views = board_views(board)
    rows = views[0].rows  # the main board's rows: the filters' choices come from them
    return env.get_template("leaderboard.md.j2").render(
        board=board,
        views=views,
        suite=board.suite,
        entries=board.entries,
        maintainers=any(row.maintainers for row in rows),
        evaluated=sum(1 for e in board.entries if e.overall is not None),
        href=links.from_page(INDEX_URI),
        methodology_uri=METHODOLOGY_URI,
        claims_uri=claims_board.CLAIMS_URI,
        charts_uri=analysis.CHARTS_URI,
        size_bands=SIZE_BAND_TEXT,
        modes=sorted({row.mode for row in rows}),
        licences=sorted({row.licence for row in rows} - {""}, key=str.casefold),
        suite_versions=sorted({row.suite_version for row in rows} - {""}, key=int),
        open_weights_text=facets.OPEN_WEIGHTS_TEXT,
        claims_count=sum(1 for e in board.entries if e.submission.manifest.self_reported),
        downloads=downloads.LEADERBOARD_DOWNLOADS,
        answers=answers.answers(board),
        first_rows=row_payload.FIRST_ROWS,
    )


def charts_page(board: Leaderboard, links: Links, env: Environment | None = None) -> str:
    """The charts (charts.md): score against cost and size with their Pareto frontiers, loss curves."""
    env = env or template_environment(links.lang)
    return env.get_template("charts.md.j2").render(
        page=analysis.charts_page_data(board, links.lang),
        timelines=timeline.family_timelines(board),
        timeline_title=timeline.TITLE,
        href=links.from_page(analysis.CHARTS_URI),
        home_uri=INDEX_URI,
    )


def claims_page(board: Leaderboard, links: Links, env: Environment | None = None) -> str:
    """The teams' claims (claims.md): self-reported and external figures, never measured ones."""
    env = env or template_environment(links.lang)
    return env.get_template("claims.md.j2").render(
        claims=claims_board.claims_board(board),
        href=links.from_page(claims_board.CLAIMS_URI),
        home_uri=INDEX_URI,
        downloads=downloads.CLAIMS_DOWNLOADS,
    )


@dataclass(frozen=True)
class Options:
    """How the generated pages are drawn (the plugin's options)."""

    log_x: bool = False
    searchable_models: bool = False
    null_panel: contamination.NullPanel | None = None  # clean models' contamination figures
    boards: tuple[suite_results.BoardIndex, ...] = ()  # every suite's board, when the site shows several


def model_page(
    entry: Entry, suite: Suite, links: Links, env: Environment | None = None, options: Options = Options()
) -> str:
    """One model's page: scores, originality, cost, loss log and run record."""
    env = env or template_environment(links.lang)
    data = model_page_data(entry, suite, links, options.log_x, options.null_panel, options.boards)
    href = links.from_page(entry.page_path)
    return env.get_template("model.md.j2").render(
        page=data,
        entry=entry,
        manifest=entry.submission.manifest,
        suite=suite,
        href=href,
        home_uri=INDEX_URI,
        methodology_uri=METHODOLOGY_URI,
        searchable=options.searchable_models,
    )


# The price table's path in the repository, where readers can look it up.
PRICE_FILE = f"src/kleaderboard/{PRICES_FILE.relative_to(PRICES_FILE.parents[1]).as_posix()}"


def serving_context(suite: Suite) -> int | None:
    """The context of the serving workload (input + output tokens); None without one."""
    serving = suite.serving
    return serving.input_tokens + serving.output_tokens if serving else None


def methodology_page(
    suite: Suite,
    links: Links,
    env: Environment | None = None,
    prices: PriceTable | None = None,
    suites: tuple[Suite, ...] = (),
) -> str:
    """How scores and costs are computed, the suite's tasks, and what a run record holds;
    suites: every suite the site shows (their boards' downloads), the main one first."""
    env = env or template_environment(links.lang)
    prices = prices or price_table()
    suite_files = tuple(item for each in suites or (suite,) for item in downloads.suite_downloads(each.name))
    return env.get_template("methodology.md.j2").render(
        suite=suite,
        prices=prices,
        price_file=PRICE_FILE,
        price_href=http_url(prices.source),
        run_record_fields=RUN_RECORD_FIELDS,
        context_tokens=serving_context(suite),
        suites=suites or (suite,),
        flag_z=display.significant(contamination.FLAG_Z),
        downloads=downloads.LEADERBOARD_DOWNLOADS + suite_files + downloads.CLAIMS_DOWNLOADS,
        download_fields=downloads.documented_fields(),
        href=links.from_page(METHODOLOGY_URI),
        home_uri=INDEX_URI,
    )


def render_pages(board: Leaderboard, links: Links, options: Options = Options()) -> dict[str, str]:
    """Every generated page in every language, whole: {src_uri: markdown}; Korean at the root,
    English under en/, each page linking its counterpart."""
    return {
        uri: page.text() if isinstance(page, LazyPage) else page
        for uri, page in plan_pages(board, links, options).items()
    }


@dataclass(frozen=True)
class LazyPage:
    """A generated page whose body is rendered only when it is built.

    The model pages (two per model) and the leaderboard (which grows with the models) are most
    of a site's build time; MkDocs reads their front matter (title, search, language) while it
    gathers pages, and the plugin renders each whole page when it builds it, several at once
    (site/page_builds.py).
    """

    meta: Mapping[str, object]  # the page's front matter, as MkDocs reads it
    front: str  # the same, written: ``---\n...\n---\n``, the whole page less its body
    text: Callable[[], str]  # the whole page, this front matter first


def plan_pages(board: Leaderboard, links: Links, options: Options = Options()) -> dict[str, str | LazyPage]:
    """Every generated page in every language; the leaderboard, claims, charts and model pages
    as :class:`LazyPage`."""
    pages: dict[str, str | LazyPage] = {}
    for lang in LANGUAGES:
        pages.update(plan_language(board, dataclasses.replace(links, lang=lang), options))
    return pages


def plan_language(
    board: Leaderboard, links: Links, options: Options = Options()
) -> dict[str, str | LazyPage]:
    """Every generated page in links.lang; the leaderboard, claims, charts and model pages as
    :class:`LazyPage`."""
    env = template_environment(links.lang)
    pages: dict[str, str | LazyPage] = {}
    # the leaderboard first: its table grows with the models, so it is built beside them
    say = words.Words(links.lang, LABELS).say
    leaderboard_front = {"title": say("리더보드", "Leaderboard"), "hide": ["navigation", "toc"]}
    pages[localised(INDEX_URI, links.lang)] = _lazy(
        INDEX_URI, links, leaderboard_front, leaderboard_page, board, links, env
    )
    # the claims and charts pages grow with the models too: built beside them, whole
    for uri, render, words_of_title in (
        (claims_board.CLAIMS_URI, claims_page, ("팀이 밝힌 점수", "Teams' claims")),
        (analysis.CHARTS_URI, charts_page, ("차트", "Charts")),
    ):
        front: dict[str, object] = {
            "title": title_text(str(say(*words_of_title))),
            "hide": ["navigation", "toc"],
        }
        pages[localised(uri, links.lang)] = _lazy(uri, links, front, render, board, links, env)
    methodology = methodology_page(board.suite, links, env, suites=_suites(board))
    pages[localised(METHODOLOGY_URI, links.lang)] = _with_alternates(METHODOLOGY_URI, methodology, links)
    options = replace(
        options, null_panel=contamination.null_panel(board), boards=suite_results.board_indexes(board)
    )
    for entry in board.entries:
        model_front: dict[str, object] = {
            "title": title_text(entry.submission.manifest.model.name),
            "hide": ["navigation"],
        }
        if not options.searchable_models:
            model_front["search"] = {"exclude": True}
        pages[localised(entry.page_path, links.lang)] = _lazy(
            entry.page_path, links, model_front, model_page, entry, board.suite, links, env, options
        )
    return pages


def _lazy(
    uri: str, links: Links, meta: dict[str, object], render: Callable[..., str], *args: object
) -> LazyPage:
    """The page at uri whose body ``render(*args)`` makes, its front matter given now (with its
    language and alternates, as :func:`_with_alternates` adds them)."""
    meta |= _alternates(uri, links)
    front = front_matter(meta)
    return LazyPage(meta, front, functools.partial(_lazy_text, front, render, *args))


def _lazy_text(front: str, render: Callable[..., str], *args: object) -> str:
    """The whole page: the planned front matter, then the body render makes."""
    return front + render(*args)


def _suites(board: Leaderboard) -> tuple[Suite, ...]:
    return tuple(each.suite for each in board.boards)


def _with_alternates(uri: str, markdown: str, links: Links) -> str:
    """The page with its counterparts in every language in its front matter (the theme's
    language switch links them); each language's pages are searched apart (search_languages)."""
    front, body = markdown.removeprefix("---\n").split("\n---\n", 1)
    extra = front_matter(_alternates(uri, links)).removeprefix("---\n")
    return f"---\n{front}\n{extra}{body}"


def _alternates(uri: str, links: Links) -> dict[str, object]:
    """The front matter saying a page's language and linking its counterpart in each."""
    here = links.url(localised(uri, links.lang))
    alternates = {lang: get_relative_url(links.url(localised(uri, lang)), here) for lang in LANGUAGES}
    return {"kl_lang": links.lang, "kl_alternates": alternates}
