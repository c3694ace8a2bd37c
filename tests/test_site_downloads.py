"""Downloads: leaderboard.json / claims.json (versioned, schema-checked) and their CSV twins."""

from __future__ import annotations

import csv
import io
import json

import pytest

from kleaderboard.site import downloads, pages
from kleaderboard.site.downloads import ClaimsFile, LeaderboardFile

from .site_fixture import entry

ALPHA = "alpha-lab/hangul-7b"
LINKS = pages.Links(use_directory_urls=False)


@pytest.fixture(scope="module")
def files(board) -> dict[str, str]:
    return downloads.download_files(board, LINKS.url)


def test_leaderboard_json_is_the_documented_versioned_format(board, files):
    data = LeaderboardFile.model_validate_json(files[downloads.LEADERBOARD_JSON])
    assert (data.format, data.format_version) == ("kleaderboard-leaderboard", 1)
    assert [row.id for row in data.rows] == [e.id for e in board.entries]
    assert json.loads(files[downloads.LEADERBOARD_SCHEMA]) == LeaderboardFile.model_json_schema()


def test_leaderboard_json_carries_the_measured_figures(board, files):
    data = LeaderboardFile.model_validate_json(files[downloads.LEADERBOARD_JSON])
    row = next(r for r in data.rows if r.id == ALPHA)
    alpha = entry(board, ALPHA)
    assert alpha.overall is not None and alpha.run is not None
    assert (row.overall.value, row.overall.stderr) == (alpha.overall.value, alpha.overall.stderr)
    assert row.rank == alpha.rank == 1
    assert row.run_record == LINKS.url(pages.run_record_uri(alpha, alpha.run))
    assert row.page == LINKS.url(alpha.page_path)
    assert row.manifest_sha256 == alpha.submission.manifest_sha256


def test_unevaluated_rows_have_nulls_not_guesses(files):
    data = LeaderboardFile.model_validate_json(files[downloads.LEADERBOARD_JSON])
    unranked = [r for r in data.rows if r.status != "evaluated"]
    assert unranked and all(r.rank is None and r.overall is None for r in unranked)


def test_leaderboard_json_refuses_unknown_fields_and_versions(files):
    raw = json.loads(files[downloads.LEADERBOARD_JSON])
    with pytest.raises(ValueError, match="format_version"):
        LeaderboardFile.model_validate({**raw, "format_version": 2})
    with pytest.raises(ValueError, match="surprise"):
        LeaderboardFile.model_validate({**raw, "surprise": 1})


def test_leaderboard_csv_has_the_json_rows_flattened(files):
    rows = list(csv.DictReader(io.StringIO(files[downloads.LEADERBOARD_CSV])))
    data = LeaderboardFile.model_validate_json(files[downloads.LEADERBOARD_JSON])
    assert [r["id"] for r in rows] == [r.id for r in data.rows]
    alpha = next(r for r in rows if r["id"] == ALPHA)
    json_alpha = next(r for r in data.rows if r.id == ALPHA)
    assert float(alpha["overall"]) == json_alpha.overall.value
    for category in data.categories:
        figure = json_alpha.categories[category.id]
        assert float(alpha[category.id]) == figure.value
        assert float(alpha[f"{category.id}_stderr"]) == figure.stderr
    assert {r["weights_from_zero"] for r in rows} <= {"true", "false", ""}


def test_claims_json_and_csv_hold_every_claim_and_external_figure(board, files):
    data = ClaimsFile.model_validate_json(files[downloads.CLAIMS_JSON])
    declared = sum(len(e.submission.manifest.self_reported) for e in board.entries)
    assert len(data.claims) == declared == 3
    assert len(list(csv.DictReader(io.StringIO(files[downloads.CLAIMS_CSV])))) == declared
    (external,) = list(csv.DictReader(io.StringIO(files[downloads.EXTERNAL_CSV])))
    assert external["leaderboard"] == "Artificial Analysis Intelligence Index"
    assert data.external[0].as_of == external["as_of"] == "2026-01-15"


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+1", "-cmd", "@SUM(A1)"])
def test_csv_never_hands_a_spreadsheet_a_formula(text):
    out = downloads.to_csv([{"a": text, "n": -1.5}], ["a", "n"])
    row = next(csv.DictReader(io.StringIO(out)))
    assert row == {"a": "'" + text, "n": "-1.5"}  # numbers stay numbers


def test_methodology_documents_every_field(rendered):
    html = rendered[pages.METHODOLOGY_URI]
    for model in (downloads.LeaderboardRow, downloads.ClaimRow, downloads.ExternalRow):
        for name, info in model.model_fields.items():
            assert info.description, name
            assert f"<code>{name}</code>" in html


def test_downloads_are_named_before_they_are_made_and_written_whole(board, files, tmp_path):
    # the plugin registers the files by name and has them written meanwhile (in another process)
    assert downloads.download_uris(board) == list(files)
    assert downloads.write_downloads(board, LINKS.url, str(tmp_path / "site")) == len(files)
    for uri, text in files.items():
        assert (tmp_path / "site" / uri).read_bytes() == text.encode("utf-8"), uri
