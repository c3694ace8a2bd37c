"""Unit tests of the site's pure functions: links, formatting, charts, generated pages."""

from __future__ import annotations

import dataclasses
import itertools
import re

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.utils.meta import get_data

from kleaderboard.records import RunRecord
from kleaderboard.scoring.leaderboard import Entry, Leaderboard
from kleaderboard.site import charts, pages
from kleaderboard.submission.manifest import Component, Mode, SelfReportedScore, TrainingCost
from kleaderboard.suites import available_suites, load_suite

from .site_fixture import SUBMISSIONS, entry, to_html

HOSTILE = "beta-ai/beta-moe"


# --- links ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("directory_urls", "target", "source", "expected"),
    [
        (False, "models/a/b.md", "index.md", "models/a/b.html"),
        (True, "models/a/b.md", "index.md", "models/a/b/"),
        (False, "index.md", "models/a/b.md", "../../index.html"),
        (True, "index.md", "models/a/b.md", "../../../"),
        (False, "models/a/b/runs/r1.json", "models/a/b.md", "b/runs/r1.json"),
        (True, "models/a/b/runs/r1.json", "models/a/b.md", "runs/r1.json"),
        (True, "methodology.md", "index.md", "methodology/"),
    ],
)
def test_links_follow_mkdocs_url_rules(directory_urls, target, source, expected):
    assert pages.Links(directory_urls).href(target, source) == expected


# --- formatting -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", None),
        ("mailto:a@b.c", None),
        ("a@b.c", None),
        (None, None),
    ],
)
def test_http_url_only_passes_http(value, expected):
    assert pages.http_url(value) == expected


# --- charts -----------------------------------------------------------------------------


def test_nice_ticks_cover_the_range():
    ticks = charts.nice_ticks(-7.3, 100.0, 5)
    assert ticks[0] <= -7.3
    assert ticks[-1] >= 100.0
    steps = {round(b - a, 9) for a, b in itertools.pairwise(ticks)}
    assert steps == {20.0}


def test_log_ticks_are_powers_of_ten():
    assert charts.log_ticks(3e6, 4e11) == [1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12]


def test_downsample_keeps_ends_and_bounds_size():
    points = [(float(i), float(i)) for i in range(10_001)]
    kept = charts.downsample(points, 600)
    assert len(kept) <= 601
    assert kept[0] == points[0]
    assert kept[-1] == points[-1]
    assert charts.downsample(points[:5], 600) == points[:5]


def test_category_bars_draws_each_bar_and_escapes_labels():
    svg = charts.category_bars(
        [
            charts.Bar("<script>x</script>", "A & B", 64.2, 2.2),
            charts.Bar("없음", "missing", None),
            charts.Bar("음수", "below chance", -12.0, 3.0),
        ],
        title="t <b>",
    )
    assert svg.count('class="kl-chart__bar"') == 2
    assert svg.count('class="kl-chart__whisker"') == 2
    assert "<script>" not in svg
    assert "&lt;script&gt;x&lt;/script&gt;" in svg
    assert "A &amp; B" in svg
    assert "64.2 ± 2.2" in svg
    assert "점수 없음" in svg and "no score" not in svg  # the page's language only (Korean by default)
    english = charts.category_bars([charts.Bar("없음", "", None)], title="t", lang="en")
    assert "no score" in english and "점수 없음" not in english
    assert 'lang="en"' in english
    assert 'class="kl-chart__sublabel"' not in english  # no empty second line
    assert "<title>t &lt;b&gt;</title>" in svg


def test_category_bars_put_zero_left_of_a_negative_bar_end():
    svg = charts.category_bars([charts.Bar("a", "a", -20.0, None)], title="t")
    rect = re.search(r'<rect class="kl-chart__bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', svg)
    zero = re.search(r'<line class="kl-chart__zero" x1="([\d.]+)"', svg)
    assert rect and zero
    assert float(rect[1]) + float(rect[2]) == pytest.approx(float(zero[1]), abs=0.2)


