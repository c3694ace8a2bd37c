"""The site on several suites side by side: one board per suite version, never ranked across.

The fixture repository's runs are on the `demo` suite; these tests add run records on
`ko-global-v1` for two of its models (in the opposite order to their demo ranking) and
score the submissions on both suites.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kleaderboard.kinds import Mode
from kleaderboard.scoring.leaderboard import Leaderboard, build_leaderboard, build_leaderboards
from kleaderboard.site import downloads, pages
from kleaderboard.suites import load_suite

from .site_fixture import SUBMISSIONS, entry, to_html

ENGLISH = pages.Links(use_directory_urls=False, lang="en")
ALPHA, BETA = "alpha-lab/hangul-7b", "beta-ai/beta-moe"
# Every ko-global-v1 task's score, by model: beta above alpha on v1 (alpha is above beta on demo).
V1_SCORES = {ALPHA: 0.40, BETA: 0.70}
ALPHA_KMMLU = 0.481  # alpha claims KMMLU 52.3 (base, 5-shot): a gap of +4.2 on the v1 board


def v1_run(submission: Path, value: float, kmmlu: float | None = None) -> None:
    """A succeeded ko-global-v1 run record beside the submission's demo run, in its ranked mode."""
    template = json.loads(next((submission / "runs").glob("*.json")).read_text(encoding="utf-8"))
    suite = load_suite("ko-global-v1")
    mode = Mode(template["settings"].get("mode", "base"))
    record = template | {
        "run_id": "20250701T100000Z-0a0b0c",
        "suite": suite.name,
        "suite_version": suite.version,
        "status": "succeeded",
        "error": None,
        "started_at": "2025-07-01T10:00:00Z",
        "finished_at": "2025-07-01T12:00:00Z",
        "scores": [
            {
                "task": task.task,
                "metric": task.metric_key,
                "value": kmmlu if task.task == "kmmlu" and kmmlu is not None else value,
                "stderr": 0.02,
                "n_samples": 100,
                "n_shot": task.n_shot,
                "task_version": "1.0",
                "task_hash": "0" * 64,
                "seconds": 1.0,
            }
            for task in suite.for_mode(mode).tasks
        ],
    }
    (submission / "runs" / f"{record['run_id']}.json").write_text(json.dumps(record), encoding="utf-8")


@pytest.fixture(scope="module")
def two_suites(tmp_path_factory) -> Leaderboard:
    root = tmp_path_factory.mktemp("suites") / "submissions"
    shutil.copytree(SUBMISSIONS, root)
    v1_run(root / ALPHA, V1_SCORES[ALPHA], kmmlu=ALPHA_KMMLU)
    v1_run(root / BETA, V1_SCORES[BETA])
    return build_leaderboards(root, [load_suite("demo"), load_suite("ko-global-v1")])


def test_each_suite_is_scored_and_ranked_on_its_own(two_suites):
    demo, v1 = two_suites.boards
    assert (demo.suite.name, v1.suite.name) == ("demo", "ko-global-v1")
    # The main board is what one suite alone gives: the other suite's runs change nothing.
    alone = build_leaderboard(SUBMISSIONS, load_suite("demo"))
    figures = [(e.id, e.rank, e.overall) for e in demo.entries]
    assert figures == [(e.id, e.rank, e.overall) for e in alone.entries]
    assert entry(demo, ALPHA).rank == 1 and entry(demo, BETA).rank == 2
    # On v1 beta leads, and only the two models with a v1 run are ranked.
    assert [e.id for e in v1.entries if e.rank is not None] == [BETA, ALPHA]
    assert entry(v1, BETA).run is not None and entry(v1, BETA).run.suite == "ko-global-v1"
    assert all(e.run is None or e.run.suite == "ko-global-v1" for e in v1.entries)


def test_the_leaderboard_page_has_one_board_per_suite_version_each_headed(two_suites):
    html = to_html(pages.leaderboard_page(two_suites, ENGLISH))
    demo_at = html.index('<h2 id="suite-demo" class="kl-board-title">')
    v1_at = html.index('<h2 id="suite-ko-global-v1" class="kl-board-title">')
    assert demo_at < v1_at  # the main board first
    assert 'class="kl-suite"' not in html  # no line above the boards repeats the main board's heading
    assert "<code>demo</code> v1</h2>" in html and "<code>ko-global-v1</code> v1</h2>" in html
    main, beside = html[demo_at:v1_at], html[v1_at:]
    assert 'id="leaderboard"' in main and 'id="leaderboard-ko-global-v1"' in beside
    assert "runs alone and cannot be compared with another suite" in beside
    assert 'href="methodology.html#suite"' in beside  # what changed between the suites
    assert 'href="../leaderboards/ko-global-v1.json" download' in beside  # en/ is one folder down
    # Each board's rows in its own order, each board's payload its own; the compare view (whose
    # boxes compare.js puts in the rows it draws) reads the main board only.
    assert beside.index(f'data-model="{BETA}"') < beside.index(f'data-model="{ALPHA}"')
    assert main.index(f'data-model="{ALPHA}"') < main.index(f'data-model="{BETA}"')
    assert 'id="leaderboard-rows"' in main and 'id="leaderboard-ko-global-v1-rows"' in beside
    assert 'data-kl-rows="leaderboard-ko-global-v1-rows"' in beside
    assert 'data-kl-compare="leaderboard"' in html and 'data-kl-compare="leaderboard-' not in html
    korean = to_html(pages.leaderboard_page(two_suites, pages.Links(False)))
    assert "실행만으로 매기며, 다른 모음의 표와 비교할 수 없습니다" in korean


