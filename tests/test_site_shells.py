"""Model pages filled into their kind's shell (site/shells.py): the same pages, byte for byte, as
MkDocs renders them, for titles and links with every character HTML escapes; a kind whose
shell does not give a page's text is rendered page by page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from types import SimpleNamespace

import markupsafe
import pytest
import yaml

from kleaderboard.site import build_site, pages, shells

FIXTURE = Path(__file__).parent / "data" / "site_repo"

# what a reader may name a model: each of HTML's special characters, and private-use ones
NAMES = ['Q&A "quoted"', "It's <b>bold</b>", "Plain 7B", "\ue000kl:title\ue002<&\"'>\ue001 ha"]


def test_a_shell_prints_each_value_as_the_frame_printed_its_stand_in():
    title, link = shells.stand_in("title"), shells.stand_in("alternate:en")
    escaped = str(markupsafe.escape(title))
    shell = shells.Shell.cut(f"<title>{title}</title><h2>{escaped}</h2><a href='{link}'>")
    assert shell is not None

    page = SimpleNamespace(meta={"title": "A&B <i>", "kl_alternates": {"en": "../x.html?a=1&b=2"}})
    assert shell.fill(page) == (  # type: ignore[arg-type]
        "<title>A&B <i></title><h2>A&amp;B &lt;i&gt;</h2><a href='../x.html?a=1&b=2'>"
    )


def test_a_value_printed_some_other_way_gives_no_shell():
    title = shells.stand_in("title")
    assert shells.Shell.cut(json.dumps({"title": title}, ensure_ascii=False)) is None  # JSON: \" in the mark
    assert shells.Shell.cut(title.replace("&", "&amp;")) is None  # escaped in part
    assert shells.Shell.cut("no stand-in at all") == shells.Shell(("no stand-in at all",), ())


def many_models(tmp_path: Path) -> Path:
    """The fixture with each of its submissions copied under four more teams, each copy's model
    named with one of NAMES: many model pages of each kind, the odd names after the first."""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("site"))
    originals = sorted((repo / "submissions").glob("*/*/submission.yaml"))
    for index, name in enumerate(NAMES):
        for manifest in originals:
            folder = repo / "submissions" / f"copy{index}" / manifest.parent.name
            shutil.copytree(manifest.parent, folder)
            data = yaml.safe_load(manifest.read_text(encoding="utf-8"))
            data["model"]["name"] = f"{name} {manifest.parent.name}"
            (folder / "submission.yaml").write_text(
                yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
            )
            for run in (folder / "runs").glob("*.json"):
                record = json.loads(run.read_text(encoding="utf-8"))
                record["submission"] = f"copy{index}/{manifest.parent.name}"
                run.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return repo


def files_of(site: Path) -> dict[Path, bytes]:
    return {path.relative_to(site): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return many_models(tmp_path_factory.mktemp("shells"))


@pytest.fixture(scope="module")
def itself(repo: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as MkDocs' own loop builds it: every page handed to it whole."""
    planned = pages.plan_pages

    def whole(*args: object, **kwargs: object) -> dict[str, str | pages.LazyPage]:
        return {
            uri: page.text() if isinstance(page, pages.LazyPage) else page
            for uri, page in planned(*args, **kwargs).items()
        }

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pages, "plan_pages", whole)
        return build_site(repo / "mkdocs.yml", tmp_path_factory.mktemp("itself") / "site")


def test_pages_filled_into_shells_are_the_pages_mkdocs_renders(repo, itself, tmp_path, monkeypatch):
    filled: list[str] = []
    real = shells.Shell.fill

    def spy(shell: shells.Shell, page: object) -> str:
        filled.append(page.file.src_uri)  # type: ignore[attr-defined]
        return real(shell, page)  # type: ignore[arg-type]

    monkeypatch.setattr(shells.Shell, "fill", spy)
    site = build_site(repo / "mkdocs.yml", tmp_path / "site")
    assert files_of(site) == files_of(itself)
    model_pages = 2 * 4 * (1 + len(NAMES))  # both languages, four submissions, each copied
    assert len(set(filled)) == model_pages  # every model page was filled (its kind checked)
    odd = next(uri for uri in filled if uri.startswith("models/copy3/"))
    html = (site / odd.removesuffix(".md")).with_suffix(".html").read_text(encoding="utf-8")
    assert "\ue000kl:title" in html  # a name that looks like a stand-in is printed as itself


def test_a_kind_whose_shell_differs_is_rendered_page_by_page(repo, itself, tmp_path, monkeypatch):
    # a kind that ignored the page's language: the Korean and English pages would share a shell.
    # Checked page by page here (a build checks the first two of a kind), the first page of the
    # other language differs; from then on that kind's pages are rendered whole
    monkeypatch.setattr(shells.Shells, "CHECKS", 10**6)
    real = shells.Shells.kind

    def too_broad(self: shells.Shells, page: object) -> tuple[object, ...] | None:
        kind = real(self, page)  # type: ignore[arg-type]
        return None if kind is None else ("every model page",)

    monkeypatch.setattr(shells.Shells, "kind", too_broad)
    differed: list[str] = []
    check = shells.Shells._check

    def spy(self: shells.Shells, kind: tuple[object, ...], page: object, shell: object, text: str) -> object:
        found = check(self, kind, page, shell, text)  # type: ignore[arg-type]
        if found is None:
            differed.append(page.file.src_uri)  # type: ignore[attr-defined]
        return found

    monkeypatch.setattr(shells.Shells, "_check", spy)
    site = build_site(repo / "mkdocs.yml", tmp_path / "site")
    assert differed  # the check did catch it
    assert files_of(site) == files_of(itself)