def test_line_chart_log_axis_leaves_out_non_positive_x():
    series = charts.Series("loss", ((0.0, 11.0), (1e6, 9.0), (1e9, 3.0)))
    linear = charts.line_chart([series], x_axis=charts.Axis("x"), y_axis=charts.Axis("y"), title="t")
    log = charts.line_chart([series], x_axis=charts.Axis("x", log=True), y_axis=charts.Axis("y"), title="t")
    assert linear.count(",") > log.count(",")
    assert re.search(r'points="([^"]+)"', log)[1].count(" ") == 1  # two points drawn
    assert ">1B<" in log


def test_line_chart_without_points_is_empty():
    empty = charts.Series("loss", ())
    assert charts.line_chart([empty], x_axis=charts.Axis("x"), y_axis=charts.Axis("y"), title="t") == ""


# --- leaderboard page -------------------------------------------------------------------


def test_render_pages_lists_every_page(board, rendered):
    expected = {"index.md", "methodology.md", "claims.md", "charts.md"} | {e.page_path for e in board.entries}
    assert set(rendered) == expected | {f"en/{uri}" for uri in expected}


# Korean that stays on English pages: the fixture's team names and innovations (data).
DATA_IN_KOREAN = (
    *("알파랩", "델타", "감마", "형태소 경계를 고려한 BPE 어휘"),
    # the demo tasks' Korean prompt words, quoted as data by the contamination method text
    *("질문:", "문제:", "응답:", "답:"),
)


@pytest.mark.parametrize("suite", available_suites())
def test_every_task_with_a_korean_title_has_an_english_one(suite):
    hangul = re.compile(r"[\uac00-\ud7a3]")
    for task in load_suite(suite).tasks:
        if hangul.search(task.title):
            assert task.title_en and not hangul.search(task.title_en), f"{suite}: {task.task}"


def test_each_page_is_one_language_and_links_its_counterpart(rendered):
    korean = re.compile(r"[\uac00-\ud7a3]")
    for uri in ("index.md", "claims.md", "methodology.md", "models/alpha-lab/hangul-7b.md"):
        ko, en = rendered[uri], rendered[f"en/{uri}"]
        assert 'lang="en"' not in ko  # no English stacked under the Korean
        assert "Where each figure comes from" not in ko and "출처 표시" not in en
        # the only Korean left on the English page is data (team names, innovations)
        for data in DATA_IN_KOREAN:
            en = en.replace(data, "")
        assert not korean.search(en.split("\n---\n", 1)[1]), uri
    front = yaml.safe_load(rendered["en/models/alpha-lab/hangul-7b.md"].split("---\n")[1])
    ko = "../../../models/alpha-lab/hangul-7b.html"
    assert front["kl_alternates"] == {"ko": ko, "en": "hangul-7b.html"}
    assert front["kl_lang"] == "en" and front["search"] == {"exclude": True}
    assert yaml.safe_load(rendered["index.md"].split("---\n")[1])["kl_alternates"] == {
        "ko": "index.html",
        "en": "en/index.html",
    }


def test_english_pages_link_english_pages_and_shared_files(rendered):
    html = rendered["en/index.md"]
    assert 'href="models/alpha-lab/hangul-7b.html"' in html  # en/models/…, relative to en/
    assert 'href="../leaderboard.json"' in html  # one download for both languages
    model = rendered["en/models/alpha-lab/hangul-7b.md"]
    assert 'href="../../../models/alpha-lab/hangul-7b/runs/20250601T100000Z-a1b2c3.json"' in model


def test_leaderboard_rows_ranked_first_unscored_last(rendered):
    rows = re.findall(r'<tr data-model="([^"]+)"', rendered["index.md"])
    assert rows[:2] == ["alpha-lab/hangul-7b", HOSTILE]
    assert set(rows[2:]) == {"delta/broken-log", "gamma/pending-model"}


def test_leaderboard_has_numeric_sort_keys_and_empty_keys_for_missing(rendered):
    html = to_html(rendered["index.md"])
    row = re.search(r'<tr data-model="gamma/pending-model"[^>]*>(.*?)</tr>', html, re.S)[1]
    assert 'data-sort=""' in row
    alpha = re.search(r'<tr data-model="alpha-lab/hangul-7b"[^>]*>(.*?)</tr>', html, re.S)[1]
    assert 'data-sort="64.250000"' in alpha
    assert 'data-sort="7800000000"' in alpha


