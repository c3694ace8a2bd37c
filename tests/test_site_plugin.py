"""The MkDocs plugin's hooks, called on an MkDocsConfig built in the test."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel

from kleaderboard.site.plugin import SCRIPT, STYLESHEET, WORKER_SHIM, LeaderboardPlugin, suite_names

FIXTURE = Path(__file__).parent / "data" / "site_repo"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of the fixture repository that a test may change."""
    target = tmp_path / "repo"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("site"))
    return target


def make_config(repo: Path, **options: Any) -> MkDocsConfig:
    suite = {} if "suites" in options else {"suite": "demo"}
    config = MkDocsConfig(config_file_path=str(repo / "mkdocs.yml"))
    config.load_dict(
        {
            "site_name": "test",
            "docs_dir": str(repo / "site_src"),
            "site_dir": str(repo / "site"),
            "theme": {"name": "material", "language": "ko", "font": False},
            "plugins": ["search", "offline", {"kleaderboard": {**suite, **options}}],
        }
    )
    errors, warnings = config.validate()
    assert not errors, errors
    assert not warnings, warnings
    return config


def plugin_of(config: MkDocsConfig) -> LeaderboardPlugin:
    plugin = config.plugins["kleaderboard"]
    assert isinstance(plugin, LeaderboardPlugin)
    return plugin


def text_of(config: MkDocsConfig, files: Files, uri: str) -> str:
    """A generated page's whole text: the leaderboard and the model pages hold their front
    matter only until on_env builds them (site/page_builds.py)."""
    file = files.get_file_from_path(uri)
    assert file is not None, uri
    lazy = plugin_of(config).lazy.get(uri)
    if lazy is not None:
        assert file.content_string == lazy.front
        return lazy.text()
    return file.content_string


def run_on_files(config: MkDocsConfig, files: Files | None = None) -> Files:
    config = config.plugins.on_config(config)
    return config.plugins.on_files(files or Files([]), config=config)


# --- options ----------------------------------------------------------------------------


def test_options_have_documented_defaults(repo):
    config = MkDocsConfig(config_file_path=str(repo / "mkdocs.yml"))
    config.load_dict({"site_name": "t", "docs_dir": str(repo / "site_src"), "plugins": ["kleaderboard"]})
    assert config.validate() == ([], [])
    options = plugin_of(config).config
    assert options.submissions_dir == "submissions"
    assert options.suites == [] and options.suite is None
    assert suite_names(config, options) == (("suite", "ko-global-v1"),)  # the default suite
    assert options.loss_log_x is False
    assert options.search_model_pages is False
    assert options.workers == 0  # one process per CPU, for a site big enough
    assert options.site_name_en == options.site_description_en == ""  # the English pages show site_name
    source = Path(__import__("kleaderboard.site.plugin", fromlist=["x"]).__file__).read_text()
    for name in options:
        assert re.search(rf"\n    {name} = c\.\w+\(.*\n    \"\"\"\w", source.split('"""Options of the')[1])


# --- on_config --------------------------------------------------------------------------


def test_on_config_adds_assets_and_keeps_polyfills_local(repo):
    config = config_after_on_config(repo)
    assert STYLESHEET in config.extra_css
    assert SCRIPT in [str(s) for s in config.extra_javascript]
    assert config.extra["polyfills"] == [WORKER_SHIM]  # not material's CDN copy
    assert "attr_list" in config.markdown_extensions
    assert config.use_directory_urls is False  # the offline plugin ran first


def config_after_on_config(repo: Path) -> MkDocsConfig:
    config = make_config(repo)
    return config.plugins.on_config(config)


def test_on_config_is_idempotent(repo):
    config = config_after_on_config(repo)
    config = config.plugins.on_config(config)
    assert config.extra_css.count(STYLESHEET) == 1
    assert [str(s) for s in config.extra_javascript].count(SCRIPT) == 1


def test_on_config_refuses_remote_assets(repo):
    config = make_config(repo)
    config.extra_css.append("https://cdn.example.com/x.css")
    with pytest.raises(PluginError, match=r"mkdocs\.yml: extra_css/extra_javascript load https://cdn"):
        config.plugins.on_config(config)


# --- on_files ---------------------------------------------------------------------------


