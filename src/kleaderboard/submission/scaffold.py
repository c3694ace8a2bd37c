"""``kleaderboard new``: start a submission folder that validates as it is written.

A team gives the few values the manifest cannot do without (as flags, or answering
prompts when stdin is a terminal); :func:`create_submission` renders a commented
``submission.yaml`` in which every optional field is present as a comment explaining
it, validates the text with the manifest model, and only then creates the folder. It
never overwrites: an existing folder is refused, so nothing already stored is lost.

The questions, the template and the next steps are plain data and functions; the
command line (:mod:`kleaderboard.cli.submission`) turns its flags into the mapping
:func:`resolve` reads.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import typing
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from kleaderboard.errors import InputError, Problem
from kleaderboard.identifiers import HubRepoId
from kleaderboard.kinds import Mode
from kleaderboard.submission import untrusted
from kleaderboard.submission.manifest import (
    PENDING,
    InnovationTag,
    LineageStep,
    ModelSpec,
    Relation,
    Revision,
    SourceType,
    parse_count,
    parse_manifest,
)
from kleaderboard.submission.tree import MANIFEST_NAME, SLUG, check_layout

WHERE = "kleaderboard new"
SCHEMA_PATH = Path("schema") / "submission.schema.json"
NO_LICENSE = "NOASSERTION"  # SPDX: the author makes no assertion about the licence
NO_ARCHITECTURE = "not described yet"
EXAMPLE_COMMIT = "0123456789abcdef0123456789abcdef01234567"

Ask = Callable[[str], str]


# --- answers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answers:
    """Everything the template needs, already checked one value at a time."""

    org: str
    model: str
    hub_repo: str
    revision: str
    team: str
    contact: str
    params_total: int
    from_zero: bool
    params_active: int | None = None
    license: str = NO_LICENSE
    base_model: str | None = None
    name: str | None = None
    architecture: str = NO_ARCHITECTURE

    @property
    def display_name(self) -> str:
        """The model's display name: --name, else the Hub repo's name."""
        return self.name or self.hub_repo.split("/", 1)[1]


def _pydantic_check(adapter: TypeAdapter[str], value: str) -> str:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        error = exc.errors()[0]
        fix = (error.get("ctx") or {}).get("fix", "")
        raise ValueError(f"{error['msg']} — {fix}" if fix else error["msg"]) from None


_HUB_REPO = TypeAdapter(HubRepoId)
_REVISION = TypeAdapter(Revision)


def parse_hub_repo(value: str) -> str:
    """A Hugging Face repo id, owner/name."""
    return _pydantic_check(_HUB_REPO, value.strip())


def parse_revision(value: str) -> str:
    """A 40-hex commit, or 'pending'."""
    return _pydantic_check(_REVISION, value.strip())


def parse_target(value: str) -> tuple[str, str]:
    """'<org>/<model>' as two lowercase slugs (they become the folder and the page address)."""
    parts = value.strip().split("/")
    if len(parts) != 2 or not all(SLUG.match(part) for part in parts):
        hint = value.strip().lower().replace(" ", "-")
        raise ValueError(
            f"{value!r} is not <org>/<model> in lowercase letters, digits, '.', '_' and '-'"
            + (f" — e.g. {hint}" if hint != value and all(SLUG.match(p) for p in hint.split("/")) else "")
        )
    return parts[0], parts[1]


def parse_yes_no(value: str) -> bool:
    """y/yes/예/네 or n/no/아니오/아니요."""
    answer = value.strip().lower()
    if answer in {"y", "yes", "예", "네", "true"}:
        return True
    if answer in {"n", "no", "아니오", "아니요", "false"}:
        return False
    raise ValueError(f"{value!r} is not yes or no — answer y or n")


def parse_text(value: str) -> str:
    """One line of text, 1 to 200 characters (the manifest's short text)."""
    text = value.strip()
    if not text or len(text) > 200 or "\n" in text:
        raise ValueError("give one line of 1 to 200 characters")
    return text


@dataclass(frozen=True)
class Question:
    """A value kleaderboard new needs: its flag, its prompt (Korean, English), its parser."""

    key: str
    flag: str
    ko: str
    en: str
    parse: Callable[[str], Any]
    default: str | None = None

    def prompt(self) -> str:
        """The prompt line; a default is taken when the answer is empty."""
        default = f" [{self.default}]" if self.default else ""
        return f"{self.ko} · {self.en}{default}: "


TARGET = Question(
    "target",
    "ORG/MODEL",
    "제출 폴더 <org>/<model> (소문자)",
    "submission folder <org>/<model> (lowercase)",
    parse_target,
)
QUESTIONS: tuple[Question, ...] = (
    TARGET,
    Question(
        "hub_repo",
        "--hub-repo",
        "Hugging Face 저장소 (owner/name)",
        "Hugging Face repo (owner/name)",
        parse_hub_repo,
    ),
    Question(
        "revision",
        "--revision",
        "평가할 40자리 커밋 id, 모르면 pending",
        "40-hex commit to evaluate, or pending",
        parse_revision,
        PENDING,
    ),
    Question("team", "--team", "사이트에 표시할 팀 이름", "team name shown on the site", parse_text),
    Question(
        "contact", "--contact", "연락처 (전자우편 또는 URL)", "contact (e-mail address or URL)", parse_text
    ),
    Question(
        "params_total",
        "--params-total",
        "전체 매개변수 수 (예: 7000000000 또는 7B)",
        "total parameters (e.g. 7000000000 or 7B)",
        parse_count,
    ),
    Question(
        "from_zero",
        "--from-zero/--not-from-zero",
        "가중치를 무작위 초기화에서 학습했습니까? (y/n)",
        "weights trained from random initialisation? (y/n)",
        parse_yes_no,
    ),
)
BASE_MODEL = Question(
    "base_model",
    "--base-model",
    "가중치를 가져온 모델 (owner/name)",
    "model the weights started from (owner/name)",
    parse_hub_repo,
)
OPTIONAL: tuple[Question, ...] = (
    Question("params_active", "--params-active", "활성 매개변수", "active parameters", parse_count),
    Question("license", "--license", "라이선스", "licence", parse_text),
    Question("name", "--name", "표시 이름", "display name", parse_text),
    Question("architecture", "--architecture", "구조 요약", "architecture summary", parse_text),
)


def _raw_values(given: Mapping[str, object]) -> dict[str, Any]:
    values = {q.key: given.get(q.key) for q in (*QUESTIONS, BASE_MODEL, *OPTIONAL)}
    if values["from_zero"] is not None:
        values["from_zero"] = "y" if values["from_zero"] else "n"
    return values


def _parse_given(
    values: dict[str, Any], questions: tuple[Question, ...]
) -> tuple[dict[str, Any], list[Problem]]:
    parsed: dict[str, Any] = {}
    problems: list[Problem] = []
    for question in questions:
        raw = values.get(question.key)
        if raw is None:
            continue
        try:
            parsed[question.key] = question.parse(str(raw))
        except ValueError as exc:
            problems.append(Problem(WHERE, question.flag, str(exc)))
    return parsed, problems


def ask_until_valid(question: Question, ask: Ask) -> Any:
    """Ask one question until the answer parses; the closed input stream is an InputError."""
    while True:
        try:
            answer = ask(question.prompt())
        except EOFError:
            raise InputError.single(
                WHERE, question.flag, "no answer (input ended)", f"give {question.flag}"
            ) from None
        except KeyboardInterrupt:
            print(file=sys.stderr)
            raise InputError.single(WHERE, question.flag, "cancelled; nothing was written") from None
        if not answer.strip() and question.default is not None:
            answer = question.default
        try:
            return question.parse(answer)
        except ValueError as exc:
            print(f"  {exc}", file=sys.stderr)


def _complete(
    parsed: dict[str, Any], problems: list[Problem], questions: tuple[Question, ...], ask: Ask | None
) -> None:
    """Fill every question without a valid value: ask on a terminal, else record a problem."""
    bad = {p.field: p for p in problems}
    for question in questions:
        if question.key in parsed:
            continue
        if ask is None:
            if question.flag not in bad:
                fix = f"add {question.flag} ({question.en})"
                problems.append(Problem(WHERE, question.flag, "is required", fix))
            continue
        if question.flag in bad:
            print(f"  {bad[question.flag].message}", file=sys.stderr)
        parsed[question.key] = ask_until_valid(question, ask)


def resolve(given: Mapping[str, object], ask: Ask | None = None) -> Answers:
    """Turn given values (and answers to prompts, when ``ask`` is given) into checked Answers.

    ``given`` maps a question's key (``target``, ``hub_repo``, ``params_total``,
    ``from_zero`` …) to the text given for it, or None when it was not given;
    ``from_zero`` may be a bool.

    Without ``ask`` every missing or malformed value is reported at once, as one
    InputError. With it, each of them is asked for until the answer is valid.
    """
    raw = _raw_values(given)
    parsed, problems = _parse_given(raw, (*QUESTIONS, *OPTIONAL))
    retry = tuple(q for q in OPTIONAL if q.flag in {p.field for p in problems})
    _complete(parsed, problems, QUESTIONS + retry, ask)
    if parsed.get("from_zero") is False:  # the weights came from somewhere: say where
        base, base_problems = _parse_given(raw, (BASE_MODEL,))
        parsed.update(base)
        problems += base_problems
        _complete(parsed, problems, (BASE_MODEL,), ask)
    if ask is None and problems:
        raise InputError(problems)
    return _answers(parsed)


def _answers(parsed: dict[str, Any]) -> Answers:
    org, model = parsed.pop("target")
    fields = {k: v for k, v in parsed.items() if v is not None}
    if fields.get("from_zero"):
        fields.pop("base_model", None)
    return Answers(org=org, model=model, **fields)


# --- the template ------------------------------------------------------------------------

COMMENT_COLUMN = 42


def _width(text: str) -> int:
    """Columns the text takes in a terminal or editor (Hangul is two wide)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _indent(code: str) -> int:
    return len(code) - len(code.lstrip(" "))


@dataclass(frozen=True)
class Line:
    """One template line: YAML (with its indentation), a comment, and whether it is optional."""

    code: str = ""
    comment: str = ""
    optional: bool = False

    def render(self, comment_out_at: int | None = None) -> str:
        """The line; an optional one is commented out by '# ' at column comment_out_at."""
        code = self.code
        if comment_out_at is not None:
            code = f"{code[:comment_out_at]}# {code[comment_out_at:]}"
        if not self.comment:
            return code
        if not code:
            return f"# {self.comment}"
        padding = max(COMMENT_COLUMN - 1 - _width(code), 1)
        return f"{code}{' ' * padding}# {self.comment}"


def _render(lines: list[Line], include_optional: bool) -> str:
    """Render the lines; each run of optional ones is commented out at the run's own indentation.

    Removing that one '# ' from every line of a run gives valid YAML again.
    """
    out: list[str] = []
    for is_optional, group in itertools.groupby(lines, key=lambda line: line.optional):
        run = list(group)
        column = None if include_optional or not is_optional else min(_indent(line.code) for line in run)
        out += [line.render(column) for line in run]
    return "\n".join(out) + "\n"


def _opt(code: str, comment: str = "") -> Line:
    return Line(code, comment, optional=True)


def _scalar(text: str) -> str:
    """A YAML scalar for text: plain when it reads back unchanged, else double-quoted."""
    try:
        plain = "#" not in text and yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        plain = False
    return text if plain else json.dumps(text, ensure_ascii=False)


def _choices(values: typing.Iterable[Any]) -> str:
    return " | ".join(str(getattr(v, "value", v)) for v in values)


PRECISIONS = _choices(typing.get_args(ModelSpec.model_fields["precision"].annotation))


def _header(schema_ref: str | None) -> list[Line]:
    modeline = [Line(f"# yaml-language-server: $schema={schema_ref}"), Line("#")] if schema_ref else []
    return [
        *modeline,
        Line(comment="kleaderboard 제출 매니페스트 · submission manifest (schema_version 1)"),
        Line(comment="`kleaderboard new`가 만들었습니다 · written by `kleaderboard new`."),
        Line("#"),
        Line(comment="'# ' 뒤의 키는 선택 항목입니다. '# '를 지우고 값을 고쳐 쓰세요."),
        Line(comment="A key after '# ' is optional: remove the '# ' and edit its value to use it."),
        Line(comment="모르는 값은 비워 두고 추측하지 마세요 · Leave out what you do not know; never guess."),
        Line(comment="항목 설명 · every field: 제출 방법 How to submit (site_src/submit.md)"),
        Line(),
        Line("schema_version: 1", "항상 1 · always 1"),
        Line("entered_by: team", "팀이 직접 작성 · written by the team itself"),
        _opt("sources:", "값의 출처 공개 페이지 · public pages the values come from"),
        _opt("  - https://example.org/model-card"),
        Line(),
    ]


def _team(a: Answers) -> list[Line]:
    return [
        Line("team:"),
        Line(f"  name: {_scalar(a.team)}", "사이트에 표시할 이름 · name shown on the site"),
        Line(f"  contact: {_scalar(a.contact)}", "운영진이 연락할 곳 · where maintainers reach you"),
        _opt("  github: [your-login]", "이 폴더의 GitHub 계정, PR 작성자 포함 · accounts that own it"),
        Line(),
    ]


def _model(a: Answers) -> list[Line]:
    dense = "토큰당 활성 (MoE); 밀집 모델은 생략 · per token (MoE); omit if dense"
    active = (
        Line(f"    active: {a.params_active}", dense)
        if a.params_active
        else _opt(f"    active: {a.params_total}", dense)
    )
    return [
        Line("model:"),
        Line(f"  name: {_scalar(a.display_name)}", "표시 이름 · display name"),
        Line(f"  hub_repo: {a.hub_repo}", "Hugging Face 저장소 · Hub repo (owner/name)"),
        Line(f"  revision: {_scalar(a.revision)}", "40자리 커밋 또는 pending · 40-hex commit, or pending"),
        _opt("  precision: bfloat16", f"평가 정밀도 · evaluation dtype: {PRECISIONS}"),
        Line("  parameters:"),
        Line(f"    total: {a.params_total}", "모든 전문가 포함 · all parameters, every expert"),
        active,
        _opt("  context_length: 131072", "최대 문맥 길이(토큰) · max context length (tokens)"),
        _opt("  vocab_size: 128000", "어휘 수 (손실 로그 검사: ln V) · vocabulary (loss-log check: ln V)"),
        Line(f"  architecture: {_scalar(a.architecture)}", "한 줄 요약 · one line, e.g. MoE, MLA, 48 layers"),
        _opt("  modes: [base]", f"평가 방식 · how to prompt it: {_choices(Mode)}"),
        _opt("  chat_template: false", "base 외 모드는 true · true for any mode but base"),
        _opt("  think_end_token: </think>", "think_on일 때 필수: 추론 끝 표시 · needed for think_on"),
        _opt(
            "  sampling: {temperature: 0.6, top_p: 0.95, source: https://huggingface.co/ORG/MODEL}",
            "모델 카드가 권하는 샘플링 · the model card's recommended sampling",
        ),
        Line(),
    ]


def _components(a: Answers) -> list[Line]:
    if a.from_zero:
        first = [
            Line("    - name: language model"),
            Line("      origin: own"),
            Line("      relation: trained_from_zero"),
        ]
    else:
        first = [
            Line("    - name: language model"),
            Line("      origin:"),
            Line(f"        model: {a.base_model}", "가중치를 가져온 모델 · where the weights came from"),
            _opt(f"        revision: {EXAMPLE_COMMIT}", "그 모델의 커밋 · its commit"),
            Line("      relation: initialised_from"),
        ]
    if a.from_zero:  # an example that fits a model trained from zero
        example = [
            _opt("    - name: attention design", "설계만 빌린 부분의 예 · a design credited upstream"),
            _opt("      origin: {model: upstream-org/base-model}"),
        ]
    else:
        example = [
            _opt("    - name: vision encoder", "다른 모델에서 온 부분의 예 · a part from another model"),
            _opt(f"      origin: {{model: upstream-org/vision-encoder, revision: {EXAMPLE_COMMIT}}}"),
        ]
    relation = "architecture_only" if a.from_zero else "frozen_from"
    return [
        Line("  components:", "구성 요소의 출처와 관계 · each part: where from, how used"),
        *first,
        *example,
        _opt(f"      relation: {relation}", _choices(Relation)),
    ]


def _originality(a: Answers) -> list[Line]:
    return [
        Line("originality:"),
        Line(
            f"  weights_initialised_from_zero: {'true' if a.from_zero else 'false'}",
            "무작위 초기화에서 학습? · trained from random init?",
        ),
        _opt(
            "  claim_source: https://example.org/how-we-built-it", "만든 방법을 밝힌 곳 · where you say how"
        ),
        *_components(a),
        _opt("  innovations:", "구조적 혁신 · architectural innovations"),
        _opt("    - tag: other", _choices(InnovationTag)),
        _opt("      description: 한 문장 설명 · one sentence (required for tag other)"),
        _opt("  technical_report: https://example.org/technical-report.pdf"),
        _opt("  loss_log: loss_log.csv", "이 폴더의 사전학습 손실 기록 · pre-training loss log here"),
        *_lineage(a),
        Line(),
    ]


def _lineage(a: Answers) -> list[Line]:
    lines = [
        _opt("  lineage:", "팀 자신의 모델 계보 · among the team's own versions"),
        _opt(f"    family: {_scalar(a.org)}", "모델 계열 · model family"),
        _opt("    version: v1" if a.from_zero else "    version: v2"),
    ]
    if not a.from_zero:  # a later version of the team's own model: the chain back to a start is checked
        lines += [
            _opt("    continued_from:", "이전 버전 · the earlier version"),
            _opt(f"      submission: {a.org}/earlier-model", "이 리더보드의 제출 · a submission here"),
            _opt(f"      revision: {EXAMPLE_COMMIT}", "가중치를 가져온 커밋 · commit the weights came from"),
            _opt("      how: continued_pretraining", _choices(LineageStep)),
        ]
    return lines


def _cost() -> list[Line]:
    return [
        _opt("cost:", "아는 것만 · what you know"),
        _opt("  training:"),
        _opt("    gpu_type: H100 80GB"),
        _opt("    gpu_count: 1024"),
        _opt("    gpu_hours: 450000"),
        _opt("    tokens: 12000000000000", "사전학습 토큰 · pre-training tokens"),
        _opt("    start: 2025-01-06"),
        _opt("    end: 2025-04-30"),
        _opt("  serving:", "서비스 가격 (있으면) · serving price, if offered"),
        _opt("    price_per_1m_input_tokens_usd: 0.15"),
        _opt("    price_per_1m_output_tokens_usd: 0.60"),
        _opt("    reference_hardware: 1x H100 80GB"),
        Line(),
    ]


def _self_reported() -> list[Line]:
    return [
        _opt("self_reported:", "발표한 점수, 출처 필수 · published scores, each with a source"),
        _opt("  - benchmark: KMMLU"),
        _opt("    value: 61.2"),
        _opt("    mode: base", _choices(Mode)),
        _opt("    n_shot: 5"),
        _opt("    source: https://example.org/technical-report.pdf"),
        _opt("    note: 보고서 표 4 · Table 4 of the report"),
        _opt("external:", "외부 리더보드 값, 날짜와 링크 · a global leaderboard's figure, dated and linked"),
        _opt("  - leaderboard: Artificial Analysis Intelligence Index"),
        _opt("    value: 31.0"),
        _opt("    as_of: 2026-01-15"),
        _opt("    source: https://example.org/leaderboard"),
    ]


def _training_data() -> list[Line]:
    return [
        _opt("training_data:", "사전학습 데이터 (토큰 비율 0~1) · pre-training data, token shares 0 to 1"),
        _opt("  languages: {ko: 0.4, en: 0.6}"),
        _opt("  source_types: {web: 0.7, books: 0.1, code: 0.1, synthetic: 0.1}", _choices(SourceType)),
        _opt("  synthetic_share: 0.1", "모델이 생성한 토큰 비율 · share generated by models"),
        Line(),
        _opt("notes: 독자가 알아야 할 점 · anything a reader should know"),
    ]


def render_manifest(answers: Answers, schema_ref: str | None = None, include_optional: bool = False) -> str:
    """The commented submission.yaml; include_optional writes every optional key uncommented."""
    lines = [
        *_header(schema_ref),
        *_team(answers),
        *_model(answers),
        Line(f"license: {_scalar(answers.license)}", "SPDX 식별자 또는 이름 · SPDX id or licence name"),
        Line(),
        *_originality(answers),
        *_cost(),
        *_self_reported(),
        Line(),
        *_training_data(),
    ]
    return _render(lines, include_optional)


# --- writing -----------------------------------------------------------------------------


def schema_reference(folder: Path, submissions_dir: Path) -> str | None:
    """The committed JSON Schema, relative to the new folder, if the repository has one."""
    schema = submissions_dir.parent / SCHEMA_PATH
    if not schema.is_file():
        return None
    return Path(os.path.relpath(schema.resolve(), folder.resolve())).as_posix()


def create_submission(answers: Answers, submissions_dir: Path) -> Path:
    """Write submissions_dir/<org>/<model>/submission.yaml; return its path.

    The text is validated with the manifest model before anything is created, and an
    existing folder is refused: nothing already stored is overwritten.
    """
    folder = submissions_dir / answers.org / answers.model
    path = folder / MANIFEST_NAME
    problems = check_layout(path)
    if problems:
        raise InputError(problems)
    if folder.exists():
        raise InputError.single(
            folder,
            "",
            "already exists; kleaderboard new never overwrites",
            "edit that folder, or pick another name",
        )
    text = render_manifest(answers, schema_reference(folder, submissions_dir))
    parse_manifest(untrusted.loads(text, path), path)  # raises ManifestError, nothing written
    folder.mkdir(parents=True, exist_ok=False)
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than replace a file
        handle.write(text)
    return path


def next_steps(path: Path, answers: Answers) -> list[str]:
    """What to do after the folder is written (Korean, then English)."""
    folder = path.parent.as_posix()
    steps = [f"{path.as_posix()}의 '# ' 선택 항목을 채우세요 · fill in the optional fields shown after '# '"]
    if answers.revision == PENDING:
        steps.append(
            "revision: pending을 평가할 40자리 커밋으로 바꾸세요 · replace pending with the 40-hex commit"
        )
    if answers.license == NO_LICENSE:
        steps.append(f"license: {NO_LICENSE}에 라이선스를 적으세요 · set license (SPDX id or name)")
    if answers.architecture == NO_ARCHITECTURE:
        steps.append("model.architecture에 구조를 한 줄로 적으세요 · describe model.architecture in one line")
    steps += [
        f"검사 · check: kleaderboard validate {folder}",
        f"이 폴더만 바꾸는 PR을 여세요 · open a pull request that changes only {folder}/",
    ]
    return [f"  {number}. {step}" for number, step in enumerate(steps, 1)]


# --- input ------------------------------------------------------------------------------


def terminal_input() -> Ask | None:
    """input() when stdin is a terminal (so prompts make sense), else None."""
    isatty = getattr(sys.stdin, "isatty", None)
    return input if isatty is not None and isatty() else None