def test_leaderboard_shows_suite_status_badges_and_methodology_link(rendered):
    text = rendered["index.md"]
    assert "demo</code> v1" in text
    assert "리비전 대기" in text and "awaiting evaluation (revision pending)" in rendered["en/index.md"]
    assert "평가 실패" in text
    assert 'href="methodology.html"' in text
    for kind in ("declared", "measured", "checked"):
        assert f"kl-badge--{kind}" in text
    assert "0 = chance level, 100 = a perfect score" in rendered["en/index.md"]


def test_leaderboard_links_model_pages(rendered):
    assert 'href="models/alpha-lab/hangul-7b.html"' in rendered["index.md"]


def test_empty_leaderboard_says_so():
    empty = Leaderboard(load_suite("demo"), ())
    text = pages.leaderboard_page(empty, pages.Links(False, "en"))
    assert "No submissions yet" in text
    assert "아직 제출된 모델이 없습니다" in pages.leaderboard_page(empty, pages.Links(False))
    assert "<table" not in text


# --- escaping ---------------------------------------------------------------------------


@pytest.mark.parametrize("uri", ["index.md", "models/beta-ai/beta-moe.md"])
def test_hostile_text_stays_text(rendered, uri):
    html = to_html(rendered[uri])
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>custom</b>" not in html
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.I)
    assert "<strong>bold</strong>" not in html  # Markdown did not re-read manifest text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_hostile_title_is_escaped_in_front_matter(rendered):
    front = rendered["models/beta-ai/beta-moe.md"].split("\n---\n", 1)[0]
    assert 'title: "Beta-MoE &lt;img src=x onerror=alert(1)&gt;"' in front


def test_non_http_contact_is_not_a_link(rendered):
    html = to_html(rendered["models/beta-ai/beta-moe.md"])
    assert "javascript:alert(1)" in html  # shown as text
    assert 'href="https://alpha-lab.example.org/contact"' in to_html(
        rendered["models/alpha-lab/hangul-7b.md"]
    )


@given(text=st.text(min_size=1, max_size=80))
def test_any_title_is_a_yaml_string_without_markup(text):
    loaded = yaml.safe_load(pages.front_matter({"title": pages.title_text(text)}).strip("-\n"))
    assert isinstance(loaded["title"], str)
    assert "<" not in loaded["title"] and ">" not in loaded["title"]


_META_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20).map(pages.title_text),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), inner, max_size=3)
    ),
    max_leaves=8,
)


@given(
    meta=st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True), _META_VALUES, min_size=1, max_size=5)
)
def test_front_matter_reads_back_as_its_meta(meta):
    """What a planned page takes as its meta (page_builds.PlannedPage) is what MkDocs would read."""
    assert get_data(pages.front_matter(meta)) == ("", meta)


def test_control_characters_are_dropped(board):
    alpha = entry(board, "alpha-lab/hangul-7b")
    team = alpha.submission.manifest.team.model_copy(update={"name": "a\x02wzxhzdk:0\x03b"})
    html = _leaderboard_with_team(board, alpha, team)
    assert "\x02" not in html and "awzxhzdk:0b" in html


def _leaderboard_with_team(board: Leaderboard, target: Entry, team) -> str:
    manifest = target.submission.manifest.model_copy(update={"team": team})
    submission = dataclasses.replace(target.submission, manifest=manifest)
    changed = dataclasses.replace(target, submission=submission)
    entries = tuple(changed if e is target else e for e in board.entries)
    return pages.leaderboard_page(Leaderboard(board.suite, entries), pages.Links(False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=60))
def test_any_team_name_cannot_inject_markup(board, text):
    alpha = entry(board, "alpha-lab/hangul-7b")
    name = f'{text}<i class="pwn">[l](javascript:x)'
    team = alpha.submission.manifest.team.model_copy(update={"name": name[:200]})
    html = to_html(_leaderboard_with_team(board, alpha, team))
    assert 'class="pwn"' not in html
    assert "javascript:x)" in html or len(name) > 200
    assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", html, re.I)


# --- model pages ------------------------------------------------------------------------