def test_one_suite_has_no_board_headings(board):
    html = to_html(pages.leaderboard_page(board, ENGLISH))
    assert "kl-board-title" not in html and 'id="leaderboard"' in html
    assert '<p class="kl-suite">Suite: <strong>Demo suite</strong> — <code>demo</code> v1</p>' in html


def test_the_claims_column_shows_where_the_boards_suite_measures_the_claim(two_suites):
    html = to_html(pages.leaderboard_page(two_suites, ENGLISH))
    main, beside = html.split('id="suite-ko-global-v1"')
    # demo does not measure KMMLU: no column on the main board; ko-global-v1 does.
    assert "Claimed vs measured (largest gap)" not in main
    assert "Claimed vs measured (largest gap)" in beside
    row = beside[beside.index(f'data-model="{ALPHA}"') :].split("</tr>")[0]
    assert 'class="kl-num kl-claim" data-sort="4.2"' in row
    assert "KMMLU · base</small><br>claimed 52.3 · measured 48.1 ± 2.0<br>" in row
    assert "<strong>gap +4.2 ± 2.0</strong>" in row
    assert 'class="kl-group kl-group--checked"' in beside
    other = beside[beside.index(f'data-model="{BETA}"') :].split("</tr>")[0]
    assert 'class="kl-num kl-claim" data-sort="">—</td>' in other


def test_a_model_page_shows_one_labelled_block_per_suite(two_suites):
    alpha = entry(two_suites, ALPHA)
    options = pages.Options(boards=pages.suite_results.board_indexes(two_suites))
    html = to_html(pages.model_page(alpha, two_suites.suite, ENGLISH, options=options))
    assert "Results on each suite" in html
    demo_at = html.index('id="suite-result-demo"')
    v1_at = html.index('id="suite-result-ko-global-v1"')
    assert demo_at < v1_at
    assert "<code>demo</code> v1 <small>(main board)</small>" in html
    v1_block = html[v1_at:].split("</section>")[0]
    assert "<code>ko-global-v1</code> v1</h4>" in v1_block and "main board" not in v1_block
    assert "2 / 2" in v1_block  # alpha's rank on v1, of the two ranked there
    run = "../../../models/alpha-lab/hangul-7b/runs/20250701T100000Z-0a0b0c.json"
    assert f'<a href="{run}" download>' in v1_block
    assert '<th scope="row">Instruction following</th>' in v1_block  # v1's own categories
    assert "Instruction following" not in html[demo_at:v1_at]
    # The claim demo does not measure pairs with the suite beside it that does, which is named.
    claims = html.split("Claimed vs measured", 1)[1].split("</table>", 1)[0]
    assert '<td>KMMLU</td><td>base</td><td class="kl-num">52.3</td>' in claims
    measured = "48.1 ± 2.0<br><small><code>ko-global-v1 v1</code></small></td>"
    assert measured + '<td class="kl-num">+4.2 ± 2.0' in claims
    single = to_html(pages.model_page(entry(two_suites, ALPHA), two_suites.suite, ENGLISH))
    assert "Results on each suite" not in single


def test_downloads_one_file_per_suite_in_the_documented_format(two_suites):
    files = downloads.download_files(two_suites, ENGLISH.url)
    assert downloads.download_uris(two_suites) == list(files)  # named before they are made
    main = downloads.LeaderboardFile.model_validate_json(files["leaderboard.json"])
    demo = downloads.LeaderboardFile.model_validate_json(files["leaderboards/demo.json"])
    v1 = downloads.LeaderboardFile.model_validate_json(files["leaderboards/ko-global-v1.json"])
    assert main == demo and main.suite == "demo"
    assert (v1.suite, v1.suite_version, v1.format_version) == ("ko-global-v1", 1, 1)
    assert [row.id for row in v1.rows if row.rank is not None] == [BETA, ALPHA]
    header, *lines = files["leaderboards/ko-global-v1.csv"].splitlines()
    assert header.startswith("id,model,team") and header.endswith(
        "claim_benchmark,claim_claimed,claim_measured,claim_measured_stderr,claim_gap"
    )
    # The claims column as data: on v1 alpha's KMMLU claim, on demo none.
    alpha = next(row for row in v1.rows if row.id == ALPHA)
    assert alpha.claim_gap is not None and alpha.claim_gap.benchmark == "KMMLU"
    assert (alpha.claim_gap.claimed, alpha.claim_gap.measured) == (52.3, pytest.approx(48.1))
    assert alpha.claim_gap.gap == pytest.approx(4.2) and alpha.claim_gap.measured_stderr == pytest.approx(2.0)
    assert all(row.claim_gap is None for row in demo.rows)
    alpha_line = next(line for line in lines if line.startswith(ALPHA))
    assert alpha_line.split(",")[-5:-3] == ["KMMLU", "52.3"]
    methodology = pages.methodology_page(two_suites.suite, ENGLISH, suites=pages._suites(two_suites))
    assert "leaderboards/ko-global-v1.csv" in methodology and "leaderboards/demo.json" in methodology
    assert "<code>demo</code> v1 (main board), <code>ko-global-v1</code> v1." in methodology
    assert "no figure joins or compares two boards" in methodology
    single = pages.methodology_page(two_suites.suite, ENGLISH)
    assert "One board per suite" not in single and "Claimed vs measured" in single