def test_on_files_adds_pages_evidence_and_assets(repo):
    files = run_on_files(make_config(repo))
    uris = set(files.src_uris)
    assert {"index.md", "methodology.md"} <= uris
    assert {
        "models/alpha-lab/hangul-7b.md",
        "models/beta-ai/beta-moe.md",
        "models/delta/broken-log.md",
        "models/gamma/pending-model.md",
    } <= uris
    assert "models/alpha-lab/hangul-7b/runs/20250601T100000Z-a1b2c3.json" in uris
    assert "models/alpha-lab/hangul-7b/loss_log.csv" in uris
    assert {STYLESHEET, SCRIPT, WORKER_SHIM} <= uris
    assert {"claims.md", "charts.md", "en/index.md", "leaderboard.json", "claims.json", "claims.csv"} <= uris


def test_model_pages_stay_out_of_the_nav(repo):
    files = run_on_files(make_config(repo))
    model = files.get_file_from_path("models/alpha-lab/hangul-7b.md")
    index = files.get_file_from_path("index.md")
    assert model is not None and model.inclusion is InclusionLevel.NOT_IN_NAV
    assert index is not None and index.inclusion is not InclusionLevel.NOT_IN_NAV


def test_generated_pages_are_in_memory_and_evidence_is_the_original_file(repo):
    config = make_config(repo)
    files = run_on_files(config)
    page = files.get_file_from_path("index.md")
    assert page is not None and page.generated_by == "kleaderboard"
    assert "hangul-7b" in text_of(config, files, "index.md")
    record = files.get_file_from_path("models/alpha-lab/hangul-7b/runs/20250601T100000Z-a1b2c3.json")
    original = repo / "submissions/alpha-lab/hangul-7b/runs/20250601T100000Z-a1b2c3.json"
    assert record is not None and record.content_bytes == original.read_bytes()


def test_directory_urls_change_the_links(repo):
    config = make_config(repo)
    config.plugins.on_config(config)
    config.use_directory_urls = True  # as if the offline plugin were not there
    files = plugin_of(config).on_files(Files([]), config=config)
    assert 'href="models/alpha-lab/hangul-7b/"' in text_of(config, files, "index.md")


def test_unknown_suite_is_a_plugin_error_naming_mkdocs_yml(repo):
    config = make_config(repo, suite="no-such-suite")
    with pytest.raises(
        PluginError,
        match=r"(?s)mkdocs\.yml: plugins\.kleaderboard\.suite: 'no-such-suite' cannot be used"
        r".*not a known suite",
    ):
        run_on_files(config)


def test_suite_and_suites_together_are_a_plugin_error(repo):
    config = make_config(repo, suites=["demo", "ko-global-v1"], suite="ko-global-v2")
    with pytest.raises(
        PluginError,
        match=r"mkdocs\.yml: plugins\.kleaderboard: both suite and suites are set — keep suites "
        r"\(e\.g\. suites: \[ko-global-v2, demo, ko-global-v1\]\) and remove suite",
    ):
        run_on_files(config)


def test_a_suite_listed_twice_is_a_plugin_error(repo):
    config = make_config(repo, suites=["demo", "ko-global-v1", "demo"])
    with pytest.raises(
        PluginError, match=r"plugins\.kleaderboard\.suites: demo is listed twice — list each suite once"
    ):
        run_on_files(config)


def test_an_unknown_suite_in_the_list_names_its_place(repo):
    config = make_config(repo, suites=["demo", "no-such-suite"])
    with pytest.raises(
        PluginError, match=r"plugins\.kleaderboard\.suites\[1\]: 'no-such-suite' cannot be used"
    ):
        run_on_files(config)


def test_suites_give_one_board_each_and_one_download_each(repo):
    config = make_config(repo, suites=["demo", "ko-global-v1"])
    files = run_on_files(config)
    text = text_of(config, files, "en/index.md")
    assert 'id="suite-demo"' in text and 'id="suite-ko-global-v1"' in text
    # the first suite is the main board, on top
    assert text.index('id="suite-demo"') < text.index('id="suite-ko-global-v1"')
    assert 'id="leaderboard"' in text and 'id="leaderboard-ko-global-v1"' in text
    for uri in ("leaderboards/demo.json", "leaderboards/ko-global-v1.csv", "leaderboard.json"):
        assert files.get_file_from_path(uri) is not None, uri