def test_model_page_sections_and_figures(rendered):
    text = rendered["models/alpha-lab/hangul-7b.md"]
    for heading in ("Benchmark performance", "Originality", "Cost", "Pre-training loss log", "Run record"):
        assert f"## {heading} {{: #" in rendered["en/models/alpha-lab/hangul-7b.md"]
    assert "## 독창성 {: #originality }" in text
    assert "64.2 ± 2.2" in text
    assert "0.8200 ± 0.0310" in text  # raw score ± stderr
    assert "76.0 ± 4.1" in text  # normalised ± stderr
    assert 'class="kl-chart"' in text
    assert "10.9000" in text and "2.0565" in text and "400,000,000,000 (400B)" in text  # loss evidence
    assert 'href="hangul-7b/runs/20250601T100000Z-a1b2c3.json"' in text
    assert 'href="hangul-7b/loss_log.csv"' in text
    assert "KMMLU" in text and 'href="https://alpha-lab.example.org/hangul-7b-report.pdf"' in text
    assert get_data(text)[1]["search"] == {"exclude": True}


def test_model_page_shows_run_settings_and_hashes_as_evidence(rendered, board):
    text = rendered["models/alpha-lab/hangul-7b.md"]
    run = entry(board, "alpha-lab/hangul-7b").run
    assert run is not None
    for score in run.scores:
        assert score.task_hash in text
    assert "<code>seeds</code>" in text
    assert "{&#34;fewshot&#34;: 1234" in text  # JSON of the seeds, escaped
    assert "0.4.13" in text
    assert "NVIDIA H100 80GB HBM3" in text


def test_checks_compare_manifest_hash_and_revision(board):
    alpha = entry(board, "alpha-lab/hangul-7b")
    checks = pages.run_checks(alpha)
    assert [c.en for c in checks] == ["manifest sha256", "model revision"]
    assert all(c.matches for c in checks)
    assert pages.run_checks(entry(board, "gamma/pending-model")) == ()


def test_cpu_run_is_labelled_cpu_figures(rendered):
    text = rendered["en/models/beta-ai/beta-moe.md"]
    assert "CPU figures" in text
    assert "CPU seconds" in text
    assert "CPU figures" not in rendered["en/models/alpha-lab/hangul-7b.md"]


def test_failed_run_shows_its_error_escaped(rendered):
    delta = rendered["models/delta/broken-log.md"]
    assert "refusing to run remote code" in delta
    beta = rendered["models/beta-ai/beta-moe.md"]
    assert "RuntimeError: &lt;script&gt;alert(1)&lt;/script&gt; out of memory" in beta


def test_loss_log_problems_are_listed_without_build_paths(rendered):
    text = rendered["models/delta/broken-log.md"]
    assert "loss_log.csv: line 3, loss: &#39;abc&#39; is not a number" in text
    assert str(SUBMISSIONS) not in text


def test_pending_model_page_says_it_awaits_a_revision(rendered):
    text = rendered["en/models/gamma/pending-model.md"]
    assert "awaiting evaluation (revision pending)" in text
    assert "Not evaluated yet" in text


def test_loss_log_x_option_draws_a_log_axis(board):
    alpha = entry(board, "alpha-lab/hangul-7b")
    linear = pages.loss_chart(alpha, log_x=False)
    log = pages.loss_chart(alpha, log_x=True)
    assert "(로그 눈금)" in log and "(로그 눈금)" not in linear
    assert "(log scale)" in pages.loss_chart(alpha, log_x=True, lang="en")
    assert pages.loss_chart(entry(board, "gamma/pending-model")) == ""


# --- methodology ------------------------------------------------------------------------


def test_methodology_lists_every_task_and_the_formulas(rendered, board):
    text = rendered["methodology.md"]
    for task in board.suite.tasks:
        assert f"<code>{task.task}</code>" in text
    assert "100 × (<var>s</var> − <var>c</var>) / (1 − <var>c</var>)" in text
    assert "√(Σ" in text
    assert "mathjax" not in text.lower()


def test_methodology_documents_every_run_record_field():
    documented = [name for name, _, _ in pages.RUN_RECORD_FIELDS]
    assert documented == list(RunRecord.model_fields)


# --- evidence files ---------------------------------------------------------------------


