"""End to end: `mkdocs build --strict` of the fixture repository (via build_site), the demo
workspace's mkdocs.yml, the repository's own mkdocs.yml, and the examples in site_src/."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kleaderboard.errors import SiteBuildError
from kleaderboard.site import build_site, workspace_mkdocs_yaml
from kleaderboard.submission.loss_log import parse_loss_log
from kleaderboard.submission.manifest import parse_manifest
from kleaderboard.suites import available_suites

from .page_language import language_problems, page_theme

ROOT = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "data" / "site_repo"
ASSET_TAG = re.compile(r"<(?:script|link|img|iframe|source)\b[^>]*?\b(?:src|href)=\"([^\"]*)\"")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture repository built once, strict, into a temporary folder."""
    return build_site(FIXTURE / "mkdocs.yml", tmp_path_factory.mktemp("build") / "site")


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_build_writes_every_page(site):
    for page in (
        "index.html",
        "methodology.html",
        "about.html",
        "models/alpha-lab/hangul-7b.html",
        "models/beta-ai/beta-moe.html",
        "models/delta/broken-log.html",
        "models/gamma/pending-model.html",
    ):
        assert (site / page).is_file(), page


def test_downloads_are_at_stable_urls_at_the_root(site):
    names = ("leaderboard.json", "leaderboard.csv", "leaderboard.schema.json", "claims.json", "claims.csv")
    for name in names:
        assert (site / name).is_file(), name
    assert (site / "claims.html").is_file()


def test_every_page_links_the_repository_without_asking_github(site):
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        assert '<a href="https://github.com/acme/leaderboard" title=' in text, page
        assert 'data-md-component="source"' not in text, page  # Material's star-count fetch


def test_run_records_are_published_byte_for_byte(site):
    for source in (FIXTURE / "submissions").glob("*/*/runs/*.json"):
        org, model = source.parts[-4], source.parts[-3]
        published = site / "models" / org / model / "runs" / source.name
        assert published.read_bytes() == source.read_bytes()


def test_every_asset_is_served_by_the_site_itself(site):
    for page in html_pages(site):
        for url in ASSET_TAG.findall(page.read_text(encoding="utf-8")):
            assert not re.match(r"(?:[a-z]+:)?//", url), f"{page}: {url}"
            if not url.startswith("data:"):
                path = url.split("#")[0].split("?")[0]
                base = site if path.startswith("/") else page.parent  # 404.html links from the root
                target = (base / path.lstrip("/")).resolve()
                if target.is_dir():  # a language's home (the language switch): its index.html
                    target = target / "index.html"
                assert target.is_file(), f"{page}: {url}"


