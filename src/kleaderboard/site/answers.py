"""The questions a visitor comes with, answered at the top of the leaderboard (the home page).

Issue 12 names them: which model is best at Korean (measured, or claimed, each labelled as
such), which is cheapest for its score, which were trained from zero and on what evidence,
what changed between two versions, and where to download it. Each answer here is computed
from the same board the pages show and says where its figures come from; each links the
page (and the section) that shows the whole of it, so every answer is one link from home.
Where the board cannot answer yet (nothing measured, no lineage declared) the answer says
so and links where the answer will appear.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from kleaderboard import display
from kleaderboard.benchmark_catalogue import catalogue
from kleaderboard.display import Label
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.site import analysis, charts, claims_board, downloads, timeline
from kleaderboard.suites import Suite

KOREAN_PREFIX = "ko_"  # suite categories whose id starts so measure Korean (ko_knowledge, …)
MAX_NAMED = 5  # models named in one answer; the linked page lists them all


@dataclass(frozen=True)
class Link:
    """A link of an answer: a page (or file) of the site, by its source path, and a section."""

    words: Label
    uri: str
    anchor: str = ""
    download: bool = False


@dataclass(frozen=True)
class Line:
    """One sentence of an answer and the kind of figure it gives ("" for none)."""

    kind: str  # "measured", "declared", "checked" or ""
    words: Label


@dataclass(frozen=True)
class Answer:
    key: str  # a stable id: the page marks each answer with it (data-answer)
    question: Label
    lines: tuple[Line, ...]
    links: tuple[Link, ...]


def _names(entries: list[Entry]) -> str:
    names = [e.submission.manifest.model.name for e in entries[:MAX_NAMED]]
    more = len(entries) - len(names)
    return ", ".join(names) + (f" (+{more})" if more > 0 else "")


def korean_tasks(suite: Suite) -> set[str]:
    """The suite's tasks (and their chat variants) in its Korean categories."""
    tasks = set()
    for task in suite.tasks:
        if task.category.startswith(KOREAN_PREFIX):
            tasks.add(task.task)
            if task.chat is not None:
                tasks.add(task.chat.task)
    return tasks


def korean_benchmarks(suite: Suite) -> set[str]:
    """Canonical benchmark names the suite measures in its Korean categories."""
    tasks = korean_tasks(suite)
    return {
        b.name
        for b in catalogue().benchmarks
        if any(m.suite == suite.name and set(m.tasks) <= tasks for m in b.measured_by)
    }


def korean_index(entry: Entry) -> float | None:
    """The mean of a model's measured Korean category indices; None unless all are measured."""
    values = [
        c.index.value if c.index else None
        for c in entry.categories
        if c.category.id.startswith(KOREAN_PREFIX)
    ]
    if not values or any(v is None for v in values):
        return None
    return fmean(v for v in values if v is not None)


def _korean_measured(board: Leaderboard) -> Line:
    scored = [(korean_index(e), e) for e in board.entries if e.rank is not None]
    ranked = sorted(((v, e) for v, e in scored if v is not None), key=lambda pair: -pair[0])
    if not ranked:
        return Line(
            "measured",
            Label("아직 한국어 점수를 측정한 모델이 없습니다.", "No model has a measured Korean score yet."),
        )
    value, best = ranked[0]
    name, text = best.submission.manifest.model.name, display.number(value, 1)
    return Line(
        "measured",
        Label(
            f"{name}: 한국어 범주 지수 평균 {text} (0 = 찍기, 100 = 만점; 순위 범위는 표에).",
            f"{name}: mean Korean category index {text} "
            "(0 = chance, 100 = perfect; rank ranges in the table).",
        ),
    )


def _setting(claim: claims_board.Claim, lang: str) -> str:
    """How a claim was measured, in words: 'think_on mode, 5-shot'; what the team left out is said so."""
    mode = f"{claim.mode} 모드" if lang == "ko" else f"{claim.mode} mode"
    if claim.mode is None:
        mode = "모드 밝히지 않음" if lang == "ko" else "mode not stated"
    return mode if claim.n_shot is None else f"{mode}, {display.number(claim.n_shot)}-shot"


def _korean_claimed(board: Leaderboard) -> Line:
    claims = claims_board.claims_board(board)
    korean = korean_benchmarks(board.suite)
    for column, name in enumerate(claims.benchmarks):  # the most widely reported first
        if name not in korean:
            continue
        cells = [(c, row.entry) for row in claims.rows for c in row.cells[column]]
        top, entry = max(cells, key=lambda pair: pair[0].value)
        model = entry.submission.manifest.model.name
        return Line(
            "declared",
            Label(
                f"팀이 밝힌 {name} 최고값: {model} {top.text} ({_setting(top, 'ko')}; "
                f"밝힌 값 {len(cells)}개 중). 설정이 서로 달라 순위가 아닙니다.",
                f"Highest {name} a team published: {model} {top.text} ({_setting(top, 'en')}; "
                f"the highest of {len(cells)} published). Settings differ, so this is not a ranking.",
            ),
        )
    return Line(
        "declared",
        Label("팀이 밝힌 한국어 벤치마크 점수가 없습니다.", "No team publishes a Korean benchmark score."),
    )


def korean_answer(board: Leaderboard) -> Answer:
    return Answer(
        "korean",
        Label("한국어를 가장 잘하는 모델은?", "Which model is best at Korean?"),
        (_korean_measured(board), _korean_claimed(board)),
        (
            Link(
                Label("측정 순위 (한국어 열)", "measured ranking (Korean columns)"), "index.md", "leaderboard"
            ),
            Link(Label("팀이 밝힌 점수", "teams' claims"), claims_board.CLAIMS_URI),
        ),
    )