def test_site_files_publish_run_records_and_loss_logs(board):
    files = {f.src_uri: f for f in pages.site_files(board)}
    record = files["models/alpha-lab/hangul-7b/runs/20250601T100000Z-a1b2c3.json"]
    assert record.path == SUBMISSIONS / "alpha-lab/hangul-7b/runs/20250601T100000Z-a1b2c3.json"
    assert "models/beta-ai/beta-moe/runs/20250520T090000Z-f00d01.json" in files  # failed run
    assert "models/alpha-lab/hangul-7b/loss_log.csv" in files
    assert "models/delta/broken-log/loss_log.csv" in files  # evidence even when it fails to parse
    assert not any(uri.startswith("models/gamma/") for uri in files)


def test_run_record_without_its_file_is_serialised(board, tmp_path):
    alpha = entry(board, "alpha-lab/hangul-7b")
    moved = dataclasses.replace(alpha.submission, folder=tmp_path)
    moved_entry = dataclasses.replace(alpha, submission=moved)
    item = next(
        f for f in pages.site_files(Leaderboard(board.suite, (moved_entry,))) if f.src_uri.endswith(".json")
    )
    assert item.path is None
    assert RunRecord.model_validate_json(item.content or "") == alpha.run


# --- maintainers' entries -----------------------------------------------------------------

MAINTAINERS = "gamma/pending-model"


def row_html(html: str, submission_id: str) -> str:
    """The cells of one leaderboard row."""
    return re.search(rf'<tr data-model="{re.escape(submission_id)}"[^>]*>(.*?)</tr>', html, re.S)[1]


def test_maintainers_entry_page_says_who_entered_it_and_links_the_sources(rendered, board):
    html = to_html(rendered[f"en/models/{MAINTAINERS}.md"])
    assert "공개 자료로 운영진이 입력" in to_html(rendered[f"models/{MAINTAINERS}.md"])
    assert "entered by maintainers from public sources" in html
    for source in entry(board, MAINTAINERS).submission.manifest.sources:
        assert f'<a href="{source}" rel="nofollow noopener">' in html
    # the declared badge and the legend say where declared values come from
    assert "taken by maintainers from the public sources listed" in html
    assert "written by the team" not in html


def test_team_entry_page_does_not_look_like_a_maintainers_entry(rendered):
    html = to_html(rendered["en/models/alpha-lab/hangul-7b.md"])
    assert "entered by maintainers" not in html
    assert "maintainers' entry" not in html
    assert "written by the team in submission.yaml" in html  # the declared badge's tooltip


def test_leaderboard_marks_maintainers_rows(rendered):
    html = to_html(rendered["en/index.md"])
    gamma = re.search(rf'<tr data-model="{MAINTAINERS}"[^>]*>', html)[0]
    assert 'data-entered-by="maintainers"' in gamma
    assert "maintainers&#39; entry" in row_html(html, MAINTAINERS)
    for team_entry in ("alpha-lab/hangul-7b", HOSTILE, "delta/broken-log"):
        assert "maintainers&#39; entry" not in row_html(html, team_entry)
    assert "by the team, or from public sources" in html  # the declared group's header


def test_by_maintainers_follows_entered_by(board):
    assert pages.by_maintainers(entry(board, MAINTAINERS).submission.manifest)
    assert not pages.by_maintainers(entry(board, "alpha-lab/hangul-7b").submission.manifest)


# --- parameters, licence, precision -------------------------------------------------------


def test_leaderboard_params_never_copy_total_into_active(rendered):
    html = to_html(rendered["index.md"])
    assert re.search(r'title="7,800,000,000">7.8B</span> / —', row_html(html, "alpha-lab/hangul-7b"))
    assert re.search(r">30B</span> / <span[^>]*>3B</span>", row_html(html, HOSTILE))
    assert 'title="1,234,567,890">≈1.23B</span> / —' in row_html(html, MAINTAINERS)


def test_model_page_gives_exact_declared_parameters(rendered):
    html = to_html(rendered[f"models/{MAINTAINERS}.md"])
    assert "1,234,567,890 (≈1.23B)" in html
    assert re.search(r"활성 — <small>밝히지 않음", html)
    english = to_html(rendered[f"en/models/{MAINTAINERS}.md"])
    assert re.search(r"active — <small>not stated", english)