def test_broken_run_record_is_a_plugin_error_naming_the_file(repo):
    record = repo / "submissions/alpha-lab/hangul-7b/runs/20250601T100000Z-a1b2c3.json"
    record.write_text("{not json", encoding="utf-8")
    with pytest.raises(
        PluginError, match=r"20250601T100000Z-a1b2c3\.json: line 1, column 2: is not valid JSON"
    ):
        run_on_files(make_config(repo))


def test_broken_manifest_is_a_warning_and_the_rest_still_builds(repo, caplog):
    (repo / "submissions/gamma/pending-model/submission.yaml").write_text("team: [", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="mkdocs.plugins.kleaderboard"):
        files = run_on_files(make_config(repo))
    assert "gamma/pending-model/submission.yaml" in caplog.text
    assert files.get_file_from_path("models/gamma/pending-model.md") is None
    assert files.get_file_from_path("models/alpha-lab/hangul-7b.md") is not None


def test_missing_submissions_folder_gives_an_empty_leaderboard(repo):
    config = make_config(repo, submissions_dir="nowhere")
    files = run_on_files(config)
    assert "아직 제출된 모델이 없습니다" in text_of(config, files, "index.md")


def test_submissions_dir_is_relative_to_mkdocs_yml(repo, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # not the repository
    files = run_on_files(make_config(repo))
    assert files.get_file_from_path("models/alpha-lab/hangul-7b.md") is not None


def test_a_docs_page_where_a_page_is_generated_is_an_error(repo):
    config = make_config(repo)
    (repo / "site_src" / "index.md").write_text("# mine\n", encoding="utf-8")
    clash = File("index.md", str(repo / "site_src"), str(repo / "site"), False)
    with pytest.raises(PluginError, match=r"site_src/index\.md: conflicts with the page kleaderboard"):
        run_on_files(config, Files([clash]))


def test_search_model_pages_option_indexes_model_pages(repo):
    files = run_on_files(make_config(repo, search_model_pages=True))
    page = files.get_file_from_path("models/alpha-lab/hangul-7b.md")
    assert page is not None and "exclude: true" not in page.content_string


def test_on_serve_watches_the_submissions_folder(repo):
    config = make_config(repo)

    class Server:
        def __init__(self) -> None:
            self.watched: list[str] = []

        def watch(self, path: str) -> None:
            self.watched.append(path)

    server = Server()
    plugin_of(config).on_serve(server, config=config, builder=None)  # type: ignore[arg-type]
    assert server.watched == [str(repo / "submissions")]


def test_the_repository_link_comes_from_the_environment_when_mkdocs_yml_names_none(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kleaderboard.site.plugin import repository_from_environment

    config = make_config(repo)
    monkeypatch.delenv("KLEADERBOARD_REPO_URL", raising=False)
    repository_from_environment(config)
    assert config.repo_url is None  # no address is made up
    monkeypatch.setenv("KLEADERBOARD_REPO_URL", "https://github.com/acme/leaderboard/")
    repository_from_environment(config)
    assert (config.repo_url, config.repo_name) == ("https://github.com/acme/leaderboard", "acme/leaderboard")
    monkeypatch.setenv("KLEADERBOARD_REPO_URL", "https://github.com/other/repo")
    repository_from_environment(config)
    assert config.repo_url == "https://github.com/acme/leaderboard"  # mkdocs.yml's (or the first) wins


def test_a_repository_address_that_is_not_https_is_a_plugin_error(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from mkdocs.exceptions import PluginError

    from kleaderboard.site.plugin import repository_from_environment

    monkeypatch.setenv("KLEADERBOARD_REPO_URL", "javascript:alert(1)")
    with pytest.raises(PluginError, match=r"not an https:// address — set it to the repository's address"):
        repository_from_environment(make_config(repo))


def test_the_plugin_imports_nothing_heavy():
    # every build pays for its imports: reading provenance records needs no numpy (comparing does)
    code = (
        "import sys, kleaderboard.site.plugin, kleaderboard.site.build; "
        "heavy = {'numpy', 'torch', 'lm_eval', 'huggingface_hub', 'githubkit', 'mkdocs.livereload'}; "
        "heavy &= set(sys.modules); "
        "assert not heavy, heavy"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
