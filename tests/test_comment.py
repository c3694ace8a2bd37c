"""The PR comments render every team- or artifact-supplied string as inert text.

Each case is rendered with cmarkgfm (GitHub's own cmark-gfm) with raw HTML allowed,
so a string that escaped our escaping would show up as a tag, a link or an image.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kleaderboard.errors import Problem
from kleaderboard.github.comments import (
    CHECK_MARKER,
    SCORES_MARKER,
    ScoresContext,
    inert,
    render_check_comment,
    render_scores_comment,
)
from kleaderboard.github.pull_check import CheckReport
from kleaderboard.records import RunRecord
from kleaderboard.submission.manifest import parse_manifest
from tests.pr_fixtures import HOSTILE, HUB_COMMIT, manifest_data, record_data

cmarkgfm = pytest.importorskip("cmarkgfm")
from cmarkgfm.cmark import Options  # noqa: E402

SHA = "c" * 40
RUN_URL = "https://github.com/acme/leaderboard/actions/runs/123"
TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)([^>]*)>")
CELL_TAGS = {"table", "thead", "tbody", "tr", "th", "td", "p"}
MENTION = re.compile(r"(?<![\w`])@[A-Za-z0-9]")
REFERENCE = re.compile(r"#[0-9]|GH-[0-9]")


def render(markdown: str) -> str:
    """GitHub-flavoured Markdown to HTML, raw HTML let through (GitHub sanitises after this)."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)


def shown(rendered: str) -> str:
    """What a reader sees, zero-width spaces included (they are what stops mentions)."""
    return html.unescape(TAG.sub("", rendered))


def visible(rendered: str) -> str:
    return shown(rendered).replace("\u200b", "")


def expected_text(text: str, limit: int = 200) -> str:
    kept = "".join(ch if ch.isprintable() or ch.isspace() else "" for ch in text)
    kept = " ".join(kept.split())
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def in_cell(text: str) -> str:
    return render(f"| a | b |\n| --- | --- |\n| {inert(text)} | end |\n")