def test_no_web_fonts_or_cdn(site):
    text = (site / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis" not in text
    assert "fonts.gstatic" not in text
    assert "unpkg.com" not in text


def test_every_page_speaks_its_own_language(site):
    # html lang, the nav's labels and links, the search box: Korean at the root, English under en/
    names = {"ko": "kleaderboard fixture — 테스트 리더보드", "en": "kleaderboard fixture — test leaderboard"}
    assert language_problems(site, names) == []
    english = page_theme(site / "en" / "models" / "alpha-lab" / "hangul-7b.html")
    assert english.lang == "en"
    assert english.nav[:4] == [
        ("Leaderboard", "../../index.html"),
        ("Teams' claims", "../../claims.html"),
        ("Charts", "../../charts.html"),
        ("Methodology", "../../methodology.html"),
    ]
    # about.md has no English twin: the English nav leaves it out rather than lead to Korean
    assert not any("about" in href for _, href in english.nav)
    assert ("소개", "about.html") in page_theme(site / "index.html").nav


def test_model_pages_are_not_in_the_navigation(site):
    for page in html_pages(site):
        nav = re.findall(r'<nav class="md-nav[^"]*".*?</nav>', page.read_text(encoding="utf-8"), re.S)
        assert not any("models/" in block for block in nav), page


def test_search_index_leaves_out_model_pages(site):
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert any(loc.startswith("index.html") for loc in locations)
    assert not any(loc.startswith("models/") for loc in locations)


def _search_index(folder: Path) -> dict:
    return json.loads((folder / "search" / "search_index.json").read_text(encoding="utf-8"))


def test_each_language_is_searched_in_an_index_of_its_own(site):
    korean, english = _search_index(site), _search_index(site / "en")
    assert english["config"]["lang"] == ["en"] and "stopWordFilter" in english["config"]["pipeline"]
    # the English index holds the English pages, located from en/, each an English page there
    titles = {doc["title"] for doc in english["docs"]}
    assert {"Leaderboard", "Methodology", "Charts", "Scoring", "Run records"} <= titles
    assert any("Every number on this site can be recomputed" in doc["text"] for doc in english["docs"])
    pages = {doc["location"].split("#")[0] for doc in english["docs"]}
    assert pages == {"index.html", "claims.html", "charts.html", "methodology.html"}
    hangul = re.compile(r"[\uac00-\ud7a3]")
    for page in pages:
        assert (site / "en" / page).is_file() and 'lang="en"' in (site / "en" / page).read_text(), page
    assert not any(hangul.search(title) for title in titles)
    # about.md has no English twin: it is in the Korean index only; no en/ page is there
    assert "about.html" not in pages
    korean_pages = {doc["location"].split("#")[0] for doc in korean["docs"]}
    assert korean_pages == {"index.html", "claims.html", "charts.html", "methodology.html", "about.html"}
    assert any(doc["title"] == "평가 방법" for doc in korean["docs"])
    assert not {"Methodology", "Scoring"} & {doc["title"] for doc in korean["docs"]}
    # the copy inlined for file:// (offline plugin) is the same index
    inlined = (site / "en" / "search" / "search_index.js").read_text(encoding="utf-8")
    assert json.loads(inlined.removeprefix("var __index = ")) == english


CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
SCOPE = re.compile(r'__md_scope=new URL\("([^"]*)"')


@pytest.mark.parametrize(
    ("page", "lang"),
    [("methodology.html", "ko"), ("en/methodology.html", "en"), ("en/models/alpha-lab/hangul-7b.html", "en")],
)
def test_each_page_s_search_script_finds_its_language_s_index(site, page, lang):
    """Material's script fetches search/search_index.json from __config.base: on an English page,
    en/; the scope of stored choices (light/dark) stays the site root on every page."""
    text = (site / page).read_text(encoding="utf-8")
    base = (site / page).parent / json.loads(CONFIG.search(text)[1])["base"]
    assert base.resolve() == (site / "en" if lang == "en" else site).resolve()
    assert ((site / page).parent / SCOPE.search(text)[1]).resolve() == site.resolve()


def test_the_error_page_speaks_both_languages_and_leads_to_each_home(site):
    """404.html is one page for every missing address, Korean or English: both say what happened
    (the English marked lang="en") and lead home, by links from the site root that exist."""
    text = (site / "404.html").read_text(encoding="utf-8")
    sections = dict(re.findall(r'<section lang="(\w+)">(.*?)</section>', text, re.S))
    assert set(sections) == {"ko", "en"}
    assert "페이지를 찾을 수 없습니다" in sections["ko"] and "Page not found" in sections["en"]
    assert not re.search(r"[\uac00-\ud7a3]", sections["en"]) and "Page not found" not in sections["ko"]
    homes = {
        lang: re.search(r'<a href="([^"]+)" hreflang="(\w+)"', body).groups()
        for lang, body in sections.items()
    }
    assert homes == {"ko": ("/index.html", "ko"), "en": ("/en/index.html", "en")}
    for href, _ in homes.values():
        assert (site / href.lstrip("/")).is_file(), href
    assert "<script>" not in text.split('<div class="md-content"', 1)[1].split("</article>")[0]


def test_leaderboard_and_model_pages_escape_hostile_text(site):
    for page in (site / "index.html", site / "models/beta-ai/beta-moe.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert not re.search(r"""href\s*=\s*["']?\s*javascript:""", text, re.I)
    title = re.search(r"<title>(.*?)</title>", (site / "models/beta-ai/beta-moe.html").read_text())
    assert title and title[1].startswith("Beta-MoE &lt;img src=x onerror=alert(1)&gt;")


def test_built_model_page_links_back_and_to_its_evidence(site):
    text = (site / "models/alpha-lab/hangul-7b.html").read_text(encoding="utf-8")
    assert 'href="../../index.html"' in text
    assert 'href="hangul-7b/runs/20250601T100000Z-a1b2c3.json"' in text
    assert (site / "models/alpha-lab/hangul-7b/loss_log.csv").is_file()
    assert 'id="performance"' in text and 'id="run-record"' in text


def test_model_page_size_does_not_grow_with_the_number_of_models(tmp_path, site):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("site"))
    template = repo / "submissions" / "alpha-lab" / "hangul-7b" / "submission.yaml"
    for number in range(40):
        folder = repo / "submissions" / "many" / f"model-{number}"
        folder.mkdir(parents=True)
        text = template.read_text(encoding="utf-8").replace("loss_log: loss_log.csv", "")
        (folder / "submission.yaml").write_text(text.replace("Hangul-7B", f"M{number}"), encoding="utf-8")
    bigger = build_site(repo / "mkdocs.yml", tmp_path / "site")
    page = "models/gamma/pending-model.html"
    assert abs((bigger / page).stat().st_size - (site / page).stat().st_size) < 200


# --- failures ---------------------------------------------------------------------------


def test_a_failing_build_raises_site_build_error_with_mkdocs_messages(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("site"))
    config = repo / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("suite: demo", "suite: nope"))
    with pytest.raises(
        SiteBuildError, match=r"mkdocs\.yml: plugins\.kleaderboard\.suite: 'nope' cannot be used"
    ) as info:
        build_site(config, tmp_path / "site")
    assert info.value.exit_code == 5


