"""History: every run of a model, and the stale flag of a run whose evaluated inputs changed since."""

from __future__ import annotations

import dataclasses

from kleaderboard.site import history, pages
from kleaderboard.site.downloads import LeaderboardFile, download_files

from .site_fixture import entry, to_html

ALPHA = "alpha-lab/hangul-7b"
BETA = "beta-ai/beta-moe"
LINKS = pages.Links(use_directory_urls=False)


def _with_model(e, **changes):
    manifest = e.submission.manifest
    model = manifest.model.model_copy(update=changes)
    new = manifest.model_copy(update={"model": model})
    return dataclasses.replace(e, submission=dataclasses.replace(e.submission, manifest=new))


def test_a_run_of_the_manifest_as_it_stands_is_not_stale(board):
    assert history.entry_stale_reasons(entry(board, ALPHA)) == ()


def test_changed_revision_precision_and_mode_each_make_the_run_stale(board):
    alpha = entry(board, ALPHA)
    assert alpha.run is not None and alpha.run.model.revision and alpha.run.settings.dtype != "float16"
    cases = {
        history.REVISION_CHANGED: {"revision": "f" * 40},
        history.PRECISION_CHANGED: {"precision": "float16"},
        history.MODE_DROPPED: {"modes": [m for m in ("base", "instruct") if m != alpha.run.settings.mode]},
    }
    for reason, change in cases.items():
        assert history.entry_stale_reasons(_with_model(alpha, **change)) == (reason,), reason


def test_the_leaderboard_and_its_json_flag_a_stale_row(board):
    alpha = _with_model(entry(board, ALPHA), revision="f" * 40)
    others = tuple(e for e in board.entries if e.id != ALPHA)
    changed = dataclasses.replace(board, entries=(alpha, *others))
    html = to_html(pages.leaderboard_page(changed, LINKS))
    row = html.split('data-model="alpha-lab/hangul-7b"')[1].split("</tr>")[0]
    assert 'class="kl-stale" title="리비전 바뀜">다시 평가 필요</span>' in row
    english = to_html(pages.leaderboard_page(changed, dataclasses.replace(LINKS, lang="en")))
    assert 'class="kl-stale" title="revision changed">stale</span>' in english
    data = LeaderboardFile.model_validate_json(download_files(changed, LINKS.url)["leaderboard.json"])
    assert data.rows[0].stale == ["revision changed"]
    assert all(r.stale == [] for r in data.rows[1:])
    fresh = to_html(pages.leaderboard_page(board, LINKS))
    assert "kl-stale" not in fresh


def test_model_page_lists_every_run_newest_first_with_links(board, rendered):
    beta = entry(board, BETA)
    assert len(beta.history) == 2
    ids = [run.run_id for run in beta.history]
    assert ids == sorted(ids, reverse=True)
    html = to_html(rendered[beta.page_path])
    table = html.split('<h3 id="history">')[1]
    assert [table.index(f'data-run="{run_id}"') for run_id in ids] == sorted(
        table.index(f'data-run="{run_id}"') for run_id in ids
    )
    for run_id in ids:
        assert f'href="beta-moe/runs/{run_id}.json"' in table


def test_every_run_is_published(board):
    uris = {item.src_uri for item in pages.site_files(board)}
    for e in board.entries:
        for run in e.history:
            assert pages.run_record_uri(e, run) in uris
