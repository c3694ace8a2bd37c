"""site_src/submit.md is a guide a team can follow alone: its exit codes, Hub rules, order,
importer formats and hook are the code's own (issue 13). It and the maintainers' guide exist
once per language, Korean at the root and English under en/ (issue 12), and each says it all
in its own language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from kleaderboard import errors
from kleaderboard.checks.hub import DEFAULT_MAX_PARAMETERS, PICKLE_SUFFIXES
from kleaderboard.site import twins
from kleaderboard.submission.loss_sources import FIELDS, FORMATS

ROOT = Path(__file__).parents[1]
SITE_SRC = ROOT / "site_src"
HANGUL = re.compile(r"[\uac00-\ud7a3]")


@dataclass(frozen=True)
class Guide:
    """One language's pages and the headings and words the tests look for in them."""

    lang: str
    exit_codes: str
    hub_rules: str
    hub_words: tuple[str, ...]
    in_the_pr: str
    evaluation: str
    merge: str
    order: str
    pr_commit: str
    merge_step: str
    flow: str

    def read(self, page: str) -> str:
        prefix = "" if self.lang == "ko" else f"{self.lang}/"
        return (SITE_SRC / f"{prefix}{page}").read_text(encoding="utf-8")


KOREAN = Guide(
    lang="ko",
    exit_codes="### 종료 코드",
    hub_rules="## Hub와 구조 규칙",
    hub_words=(
        "auto_map",
        "`.py`",
        "게이트",
        "40자리",
        "safetensors",
        "trust_remote_code",
        "라이선스",
        "1.2조",
    ),
    in_the_pr="## PR에서 일어나는 일",
    evaluation="**평가**",
    merge="**병합**",
    order="## 제출 순서",
    pr_commit="**PR의 커밋을** 평가",
    merge_step="팀의 PR을 병합",
    flow="## 흐름",
)
ENGLISH = Guide(
    lang="en",
    exit_codes="### Exit codes",
    hub_rules="## Hub and architecture rules",
    hub_words=(
        "auto_map",
        "`.py`",
        "gated",
        "40-hex",
        "safetensors",
        "trust_remote_code",
        "licence",
        "1.2 × 10^12",
    ),
    in_the_pr="## What happens in the PR",
    evaluation="**Evaluation**",
    merge="**Merge**",
    order="## Submission order",
    pr_commit="evaluates **the PR's commit**",
    merge_step="merges the team's PR",
    flow="## The flow",
)
GUIDES = [pytest.param(KOREAN, id="ko"), pytest.param(ENGLISH, id="en")]
PAGES = ["submit.md", "maintainers.md"]


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


@pytest.mark.parametrize("guide", GUIDES)
def test_every_exit_code_is_documented_and_no_other(guide: Guide) -> None:
    table = section(guide.read("submit.md"), guide.exit_codes)
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}

    def codes(cls: type[errors.KleaderboardError]) -> set[int]:
        return {cls.exit_code}.union(*(codes(sub) for sub in cls.__subclasses__()))

    # 0: success; 2: argparse's usage error; the rest: the one table in errors.py
    assert documented == {0, 2} | codes(errors.KleaderboardError)


@pytest.mark.parametrize("guide", GUIDES)
def test_the_hub_rules_name_what_the_hub_check_refuses(guide: Guide) -> None:
    rules = section(guide.read("submit.md"), guide.hub_rules)
    for suffix in PICKLE_SUFFIXES - {".pickle"}:
        assert f"`{suffix}`" in rules
    for words in guide.hub_words:
        assert words in rules
    assert DEFAULT_MAX_PARAMETERS == 1.2e12
    assert rules.count("| ") >= 8 * 2  # every rule has its reason


@pytest.mark.parametrize("guide", GUIDES)
def test_submit_and_maintainers_give_one_order_evaluation_before_merge(guide: Guide) -> None:
    submit = guide.read("submit.md")
    steps = section(submit, guide.in_the_pr)
    assert steps.index(guide.evaluation) < steps.index(guide.merge)
    order = section(submit, guide.order)
    assert order.index(guide.pr_commit) < order.index(guide.merge_step)
    flow = section(guide.read("maintainers.md"), guide.flow)
    assert flow.index("evaluate (GPU)") < flow.index("publish (Pages)")