def test_strict_mode_turns_warnings_into_a_failure(tmp_path):
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("site"))
    (repo / "site_src" / "about.md").write_text("[broken](missing.md)\n", encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"(?s)strict mode.*missing\.md"):
        build_site(repo / "mkdocs.yml", tmp_path / "site")
    assert build_site(repo / "mkdocs.yml", tmp_path / "lenient", strict=False).is_dir()


def test_a_broken_config_file_raises_site_build_error(tmp_path):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: x\ntheme: [\n", encoding="utf-8")
    with pytest.raises(SiteBuildError, match=r"mkdocs\.yml: the site build failed"):
        build_site(config)


# --- the demo workspace -----------------------------------------------------------------


def test_workspace_mkdocs_yaml_builds_with_an_empty_docs_folder(tmp_path):
    text = workspace_mkdocs_yaml("데모 리더보드 <demo>", "demo", site_name_en="Demo board")
    (tmp_path / "mkdocs.yml").write_text(text, encoding="utf-8")
    (tmp_path / "site_src").mkdir()
    shutil.copytree(FIXTURE / "submissions", tmp_path / "submissions")
    site = build_site(tmp_path / "mkdocs.yml")
    assert site == tmp_path / "site"
    assert (site / "index.html").is_file()
    assert (site / "models/alpha-lab/hangul-7b.html").is_file()
    assert "데모 리더보드 &lt;demo&gt;" in (site / "index.html").read_text(encoding="utf-8")
    assert language_problems(site, {"ko": "데모 리더보드 <demo>", "en": "Demo board"}) == []


def test_workspace_mkdocs_yaml_is_complete(tmp_path):
    config = yaml.safe_load(workspace_mkdocs_yaml("x", "demo", submissions_dir="subs"))
    assert config["docs_dir"] == "site_src"
    assert config["theme"]["name"] == "material"
    assert config["theme"]["language"] == "ko"
    assert config["theme"]["font"] is False
    assert {"kleaderboard": {"suites": ["demo"], "submissions_dir": "subs"}} in config["plugins"]
    english = yaml.safe_load(workspace_mkdocs_yaml("x", "demo", site_name_en="y"))
    assert {
        "kleaderboard": {"suites": ["demo"], "submissions_dir": "submissions", "site_name_en": "y"}
    } in english["plugins"]
    assert config["not_in_nav"].strip() == "/models/"


# --- the repository's own site ----------------------------------------------------------


def repository_suites() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugin = next(p for p in config["plugins"] if isinstance(p, dict) and "kleaderboard" in p)
    return plugin["kleaderboard"]["suites"]


def test_repository_mkdocs_yml_shows_v2_then_v1():
    assert repository_suites() == ["ko-global-v2", "ko-global-v1"]


def test_repository_mkdocs_yml_builds_strict(tmp_path):
    for suite in repository_suites():
        if suite not in available_suites():
            pytest.skip(f"suite {suite!r} named in mkdocs.yml is not in kleaderboard/suites/ yet")
    site = build_site(ROOT / "mkdocs.yml", tmp_path / "site")
    assert (site / "index.html").is_file()
    index = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert index.index('id="suite-ko-global-v2"') < index.index('id="suite-ko-global-v1"')
    assert (site / "leaderboards" / "ko-global-v1.json").is_file()
    assert (site / "submit.html").is_file()
    assert (site / "methodology.html").is_file()
    for page in ("submit", "maintainers"):  # each hand-written page and its English twin link each other
        korean = (site / f"{page}.html").read_text(encoding="utf-8")
        english = (site / "en" / f"{page}.html").read_text(encoding="utf-8")
        assert f'href="en/{page}.html" hreflang="en"' in korean
        assert f'href="../{page}.html" hreflang="ko"' in english
    # the hand-written English twins are searched with the English pages, not with the Korean ones
    english_pages = {doc["location"].split("#")[0] for doc in _search_index(site / "en")["docs"]}
    korean_pages = {doc["location"].split("#")[0] for doc in _search_index(site)["docs"]}
    assert {"submit.html", "maintainers.html"} <= english_pages & korean_pages
    assert not [page for page in korean_pages if page.startswith("en/")]
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    plugin = next(p for p in config["plugins"] if isinstance(p, dict) and "kleaderboard" in p)["kleaderboard"]
    assert language_problems(site, {"ko": config["site_name"], "en": plugin["site_name_en"]}) == []
    english_description = f'<meta name="description" content="{plugin["site_description_en"]}">'
    assert english_description in (site / "en" / "submit.html").read_text(encoding="utf-8")
    for page, names in (
        ("index.html", ["어두운 화면으로 바꾸기", "밝은 화면으로 바꾸기"]),
        ("en/submit.html", ["Switch to dark mode", "Switch to light mode"]),
    ):
        assert page_theme(site / page).palette == names
    assert [label for label, _ in page_theme(site / "en" / "submit.html").nav][:6] == [
        "Leaderboard",
        "Teams' claims",
        "Charts",
        "Methodology",
        "How to submit",
        "Maintainer guide",
    ]


def test_repository_mkdocs_yml_keeps_models_out_of_nav_and_fonts_off():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["docs_dir"] == "site_src"
    assert config["theme"]["font"] is False
    assert config["theme"]["language"] == "ko"
    assert "/models/" in config["not_in_nav"]
    assert not any("models/" in str(item) for item in config["nav"])


# --- examples in the docs ---------------------------------------------------------------


def fenced(language: str, path: Path) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", path.read_text(encoding="utf-8"), re.S)


SUBMIT_PAGES = ["submit.md", "en/submit.md"]  # Korean at the root, English under en/


@pytest.mark.parametrize("page", SUBMIT_PAGES)
def test_submit_page_manifest_example_is_valid_and_complete(page):
    (example,) = fenced("yaml", ROOT / "site_src" / page)
    manifest = parse_manifest(yaml.safe_load(example), f"site_src/{page}")
    declared = set(manifest.model_fields_set)
    assert declared == set(type(manifest).model_fields)
    model_keys = set(manifest.model.model_fields_set) | {"local_path"}  # shown as a comment
    assert model_keys == set(type(manifest.model).model_fields)
    assert "local_path:" in example


@pytest.mark.parametrize("page", SUBMIT_PAGES)
def test_submit_page_loss_log_example_parses(page):
    (example,) = [block for block in fenced("text", ROOT / "site_src" / page) if block.startswith("step")]
    log = parse_loss_log(example, f"site_src/{page}")
    assert log.first_loss > log.last_loss


def test_html_kept_out_of_markdown_builds_the_same_pages(site, tmp_path, monkeypatch):
    """The speed-up of raw_html changes no page: built with every block left to Markdown's parser,
    each page is the same but for blank lines (and the placeholders never reach a page)."""
    from kleaderboard.site import raw_html

    protected = {path.relative_to(site): path.read_text(encoding="utf-8") for path in html_pages(site)}
    assert not any("klraw" in text for text in protected.values())
    monkeypatch.setattr(raw_html.Blocks, "protect", lambda self, uri, markdown: markdown)
    plain = build_site(FIXTURE / "mkdocs.yml", tmp_path / "site")

    def lines(text: str) -> list[str]:
        return [line for line in text.splitlines() if line.strip()]

    assert {path.relative_to(plain) for path in html_pages(plain)} == set(protected)
    for path in html_pages(plain):
        assert lines(path.read_text(encoding="utf-8")) == lines(protected[path.relative_to(plain)]), path
    index = Path("search") / "search_index.json"
    assert (plain / index).read_text(encoding="utf-8") == (site / index).read_text(encoding="utf-8")