def cost_answer(board: Leaderboard) -> Answer:
    frontier = charts.pareto_frontier(analysis.cost_points(board.entries))
    if frontier:
        names = ", ".join(p.name for p in frontier[:MAX_NAMED])
        line = Line(
            "measured",
            Label(
                f"파레토 경계(더 싸면서 점수가 더 높은 모델이 없는 모델): {names}.",
                f"On the Pareto frontier (no cheaper model scores higher): {names}.",
            ),
        )
    else:
        line = Line(
            "measured",
            Label(
                "GPU에서 가격과 점수를 함께 측정한 모델이 아직 없습니다.",
                "No model has a price and a score measured on a GPU yet.",
            ),
        )
    return Answer(
        "cost",
        Label("점수 대비 가장 싼 모델은?", "Which is cheapest for its score?"),
        (line,),
        (
            Link(Label("차트: 점수 대비 비용", "chart: score for the cost"), analysis.CHARTS_URI, "cost"),
            Link(Label("비용 계산 방법", "how cost is measured"), "methodology.md", "cost"),
        ),
    )


def zero_answer(board: Leaderboard) -> Answer:
    zero = [e for e in board.entries if e.submission.manifest.originality.weights_initialised_from_zero]
    logged = [e for e in zero if e.loss.log is not None]
    if zero:
        line = Line(
            "declared",
            Label(
                f"처음부터 학습했다고 밝힌 모델 {len(zero)}개: {_names(zero)}. "
                f"그중 손실 로그(증거)를 낸 모델 {len(logged)}개.",
                f"{len(zero)} models declare training from zero: {_names(zero)}; "
                f"{len(logged)} of them submit a loss log as evidence.",
            ),
        )
    else:
        line = Line(
            "declared",
            Label("처음부터 학습했다고 밝힌 모델이 없습니다.", "No model declares training from zero."),
        )
    evidence = Line(
        "checked",
        Label(
            "증거는 모델 페이지의 독창성 절: 구성 요소마다 출처, 손실 로그와 신고 값의 대조.",
            "The evidence is on each model page, under Originality: every component's origin, and the "
            "loss log set against the declaration.",
        ),
    )
    links = [
        Link(
            Label("표의 '처음부터 학습' 열과 필터", "the table's From zero column and filter"),
            "index.md",
            "leaderboard",
        )
    ]
    # The models themselves are one more link away, from the table: a second link here named
    # after a model would make two links of the same name on the page.
    links.append(
        Link(
            Label("신고 · 측정 · 검증의 뜻", "what declared, measured, checked mean"),
            "methodology.md",
            "provenance",
        )
    )
    return Answer(
        "zero",
        Label(
            "어떤 모델이 처음부터 학습했고, 증거는?", "Which were trained from zero, and on what evidence?"
        ),
        (line, evidence),
        tuple(links),
    )


def versions_answer(board: Leaderboard) -> Answer:
    families = [f for f in timeline.family_timelines(board) if len(f.versions) > 1]
    if families:
        chains = "; ".join(
            f"{f.family}: {' → '.join(v.version for v in f.versions)}" for f in families[:MAX_NAMED]
        )
        line = Line(
            "declared",
            Label(
                f"버전을 밝힌 계열 {len(families)}개 — {chains}.",
                f"{len(families)} families declare versions — {chains}.",
            ),
        )
    else:
        line = Line(
            "declared",
            Label(
                "두 버전 이상을 밝힌 모델 계열이 아직 없습니다(manifest의 originality.lineage).",
                "No model family declares two versions yet (originality.lineage in the manifest).",
            ),
        )
    runs = Line(
        "measured",
        Label(
            "모델 페이지마다 모든 실행을 날짜, 벤치마크 모음 버전, 입력과 함께 보여 주고, "
            "그 뒤 매니페스트가 바뀐 실행은 표시합니다.",
            "Every model page lists every run with its date, suite version and inputs, and flags a run "
            "whose manifest changed since.",
        ),
    )
    return Answer(
        "versions",
        Label("두 버전 사이에 무엇이 바뀌었나?", "What changed between two versions?"),
        (line, runs),
        (
            Link(
                Label("차트: 계열별 버전과 점수", "chart: each family's versions and scores"),
                analysis.CHARTS_URI,
                "families",
            ),
        ),
    )


def download_answer(board: Leaderboard) -> Answer:
    hub = sum(1 for e in board.entries if e.submission.manifest.model.hub_repo)
    line = Line(
        "declared",
        Label(
            f"모델 {hub}개의 페이지가 Hugging Face 저장소와 리비전(평가하는 커밋)을 링크합니다. "
            "표 전체는 JSON과 CSV로 받을 수 있습니다.",
            f"The pages of {hub} models link their Hugging Face repository and revision (the commit "
            "evaluated). Every table downloads as JSON and CSV.",
        ),
    )
    links = [Link(Label("모델 목록", "the models"), "index.md", "leaderboard")]
    links += [Link(Label(d.name, d.name), d.uri, download=True) for d in downloads.LEADERBOARD_DOWNLOADS[:2]]
    links += [Link(Label(d.name, d.name), d.uri, download=True) for d in downloads.CLAIMS_DOWNLOADS[:2]]
    return Answer("download", Label("어디서 내려받나?", "Where do I download it?"), (line,), tuple(links))


def answers(board: Leaderboard) -> tuple[Answer, ...]:
    """The five answers, in the order issue 12 asks them."""
    return (
        korean_answer(board),
        cost_answer(board),
        zero_answer(board),
        versions_answer(board),
        download_answer(board),
    )


__all__ = ["Answer", "Line", "Link", "answers", "korean_benchmarks", "korean_index"]