def test_noassertion_licence_reads_not_stated(rendered, board):
    html = to_html(rendered[f"en/models/{MAINTAINERS}.md"])
    licence = re.search(r"Licence .*?<dd>(.*?)</dd>", html, re.S)[1]
    assert licence.startswith("not stated <small>(<code>NOASSERTION</code>)")
    assert not pages.licence_stated(entry(board, MAINTAINERS).submission.manifest)
    assert pages.licence_stated(entry(board, "alpha-lab/hangul-7b").submission.manifest)


def test_precision_left_at_the_default_is_not_shown_as_declared(rendered, board):
    gamma = to_html(rendered[f"en/models/{MAINTAINERS}.md"])
    precision = re.search(r"Precision .*?<dd>(.*?)</dd>", gamma, re.S)[1]
    assert "not stated" in precision and "default used for evaluation" in precision
    alpha = to_html(rendered["en/models/alpha-lab/hangul-7b.md"])  # precision: bfloat16 in the file
    assert re.search(r"Precision .*?<dd>bfloat16</dd>", alpha, re.S)
    assert not pages.precision_declared(entry(board, MAINTAINERS).submission.manifest)
    assert pages.precision_declared(entry(board, "alpha-lab/hangul-7b").submission.manifest)


# --- group headers and unevaluated models -------------------------------------------------


def test_group_headers_span_only_the_columns_they_describe(rendered, board):
    html = to_html(rendered["index.md"])
    groups = re.search(r'<tr class="kl-groups">(.*?)</tr>', html, re.S)[1]
    cells = re.findall(r"<th[^>]*colspan=\"(\d+)\"[^>]*>(.*?)</th>", groups, re.S)
    assert [int(span) for span, _ in cells] == [4, 3 + len(board.suite.categories), 3]
    assert cells[0][1] == ""  # rank, model, team, status: no badge over them
    header = re.search(r"<thead>.*?</thead>", html, re.S)[0]
    columns = re.findall(r"<th scope=\"col\"", header)
    assert len(columns) == sum(int(span) for span, _ in cells)


def test_unevaluated_model_shows_one_awaiting_line_not_every_task(rendered):
    html = to_html(rendered[f"en/models/{MAINTAINERS}.md"])
    scores = re.search(r"Measured scores .*?</h3>(.*?)</div>", html, re.S)[1]
    assert "awaiting evaluation (revision pending)" in scores
    assert "no result" not in html
    assert "<table" not in scores


# --- modes --------------------------------------------------------------------------------


def test_mode_is_shown_on_the_leaderboard_and_the_model_page(rendered):
    html = to_html(rendered["en/index.md"])
    for submission_id in ("alpha-lab/hangul-7b", HOSTILE, MAINTAINERS):
        assert "mode <code>base</code>" in row_html(html, submission_id)
    page = to_html(rendered["en/models/alpha-lab/hangul-7b.md"])
    assert "mode <code>base</code>" in page
    assert "<code>base</code> <small>(ranked)</small>" in page
    assert "<code>base</code> <small>(순위)</small>" in to_html(rendered["models/alpha-lab/hangul-7b.md"])


def test_entry_mode_is_the_runs_mode_else_the_first_declared(board):
    alpha = entry(board, "alpha-lab/hangul-7b")
    assert pages.entry_mode(alpha) == "base"
    gamma = entry(board, MAINTAINERS)
    manifest = gamma.submission.manifest
    model = manifest.model.model_copy(
        update={"modes": [Mode.think_off, Mode.instruct], "chat_template": True}
    )
    changed = dataclasses.replace(
        gamma,
        submission=dataclasses.replace(
            gamma.submission, manifest=manifest.model_copy(update={"model": model})
        ),
    )
    assert pages.entry_mode(changed) == "think_off"


def test_leaderboard_explains_the_maintainers_tag_only_when_it_is_used(board):
    without = Leaderboard(board.suite, tuple(e for e in board.entries if e.id != MAINTAINERS))
    assert "maintainers&#39; entry" not in pages.leaderboard_page(without, pages.Links(False, "en"))
    assert "maintainers&#39; entry" in pages.leaderboard_page(board, pages.Links(False, "en"))
    assert "운영진 입력" in pages.leaderboard_page(board, pages.Links(False))


# --- view models: decisions made in Python, not in templates -------------------------------


