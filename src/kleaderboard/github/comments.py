"""The pull-request comments: the submission check and the evaluation scores, as Markdown.

Every string that comes from a pull request or from an evaluation artifact (team
and model names, file names, problem texts that quote them, task names, error
messages) passes through :func:`inert` before it reaches the Markdown, so that it
renders as plain text: no HTML, no links or images, no @mentions or issue
references, no table or code-fence breaks. Links in the comments are built here
only from values whose shape was checked (a Hub repo id, a 40-hex commit, the
Actions run address).

Every figure is marked **declared** (from the team's submission.yaml),
**measured** (by the pipeline or by the Hub) or **checked** (compared with
evidence), as on the site.

Only rendering happens here: :mod:`kleaderboard.github.pull_check` and
:mod:`kleaderboard.github.scores` post the comments.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kleaderboard import display
from kleaderboard.errors import Problem
from kleaderboard.identifiers import is_commit_sha, is_hub_repo_id

if TYPE_CHECKING:
    from kleaderboard.github.check_report import CheckReport
    from kleaderboard.records import RunRecord
    from kleaderboard.submission.manifest import Manifest

CHECK_MARKER = "<!-- kleaderboard:pr-check -->"  # the old command name, kept: it finds earlier comments
SCORES_MARKER = "<!-- kleaderboard:scores -->"
EVALUATION_CONTEXT = "kleaderboard/evaluation"
MAX_TEXT = 200
MAX_ERROR_TEXT = 600
MAX_ROWS = 60
MAX_COMMENT = 65_000  # GitHub refuses a comment body past 65,536 characters
LIST_BUDGET = 24_000  # characters per list: two lists and the tables stay under GitHub's 65,536
DOCS_PATH = "maintainers/"
DECLARED = str(display.DECLARED)
MEASURED = str(display.MEASURED)
CHECKED = str(display.CHECKED)

# Characters that Markdown or HTML would read as syntax: backslash-escaped, or
# written as HTML entities. ZERO WIDTH SPACE after '@', '#' and ':' stops GitHub's
# @mentions, #123 / owner/repo#123 references and scheme://… autolinks.
_MARKDOWN_PUNCTUATION = frozenset("\\`*_{}[]()#+-.!|~^$=")
_HTML_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_BREAK_AFTER = frozenset("@#:")
_ZWSP = "\u200b"
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
_AUTOLINKED = re.compile(r"(?i)\b(www|gh)(\\[.-])")  # www.… links and GH-123 references
_RUN_URL = re.compile(
    r"https://[A-Za-z0-9.-]+(?::[0-9]+)?/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/actions/runs/[0-9]+"
)
_SITE_URL = re.compile(r"https://[A-Za-z0-9.-]+(?::[0-9]+)?(?:/[A-Za-z0-9_.~-]+)*/?")


def inert(text: object, limit: int = MAX_TEXT) -> str:
    """Text that renders as itself in GitHub Markdown: one line, no markup, no mentions, no links."""
    cleaned = "".join(
        " " if ch.isspace() else ch
        for ch in str(text)
        if ch.isspace() or unicodedata.category(ch) not in _DROPPED_CATEGORIES
    )
    cleaned = " ".join(cleaned.split())
    if len(cleaned) > limit:
        cleaned = cleaned[: limit - 1] + "…"
    out = []
    for ch in cleaned:
        if ch in _HTML_ENTITIES:
            out.append(_HTML_ENTITIES[ch])
        elif ch in _MARKDOWN_PUNCTUATION:
            out.append("\\" + ch)
        else:
            out.append(ch)
        if ch in _BREAK_AFTER:
            out.append(_ZWSP)
    return _AUTOLINKED.sub(lambda m: f"{m[1]}{_ZWSP}{m[2]}", "".join(out))


def short_sha(sha: str) -> str:
    """The first 7 characters of a checked 40-hex commit id, in code style."""
    return f"`{sha[:7]}`" if is_commit_sha(sha) else inert(sha, 40)


def _table(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _problem_line(problem: Problem) -> str:
    where = inert(problem.file)
    if problem.field:
        where += f" · {inert(problem.field)}"
    line = f"**{where}**: {inert(problem.message, MAX_ERROR_TEXT)}"
    return f"{line} — {inert(problem.fix, MAX_ERROR_TEXT)}" if problem.fix else line


def _within_budget(lines: list[str], budget: int = LIST_BUDGET) -> list[str]:
    """As many lines as fit in budget characters (escaping can grow a text sixfold), then a count."""
    kept: list[str] = []
    used = 0
    for line in lines[:MAX_ROWS]:
        used += len(line) + 1
        if used > budget:
            break
        kept.append(line)
    left = len(lines) - len(kept)
    return [*kept, f"\n… 외 {left}건 · and {left} more"] if left else kept


def _problem_list(problems: tuple[Problem, ...] | list[Problem]) -> list[str]:
    return _within_budget([f"{n}. {_problem_line(p)}" for n, p in enumerate(problems, start=1)])


def _finish(lines: list[str]) -> str:
    """The comment, cut at a line boundary if it would pass GitHub's limit (no construct spans lines)."""
    text = "\n".join(lines) + "\n"
    if len(text) <= MAX_COMMENT:
        return text
    cut = text.rfind("\n", 0, MAX_COMMENT - 200)
    return text[:cut] + "\n\n… (잘림 · cut to fit GitHub's comment limit)\n"