def assert_only_tags(rendered: str, allowed: set[str]) -> None:
    for _closing, name, attributes in TAG.findall(rendered):
        assert name.lower() in allowed, rendered
        assert not attributes.strip() or name.lower() in {"a", "td", "th"}, rendered


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_plain_text_in_a_table_cell(text: str) -> None:
    rendered = in_cell(text)
    assert_only_tags(rendered, CELL_TAGS)
    cells = re.findall(r"<td>(.*?)</td>", rendered, flags=re.S)
    assert cells[-1] == "end", "the text broke out of its cell"
    assert visible(cells[0]) == expected_text(text).replace("\u200b", "").replace("\u200d", "").replace(
        "\ufeff", ""
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_never_mentions_or_references(text: str) -> None:
    text_shown = shown(render(inert(text)))
    assert not MENTION.search(text_shown)
    assert not REFERENCE.search(text_shown)
    assert "://" not in text_shown
    assert not re.search(r"(?i)www\.", text_shown)


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_text_is_inert_and_kept(text: str) -> None:
    rendered = in_cell(text)
    assert_only_tags(rendered, CELL_TAGS)
    cells = re.findall(r"<td>(.*?)</td>", rendered, flags=re.S)
    assert len(cells) == 2 and cells[-1] == "end"
    assert "\n" not in inert(text)


def test_inert_cuts_long_text_and_drops_invisible_characters() -> None:
    assert inert("가" * 500, limit=10) == "가" * 9 + "…"
    assert inert("a\u202eb\u2066c\x00d\x1b[31m") == "abcd\\[31m"
    assert inert("예시 연구소 Example Lab") == "예시 연구소 Example Lab"


def hostile_report(**changes: object) -> CheckReport:
    data = manifest_data(
        **{
            "team.name": "<img src=x onerror=alert(1)> @octocat",
            "model.name": "[x](javascript:alert(1))",
            "model.architecture": "```\n</details>\n``` <script>x</script>",
            "license": "MIT | [a](https://evil.example)",
        }
    )
    manifest = parse_manifest(data, "submissions/evil-org/m/submission.yaml")
    problems = (
        Problem(
            "submissions/evil-org/<img src=x>.yaml",
            "path",
            "file name '<b>x</b>' is not one a submission may contain",
            "remove @everyone",
        ),
    )
    base = {
        "number": 7,
        "sha": SHA,
        "author": "evil",
        "touches_submissions": True,
        "submission": "evil-org/m",
        "is_new": True,
        "problems": problems,
        "manifest": manifest,
    }
    return CheckReport(**{**base, **changes})  # type: ignore[arg-type]


def links(rendered: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', rendered)


def test_check_comment_with_a_hostile_manifest_links_only_what_we_built() -> None:
    markdown = render_check_comment(hostile_report(), RUN_URL, "https://acme.github.io/leaderboard/")
    assert markdown.startswith(CHECK_MARKER + "\n")
    rendered = render(markdown)
    assert links(rendered) == [
        f"https://huggingface.co/hanbit-ai/hanbit-7b/tree/{HUB_COMMIT}",
        RUN_URL,
        "https://acme.github.io/leaderboard/maintainers/",
    ]
    allowed = CELL_TAGS | {"h3", "h4", "strong", "em", "code", "ol", "ul", "li", "a", "sub", "!--"}
    assert_only_tags(rendered.replace(CHECK_MARKER, ""), allowed)
    assert "<img" not in rendered and "<script" not in rendered and "<b>" not in rendered
    assert not MENTION.search(shown(rendered))
    assert "<img src=x onerror=alert(1)> @octocat" in visible(rendered)
    assert "문제 1건 · Submission check: 1 problem(s)" in visible(rendered)


def test_check_comment_marks_declared_and_measured_figures() -> None:
    markdown = render_check_comment(hostile_report(problems=()))
    assert "✅ 제출 검사 통과 · Submission check passed" in markdown
    assert "| 매개변수 Parameters | 7,241,732,096 (≈7.24B) | 신고 declared |" in markdown
    assert "새 제출 new submission" in markdown and "`ccccccc`" in markdown


def test_check_comment_with_an_untrusted_run_url_leaves_it_out() -> None:
    markdown = render_check_comment(hostile_report(), "javascript:alert(1)//actions/runs/1", "http://x")
    assert "javascript:alert(1)//actions" not in markdown
    assert "](http://x" not in markdown and "maintainers/" not in markdown


def test_a_thousand_problems_stay_under_githubs_comment_limit() -> None:
    problems = tuple(Problem(f"f{i}", "x", "<b>" * 300, "y" * 300) for i in range(1000))
    markdown = render_check_comment(hostile_report(problems=problems))
    assert len(markdown) < 65_536
    assert re.search(r"and 9[0-9]{2} more", markdown)


def test_scores_comment_from_a_hostile_record_is_inert(tmp_path: Path) -> None:
    data = record_data(status="failed", error="OOM <img src=x onerror=alert(1)> @octocat ```")
    data["scores"][0]["task"] = "[kmmlu](https://evil.example)"
    data["environment"]["gpus"] = ["<script>x</script>"]
    record = RunRecord.model_validate(data)
    manifest = parse_manifest(manifest_data(), "m.yaml")
    context = ScoresContext("hanbit-ai/hanbit-7b", SHA, RUN_URL)
    markdown = render_scores_comment(context, record, manifest)
    assert markdown.startswith(SCORES_MARKER + "\n")
    rendered = render(markdown)
    assert links(rendered) == [RUN_URL]
    assert "<img" not in rendered and "<script" not in rendered
    assert not MENTION.search(shown(rendered))
    assert "❌ 실패 failed" in markdown


def test_scores_comment_marks_measured_and_declared_rows() -> None:
    record = RunRecord.model_validate(record_data())
    manifest = parse_manifest(manifest_data(), "m.yaml")
    markdown = render_scores_comment(ScoresContext("hanbit-ai/hanbit-7b", SHA), record, manifest)
    assert "| kmmlu | acc,none | 0\\.5123 | 0\\.0041 | 35,030 | 5 | 측정 measured |" in markdown.replace(
        "0.5123", "0\\.5123"
    ).replace("0.0041", "0\\.0041")
    assert "| 에너지 Energy | 540.5 Wh | 측정 measured |" in markdown
    assert "| KMMLU | 55.1 | base | 5 | 신고 declared |" in markdown


def test_scores_comment_without_a_record_says_why() -> None:
    context = ScoresContext("hanbit-ai/hanbit-7b", SHA)
    markdown = render_scores_comment(context, None, None, "the evaluation job ended without a run record")
    assert "No result:** the evaluation job ended without a run record" in markdown


def test_a_huge_hostile_record_is_cut_to_githubs_limit() -> None:
    data = record_data()
    data["scores"] = [{**data["scores"][0], "task": "<" * 500, "metric": '"' * 500} for _ in range(200)]
    data["error"] = "&" * 5000
    record = RunRecord.model_validate(data)
    scores = [{"benchmark": "KMMLU", "note": "<" * 200, "value": 1, "source": "https://example.org"}] * 200
    manifest = parse_manifest(manifest_data(self_reported=scores), "m.yaml")
    markdown = render_scores_comment(ScoresContext("a/b", SHA), record, manifest)
    assert len(markdown) <= 65_000
    assert_only_tags(render(markdown), CELL_TAGS | {"h3", "h4", "strong", "em", "code", "sub", "!--"})