def test_the_shown_run_is_the_successful_one_else_the_latest_failed_one(board):
    assert pages.shown_run(entry(board, "beta-ai/beta-moe")).run_id == "20250602T120000Z-beef02"
    assert pages.shown_run(entry(board, "delta/broken-log")).run_id == "20250603T080000Z-dead03"
    assert pages.shown_run(entry(board, "gamma/pending-model")) is None
    page = pages.model_page_data(entry(board, "delta/broken-log"), board.suite, pages.Links(False))
    assert page.run is not None and page.checked_run_id == page.run.run_id == "20250603T080000Z-dead03"


@pytest.mark.parametrize(
    ("origin", "relation", "kind", "text", "href"),
    [
        ("own", "trained_from_zero", "own", "", None),
        (
            {"model": "upstream-org/Up-7B"},
            "distilled_from",
            "named",
            "upstream-org/Up-7B",
            "https://huggingface.co/upstream-org/Up-7B",
        ),
        ({"unnamed": "an 8B-scale model"}, "distilled_from", "unnamed", "an 8B-scale model", None),
    ],
)
def test_a_components_origin_kind_is_decided_in_python(origin, relation, kind, text, href):
    component = Component.model_validate({"name": "language model", "origin": origin, "relation": relation})
    row = pages.component_row(component)
    assert (row.origin_kind, row.origin, row.origin_href) == (kind, text, href)
    assert row.relation == pages.RELATION_TEXT[component.relation]


def test_leaderboard_rows_carry_their_sort_keys(board):
    rows = {e.id: pages.leaderboard_row(e) for e in board.entries}
    keys = {i: (r.rank_sort, r.from_zero_sort, r.loss_log, r.loss_log_sort) for i, r in rows.items()}
    assert keys == {
        "alpha-lab/hangul-7b": ("1", 1, "present", 2),
        "beta-ai/beta-moe": ("2", 0, "none", 0),
        "delta/broken-log": ("", 1, "invalid", 1),
        "gamma/pending-model": ("", -1, "none", 0),
    }
    assert {i: r.rank_text for i, r in rows.items()}["delta/broken-log"] == "—"
    for entry_id, row in rows.items():
        assert row.parameters_sort == str(row.entry.submission.manifest.model.parameters.total), entry_id


def test_the_cpu_tag_marks_only_a_throughput_measured_on_a_cpu(board):
    rows = {e.id: pages.leaderboard_row(e) for e in board.entries}
    beta, alpha = rows["beta-ai/beta-moe"], rows["alpha-lab/hangul-7b"]
    assert beta.cpu and beta.cpu_tag == (beta.tokens_per_second is not None)
    assert not alpha.cpu_tag
    assert not dataclasses.replace(beta, tokens_per_second=None).cpu_tag  # no figure, nothing to tag


# --- view models: what the model template shows, decided in Python ----------------------


@pytest.mark.parametrize(
    ("fields", "text"),
    [
        ({"mode": "instruct", "n_shot": 5}, "instruct · 5"),
        ({"mode": "base"}, "base · —"),
        ({"n_shot": 0}, "— · 0"),
        ({}, "— · —"),
    ],
)
def test_a_self_reported_setting_says_what_the_team_left_out(fields, text):
    score = SelfReportedScore.model_validate(
        {"benchmark": "KMMLU", "value": 55.1, "source": "https://example.org/r", **fields}
    )
    assert pages.self_reported_row(score).setting == text


@pytest.mark.parametrize(
    ("fields", "gpus", "period"),
    [
        ({}, "—", "—"),
        ({"gpu_type": "H100", "gpu_count": 2048}, "H100 × 2,048", "—"),
        ({"gpu_count": 8}, "— × 8", "—"),
        ({"start": "2025-01-01", "end": "2025-06-30"}, "—", "2025-01-01 – 2025-06-30"),
        ({"start": "2025-01-01"}, "—", "2025-01-01 – ?"),
        ({"end": "2025-06-30"}, "—", "? – 2025-06-30"),
    ],
)
def test_the_training_gpus_and_period_are_written_in_python(fields, gpus, period):
    training = TrainingCost.model_validate(fields)
    assert pages.training_gpus(training) == gpus
    assert pages.training_period(training) == period