def _footer(run_url: str | None, site_url: str | None) -> list[str]:
    parts = ["kleaderboard"]
    if run_url and _RUN_URL.fullmatch(run_url):
        parts.append(f"[실행 기록 run log]({run_url})")
    if site_url and _SITE_URL.fullmatch(site_url):
        parts.append(f"[운영 안내 maintainer guide]({site_url.rstrip('/')}/{DOCS_PATH})")
    return ["", f"<sub>{' · '.join(parts)}</sub>"]


# --- the submission check ------------------------------------------------------------------


def _model_cell(manifest: Manifest) -> str:
    spec = manifest.model
    name = inert(spec.name)
    repo, revision = spec.hub_repo or "", spec.revision or ""
    if is_hub_repo_id(repo):
        ref = revision if is_commit_sha(revision) else "main"
        return f"{name} ([{inert(repo)}](https://huggingface.co/{repo}/tree/{ref}))"
    return name


def _parameters_cell(manifest: Manifest) -> str:
    params = manifest.model.parameters
    text = display.count(params.total)
    return f"{text}, active {display.count(params.active)}" if params.active else text


def _manifest_rows(manifest: Manifest) -> list[tuple[str, ...]]:
    zero = manifest.originality.weights_initialised_from_zero
    zero_text = str(display.yes_no(zero))
    return [
        ("팀 Team", inert(manifest.team.name), DECLARED),
        ("모델 Model", _model_cell(manifest), DECLARED),
        ("매개변수 Parameters", _parameters_cell(manifest), DECLARED),
        ("구조 Architecture", inert(manifest.model.architecture), DECLARED),
        ("처음부터 학습 Weights from zero", zero_text, DECLARED),
        ("라이선스 Licence", inert(manifest.license), DECLARED),
    ]


def _hub_rows(report: CheckReport) -> list[tuple[str, ...]]:
    hub = report.hub
    if hub is None or hub.commit is None:
        return []
    files = f"{display.number(len(hub.files))} files, {display.byte_size(hub.total_bytes)}"
    return [
        ("Hub 커밋 commit", short_sha(hub.commit), CHECKED),
        ("Hub 파일 Files", files, f"{MEASURED} (Hub)"),
        ("Hub 매개변수 Parameters", display.count(hub.parameters), f"{MEASURED} (Hub safetensors)"),
        ("Hub 라이선스 Licence", inert(hub.license or "—"), f"{MEASURED} (Hub)"),
    ]


def _check_heading(report: CheckReport) -> str:
    if report.problems:
        count = len(report.problems)
        return f"### ❌ 제출 검사: 문제 {count}건 · Submission check: {count} problem(s)"
    if report.hub_error:
        return "### ⚠️ 제출 검사: Hub 확인 실패 · Submission check: the Hub could not be checked"
    return "### ✅ 제출 검사 통과 · Submission check passed"


def _next_step(report: CheckReport) -> str:
    if report.problems:
        return (
            "**다음 단계 · Next:** 위 문제를 고쳐 같은 브랜치에 push하면 다시 검사합니다. "
            "*Fix the problems above and push to the same branch; the check runs again.*"
        )
    if report.hub_error:
        return (
            "**다음 단계 · Next:** 잠시 뒤 운영진이 검사를 다시 실행합니다. "
            "*A maintainer re-runs the check later; nothing to change on your side.*"
        )
    return (
        "**다음 단계 · Next:** 운영진이 평가를 승인하면 GPU에서 평가하고 점수를 이 PR에 답니다. "
        "*A maintainer approves the evaluation; it runs on the GPU runner and posts the scores here.*"
    )


