"""Licence, open weights and suite version: what each leaderboard row carries for the filters
and the compare view."""

from __future__ import annotations

import re

from kleaderboard.site import facets

from .site_fixture import entry, to_html


def _row(rendered: dict[str, str], model: str) -> str:
    return re.search(rf'<tr data-model="{model}"[^>]*>', to_html(rendered["index.md"]))[0]


def test_rows_carry_licence_open_weights_and_suite_version(rendered):
    alpha = _row(rendered, "alpha-lab/hangul-7b")
    assert 'data-licence="Apache-2.0"' in alpha and 'data-open="1"' in alpha
    assert re.search(r'data-suite="\d+"', alpha)
    beta = _row(rendered, "beta-ai/beta-moe")  # a custom licence is not counted as open
    assert 'data-licence="&lt;b&gt;custom&lt;/b&gt; licence"' in beta and 'data-open="0"' in beta
    gamma = _row(rendered, "gamma/pending-model")  # NOASSERTION, never run
    assert 'data-licence=""' in gamma and 'data-open="0"' in gamma and 'data-suite=""' in gamma


def test_open_weights_needs_a_hub_repo_and_an_open_licence(board):
    manifest = entry(board, "alpha-lab/hangul-7b").submission.manifest
    assert facets.open_weights(manifest)
    assert not facets.open_weights(manifest.model_copy(update={"license": "llama3"}))
    local = manifest.model.model_copy(update={"hub_repo": None, "local_path": "weights"})
    assert not facets.open_weights(manifest.model_copy(update={"model": local}))
    assert facets.licence_key(manifest.model_copy(update={"license": " noassertion "})) == ""


def test_the_filter_bar_offers_each_licence_once_and_the_suite_versions(rendered):
    html = to_html(rendered["en/index.md"])
    form = html[html.index('<form class="kl-filters"') : html.index("</form>")]
    assert form.count('<option value="Apache-2.0">') == 1
    assert '<option value="-">not stated</option>' in form and '<option value="-">no run</option>' in form
    assert "open weights (on the Hub, under an open licence)" in form