def test_the_hardware_line_names_the_gpus_or_the_cpu_and_its_cores(board):
    beta = pages.shown_run(entry(board, "beta-ai/beta-moe"))
    assert beta is not None and not beta.environment.gpus
    cores = beta.environment.cpu_count
    assert pages.hardware_text(beta) == f"CPU: {beta.environment.cpu} ({cores:,} cores)"
    environment = beta.environment.model_copy(update={"gpus": ["NVIDIA H100", "NVIDIA H100"]})
    measured = beta.measured.model_copy(update={"hardware_kind": "gpu"})
    gpu = beta.model_copy(update={"environment": environment, "measured": measured})
    assert pages.hardware_text(gpu) == "GPU: NVIDIA H100, NVIDIA H100"
    pending = pages.model_page_data(entry(board, "gamma/pending-model"), board.suite, pages.Links(False))
    assert pending.hardware == "—"


def test_the_loss_summary_picks_the_first_and_last_rows(board):
    log = entry(board, "alpha-lab/hangul-7b").loss.log
    summary = pages.loss_summary(log)
    assert summary is not None
    first, last = log.points[0], log.points[-1]
    assert (summary.first_loss, summary.first_step) == (first.loss, first.step)
    assert (summary.last_loss, summary.last_step) == (last.loss, last.step)
    assert (summary.total_tokens, summary.rows) == (last.tokens_seen, len(log.points))
    assert summary.first_step != summary.last_step and summary.rows > 2
    assert pages.loss_summary(None) is None


def test_the_serving_context_is_input_plus_output_tokens():
    suite = load_suite("demo")
    assert suite.serving is not None
    assert pages.serving_context(suite) == suite.serving.input_tokens + suite.serving.output_tokens
    assert pages.serving_context(suite.model_copy(update={"serving": None})) is None


def test_an_unnamed_upstream_reads_as_such_on_the_model_page(board):
    beta = entry(board, "beta-ai/beta-moe")
    manifest = beta.submission.manifest
    unnamed = Component.model_validate(
        {"name": "language model", "origin": {"unnamed": "an 8B-scale model"}, "relation": "distilled_from"}
    )
    originality = manifest.originality.model_copy(update={"components": [unnamed]})
    manifest = manifest.model_copy(update={"originality": originality})
    changed = dataclasses.replace(beta, submission=dataclasses.replace(beta.submission, manifest=manifest))
    text = pages.model_page(changed, board.suite, pages.Links(False))
    assert "밝히지 않은 상위 모델: an 8B-scale model" in text
    assert "<td>증류</td>" in text
    english = pages.model_page(changed, board.suite, pages.Links(False, "en"))
    assert "unnamed upstream: an 8B-scale model" in english and "<td>distilled from</td>" in english


@pytest.mark.parametrize(
    ("parameters", "band"),
    [(1, "lt3b"), (2_999_999_999, "lt3b"), (3_000_000_000, "3-15b"), (70_000_000_000, "gt70b")],
)
def test_size_bands_have_closed_lower_bounds(parameters, band):
    assert pages.size_band(parameters) == band


def test_rows_carry_what_the_filters_match(rendered):
    html = to_html(rendered["index.md"])
    row = re.search(rf'<tr data-model="{HOSTILE}"[^>]*>', html)[0]
    assert 'data-size="3-15b"' in row  # an MoE is banded by its 3B active parameters, not its 30B
    assert 'data-mode="base"' in row and 'data-status="evaluated"' in row
    assert 'data-search="beta-moe &lt;img' in row  # lower case, escaped


# every character the page text drops, among ordinary ones
_TRICKY = st.sampled_from(
    [
        *("\x00", "\x07", "\x0b", "\x1f", "\x7f", "\x85", "\x9f", "\ud800", "\udfff", "\u2028", "\u2029"),
        *(
            "\ufffe",
            "\uffff",
            "\t",
            "\n",
            "\u00a0",
            "\u200b",
            "\u3000",
            "한",
            "a",
            " ",
            "\U0001f600",
            "\ue000",
        ),
    ]
)


@given(st.lists(st.one_of(_TRICKY, st.characters()), max_size=12).map("".join))
def test_printable_text_is_kept_whole_and_control_characters_dropped(text):
    # the quick path (text Python calls printable, returned as it is) drops what the search does
    assert pages._printable(text) == pages._DROPPED.sub("", text)