def render_check_comment(report: CheckReport, run_url: str | None = None, site_url: str | None = None) -> str:
    """The check comment: verdict, the submission's declared facts, Hub facts, every problem."""
    lines = [CHECK_MARKER, _check_heading(report), ""]
    if report.submission:
        kind = "새 제출 new submission" if report.is_new else "기존 제출 갱신 update"
        lines.append(f"**{inert(report.submission)}** · {kind} · 커밋 commit {short_sha(report.sha)}")
        lines.append("")
    rows = (_manifest_rows(report.manifest) if report.manifest else []) + _hub_rows(report)
    if rows:
        lines += [*_table(("항목 Item", "값 Value", "출처 Source"), rows), ""]
    if report.problems:
        lines += ["#### 문제 · Problems", "", *_problem_list(report.problems), ""]
    if report.hub_error:
        lines += ["#### Hub", "", inert(report.hub_error, MAX_ERROR_TEXT), ""]
    findings = report.hub.findings if report.hub else []
    if findings:
        lines += ["#### 참고 · Findings", ""]
        lines += _within_budget([f"- {inert(f, MAX_ERROR_TEXT)}" for f in findings])
        lines.append("")
    lines.append(_next_step(report))
    return _finish(lines + _footer(run_url, site_url))


# --- the scores ----------------------------------------------------------------------------


def _score_rows(record: RunRecord) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for score in record.scores[:MAX_ROWS]:
        rows.append(
            (
                inert(score.task, 80),
                inert(score.metric, 40),
                display.score(score.value),
                display.score(score.stderr),
                display.number(score.n_samples),
                str(score.n_shot),
                MEASURED,
            )
        )
    return rows


def _cost_rows(record: RunRecord) -> list[tuple[str, ...]]:
    measured = record.measured
    gpus = ", ".join(record.environment.gpus) or measured.hardware_kind
    return [
        ("평가 시간 Wall time", display.seconds(measured.wall_seconds), MEASURED),
        ("장치 시간 Device-seconds", display.seconds(measured.device_seconds), MEASURED),
        ("처리 토큰 Tokens processed", display.count(measured.tokens_processed), MEASURED),
        ("에너지 Energy", display.energy(measured.energy_wh), MEASURED),
        ("하드웨어 Hardware", inert(gpus, 120), MEASURED),
    ]


def _declared_rows(manifest: Manifest) -> list[tuple[str, ...]]:
    return [
        (
            inert(score.benchmark, 80),
            display.exact(score.value),
            inert(score.mode.value if score.mode else "—", 20),
            str(score.n_shot) if score.n_shot is not None else "—",
            DECLARED,
        )
        for score in manifest.self_reported[:MAX_ROWS]
    ]


@dataclass(frozen=True)
class ScoresContext:
    """Where the scores belong and where to read more."""

    submission: str
    sha: str
    run_url: str | None = None
    site_url: str | None = None


def _record_lines(record: RunRecord) -> list[str]:
    status = "✅ 성공 succeeded" if record.status == "succeeded" else "❌ 실패 failed"
    lines = [
        f"스위트 suite **{inert(record.suite, 60)}** v{record.suite_version} · "
        f"lm-eval {inert(record.lm_eval_version, 30)} · 실행 run {inert(record.run_id, 80)} · {status}",
        "",
    ]
    if record.error:
        lines += [f"**오류 · Error:** {inert(record.error, MAX_ERROR_TEXT)}", ""]
    if record.scores:
        header = (
            "과제 Task",
            "지표 Metric",
            "점수 Score",
            "± stderr",
            "표본 Samples",
            "n-shot",
            "출처 Source",
        )
        lines += [*_table(header, _score_rows(record)), ""]
    lines += ["#### 평가 비용 · Evaluation cost", ""]
    lines += [*_table(("항목 Item", "값 Value", "출처 Source"), _cost_rows(record)), ""]
    return lines


def render_scores_comment(
    context: ScoresContext,
    record: RunRecord | None,
    manifest: Manifest | None = None,
    failure: str | None = None,
) -> str:
    """The scores comment from a checked run record (or why there is none), declared scores beside."""
    lines = [
        SCORES_MARKER,
        f"### 📊 평가 결과 · Evaluation — {inert(context.submission, 130)}",
        "",
        f"커밋 commit {short_sha(context.sha)}",
        "",
    ]
    if record is not None:
        lines += _record_lines(record)
    if failure:
        lines += ["**평가 결과를 받지 못했습니다 · No result:** " + inert(failure, MAX_ERROR_TEXT), ""]
        lines += [
            "운영진이 실행 기록을 확인하고 다시 실행합니다. "
            "*A maintainer reads the run log and re-runs the evaluation.*",
            "",
        ]
    if manifest is not None and manifest.self_reported:
        lines += ["#### 팀이 밝힌 점수 · Self-reported scores", ""]
        header = ("벤치마크 Benchmark", "값 Value", "모드 Mode", "n-shot", "출처 Source")
        lines += [*_table(header, _declared_rows(manifest)), ""]
    return _finish(lines + _footer(context.run_url, context.site_url))


__all__ = [
    "CHECK_MARKER",
    "SCORES_MARKER",
    "ScoresContext",
    "inert",
    "render_check_comment",
    "render_scores_comment",
]