@pytest.mark.parametrize("guide", GUIDES)
def test_every_import_format_and_field_is_documented(guide: Guide) -> None:
    guide_text = section(guide.read("submit.md"), "## loss_log.csv")
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in guide_text
    for field in FIELDS:
        assert f"`{field}`" in guide_text


@pytest.mark.parametrize("guide", GUIDES)
def test_the_repositorys_own_hook_is_the_offered_one_and_covers_loss_logs(guide: Guide) -> None:
    (offered,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (repo,) = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"]
    (local,) = repo["hooks"]
    assert repo["repo"] == "local"
    for key in ("id", "entry", "files", "pass_filenames"):
        assert local[key] == offered[key], key
    assert re.search(local["files"], "submissions/acme/acme-7b/loss_log.csv")
    assert f"files: {local['files']}" in guide.read("submit.md")


# --- one language per page ---------------------------------------------------------------


def _prose(text: str) -> str:
    """The page without its code blocks and inline code (commands, file names, field names)."""
    return re.sub(r"`[^`\n]*`", "", re.sub(r"```.*?```", "", text, flags=re.S))


@pytest.mark.parametrize("page", PAGES)
def test_the_english_page_has_no_korean(page: str) -> None:
    text = ENGLISH.read(page)
    assert not HANGUL.search(text), HANGUL.findall(text)[:20]


@pytest.mark.parametrize("page", PAGES)
def test_the_korean_page_is_not_stacked_with_english(page: str) -> None:
    text = KOREAN.read(page)
    prose = _prose(text)
    assert " · " not in prose  # the old "한국어 · English" pairs
    assert not re.search(r"^\*[A-Z].*\*$", prose, re.M)  # nor English paragraphs in italics
    for line in prose.splitlines():
        words = re.findall(r"\b[a-z]{3,}\b", line)
        # a line of English prose (more than a few words, none Korean) slipped through
        assert HANGUL.search(line) or len(words) < 6 or line.startswith("|"), line
    for block in re.findall(r"```.*?```", text, re.S):  # code comments speak Korean, or nothing
        for comment in re.findall(r"#\s+(.*)$", block, re.M):
            assert HANGUL.search(comment) or not re.search(r"\b[a-z]{3,} [a-z]{3,} [a-z]{3,}\b", comment), (
                comment
            )


def _inline_code(text: str) -> list[str]:
    codes = {re.sub(r"<[^>]*>", "<…>", code) for code in re.findall(r"`[^`\n]+`", text)}
    return sorted(code.replace("필드=이름", "field=name") for code in codes)


@pytest.mark.parametrize("page", PAGES)
def test_both_languages_have_the_same_sections_and_commands(page: str) -> None:
    korean, english = KOREAN.read(page), ENGLISH.read(page)
    heading = re.compile(r"^#{1,4} ", re.M)
    assert len(heading.findall(korean)) == len(heading.findall(english))
    # a faithful translation keeps every command, file name and field: the same inline code,
    # but for placeholders, written in the page's language (<커밋>, <a commit>)
    assert _inline_code(korean) == _inline_code(english)
    assert len(re.findall(r"```", korean)) == len(re.findall(r"```", english))


@pytest.mark.parametrize("page", PAGES)
def test_each_page_and_its_twin_link_each_other(page: str) -> None:
    files = {page, f"en/{page}"}
    for uri, lang in ((page, "ko"), (f"en/{page}", "en")):
        meta = twins.twin_meta(uri, files.__contains__, use_directory_urls=True)
        assert meta["kl_lang"] == lang
        assert meta["kl_alternates"] == (
            {"ko": "./", "en": f"../en/{page[:-3]}/"}
            if lang == "ko"
            else {"ko": f"../../{page[:-3]}/", "en": "./"}
        )
        assert "search" not in meta  # each language is searched in its own index (search_languages)
    assert twins.twin_meta(page, {page}.__contains__, use_directory_urls=True) == {}  # no twin: as written
