"""Pull-request scope: a hostile corpus under tests/data/prs/, properties, owners file and command."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kleaderboard.checks.scope import (
    ChangedFile,
    Owners,
    ScopeResult,
    check_pr,
    load_owners,
    parse_changed_files,
)
from kleaderboard.errors import InputError, Problem
from kleaderboard.submission import untrusted as safe_yaml
from tests.cli_runner import run_cli

DATA = Path(__file__).parent / "data" / "prs"
CASES = sorted(p for p in DATA.iterdir() if p.suffix in {".yaml", ".json"})
CASE_KEYS = {"description", "author", "existing", "owners", "files", "expect"}
EXPECT_KEYS = {"allowed", "submission", "is_new", "messages"}
DEFAULT_OWNERS = {
    "maintainers": ["alice", "bob"],
    "submissions": {
        "lgai-exaone/k-exaone-236b-a23b": ["lg-bot", "someone"],
        "skt/ax-k1": ["skt-bot"],
        "upstage/solar-pro": [],
    },
}
EXISTING = {"lgai-exaone/k-exaone-236b-a23b", "skt/ax-k1", "upstage/solar-pro"}
OWNERS = Owners(
    frozenset({"alice"}),
    MappingProxyType({"lgai-exaone/k-exaone-236b-a23b": frozenset({"lg-bot"})}),
)
# What the rules allow, written independently of the module: one allowed file in a slug folder.
ALLOWED_PATH = re.compile(
    r"submissions/([a-z0-9][a-z0-9._-]{0,63})/([a-z0-9][a-z0-9._-]{0,63})/(submission\.yaml|loss_log\.csv|README\.md)"
)


def read_case(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    return safe_yaml.load(path)


def owners_from(case: dict[str, Any], tmp_path: Path) -> Owners:
    """The case's owners, through the real OWNERS.yaml reader."""
    path = tmp_path / "OWNERS.yaml"
    path.write_text(yaml.safe_dump(case.get("owners", DEFAULT_OWNERS)), encoding="utf-8")
    return load_owners(path)


def run_case(case: dict[str, Any], tmp_path: Path) -> ScopeResult:
    changes = parse_changed_files(case["files"], "case")
    return check_pr(changes, case["author"], owners_from(case, tmp_path), set(case["existing"]))


def allowed_path(path: str) -> bool:
    match = ALLOWED_PATH.fullmatch(path)
    return match is not None and "runs" not in (match[1], match[2])


# --- the corpus ----------------------------------------------------------------------------


def test_corpus_is_big_and_holds_only_cases() -> None:
    assert len(CASES) >= 35
    strays = [p.name for p in DATA.iterdir() if p not in CASES]
    assert strays == [], "every file under tests/data/prs/ must be a .yaml or .json case"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case_file_is_well_formed(path: Path) -> None:
    case = read_case(path)
    assert set(case) <= CASE_KEYS and {"description", "author", "existing", "files", "expect"} <= set(case)
    assert set(case["expect"]) <= EXPECT_KEYS and "allowed" in case["expect"]
    assert isinstance(case["expect"].get("messages", []), list)
    if not case["expect"]["allowed"]:
        assert case["expect"].get("messages"), f"{path.name}: a refused case names the expected messages"
    assert path.stem.startswith("ok_") == case["expect"]["allowed"], "allowed cases are named ok_*"


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_case(path: Path, tmp_path: Path) -> None:
    case = read_case(path)
    expect = case["expect"]
    result = run_case(case, tmp_path)
    text = "\n".join(str(p) for p in result.problems)
    assert (not result.problems) == expect["allowed"], text
    for snippet in expect.get("messages", []):
        assert snippet in text
    if "submission" in expect:
        assert result.submission == expect["submission"]
    if "is_new" in expect:
        assert result.is_new == expect["is_new"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_every_problem_prints_on_one_safe_line(path: Path, tmp_path: Path) -> None:
    for problem in run_case(read_case(path), tmp_path).problems:
        line = str(problem)
        assert line.isprintable(), line
        assert problem.message and problem.fix and problem.field
        assert len(line) < 1000


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    case = read_case(DATA / "build_and_source_files.yaml")
    files = {p.file for p in run_case(case, tmp_path).problems}
    assert {"Makefile", "pyproject.toml", "src/kleaderboard/scoring/normalise.py", ".gitattributes"} <= files


# --- properties ----------------------------------------------------------------------------

SEGMENTS = st.sampled_from(
    [
        "submissions",
        "Submissions",
        "lgai-exaone",
        "LGAI-exaone",
        "lgai_exaone",
        "k-exaone-236b-a23b",
        "new-org",
        "model",
        "runs",
        "RUNS",
        "..",
        ".",
        "",
        "submission.yaml",
        "Submission.yaml",
        "loss_log.csv",
        "README.md",
        "OWNERS.yaml",
        ".github",
        "a\nb",
        "%2e%2e",
        "x\x00",
        "lg\u0430i",
        "ok.",
        "a" * 70,
    ]
)
BUILT_PATHS = st.lists(SEGMENTS, min_size=1, max_size=6).flatmap(
    lambda parts: st.sampled_from(["/", "\\", "//"]).map(lambda sep: sep.join(parts))
)
PATHS = st.one_of(st.text(max_size=300), BUILT_PATHS)


@settings(max_examples=400, deadline=None)
@given(path=PATHS)
def test_one_path_is_allowed_exactly_when_the_rules_allow_it(path: str) -> None:
    result = check_pr([ChangedFile(path, "added", mode="100644")], "alice", OWNERS, EXISTING)
    folder_exists = allowed_path(path) and path.split("/")[1] + "/" + path.split("/")[2] in EXISTING
    manifest_or_existing = path.endswith("/submission.yaml") or folder_exists
    assert (not result.problems) == (allowed_path(path) and manifest_or_existing)
    assert all(str(p).isprintable() for p in result.problems)


@settings(max_examples=300, deadline=None)
@given(
    changes=st.lists(
        st.builds(
            ChangedFile,
            path=PATHS,
            status=st.one_of(
                st.sampled_from(["added", "modified", "removed", "renamed", "copied"]), st.text()
            ),
            previous_path=st.one_of(st.none(), PATHS),
            mode=st.one_of(st.none(), st.sampled_from(["100644", "100755", "120000", "160000"]), st.text()),
            size=st.one_of(st.none(), st.integers()),
        ),
        max_size=5,
    ),
    author=st.one_of(st.sampled_from(["alice", "lg-bot", "mallory"]), st.text()),
)
def test_check_pr_never_raises_and_refuses_anything_outside_one_folder(
    changes: list[ChangedFile], author: str
) -> None:
    result = check_pr(changes, author, OWNERS, EXISTING)
    paths = [c.path for c in changes] + [c.previous_path for c in changes if c.previous_path is not None]
    folders = {"/".join(p.split("/")[1:3]) for p in paths if allowed_path(p)}
    if not changes or not all(allowed_path(p) for p in paths) or len(folders) != 1:
        assert result.problems
    if not result.problems:
        assert result.submission in folders
    assert all(str(p).isprintable() for p in result.problems)


# --- reading the file list -------------------------------------------------------------


def test_parse_changed_files_reads_github_objects_and_ignores_extra_keys() -> None:
    data = [
        {"filename": "a", "status": "added", "sha": "x", "patch": "@@", "mode": "100644", "size": 3},
        {"filename": "b", "status": "renamed", "previous_filename": "c"},
    ]
    assert parse_changed_files(data, "files.json") == [
        ChangedFile("a", "added", None, "100644", 3),
        ChangedFile("b", "renamed", "c"),
    ]


def test_parse_changed_files_reports_every_malformed_entry() -> None:
    data = [{"status": "added"}, "x", {"filename": 3, "status": "added", "size": True}, {"filename": "a"}]
    with pytest.raises(InputError) as info:
        parse_changed_files(data, "files.json")
    fields = [p.field for p in info.value.problems]
    assert fields == ["[0].filename", "[1]", "[2].filename", "[2].size", "[3].status"]
    assert all(p.file == "files.json" for p in info.value.problems)


def test_parse_changed_files_needs_a_list() -> None:
    with pytest.raises(InputError, match=r"files\.json: must be a JSON list of file objects"):
        parse_changed_files({"files": []}, "files.json")


# --- the owners file ---------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "OWNERS.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_owners_lowercases_logins(tmp_path: Path) -> None:
    owners = load_owners(
        write(tmp_path, "maintainers: [Alice]\nsubmissions:\n  a/b: [LG-Bot, x]\n  c/d: []\n")
    )
    assert owners.maintainers == {"alice"}
    assert dict(owners.by_submission) == {"a/b": {"lg-bot", "x"}, "c/d": frozenset()}


def test_empty_owners_file_means_nobody(tmp_path: Path) -> None:
    owners = load_owners(write(tmp_path, ""))
    assert owners.maintainers == frozenset() and dict(owners.by_submission) == {}


def test_load_owners_reports_every_mistake(tmp_path: Path) -> None:
    text = "maintainer: [x]\nmaintainers: [yes, 'bad login']\nsubmissions:\n  Org/Model: [a]\n  a/b: c\n"
    with pytest.raises(InputError) as info:
        load_owners(write(tmp_path, text))
    lines = [str(p) for p in info.value.problems]
    source = str(tmp_path / "OWNERS.yaml")
    assert lines == [
        f"{source}: 'maintainer': unknown key — Perhaps you meant 'maintainers'?",
        f"{source}: maintainers[0]: 'True' is not a GitHub login — write the login as a quoted string, "
        "e.g. 'yes' or '1234'",
        f"{source}: maintainers[1]: 'bad login' is not a GitHub login",
        f"{source}: submissions.'Org/Model': is not a submission id — write '<org>/<model>' with the "
        "lowercase folder names",
        f"{source}: submissions.a/b: must be a list of GitHub logins — write submissions.a/b: [login, …]",
    ]


def test_load_owners_refuses_duplicates_and_non_mappings(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="duplicate key 'maintainers'"):
        load_owners(write(tmp_path, "maintainers: [a]\nmaintainers: [b]\n"))
    with pytest.raises(InputError, match="must be a mapping with the keys maintainers and submissions"):
        load_owners(write(tmp_path, "- a\n"))


# --- the command -------------------------------------------------------------------------


def command(tmp_path: Path, files: list[dict[str, Any]], author: str) -> list[str]:
    base = tmp_path / "submissions"
    (base / "skt" / "ax-k1").mkdir(parents=True)
    (base / "OWNERS.yaml").write_text("maintainers: [alice]\nsubmissions:\n  skt/ax-k1: [skt-bot]\n")
    (tmp_path / "files.json").write_text(json.dumps(files), encoding="utf-8")
    return [
        "check-scope",
        "--files",
        str(tmp_path / "files.json"),
        "--author",
        author,
        "--owners",
        str(base / "OWNERS.yaml"),
        "--submissions-dir",
        str(base),
    ]


def test_command_allows_a_new_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [{"filename": "submissions/kaist/ko-7b/submission.yaml", "status": "added", "mode": "100644"}]
    assert run_cli(*command(tmp_path, files, "kaist-nlp")) == 0
    assert (
        capsys.readouterr().out == "allowed: submissions/kaist/ko-7b/ (new folder, claimed by 'kaist-nlp')\n"
    )


def test_command_prints_each_problem_and_refuses(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = [
        {"filename": "submissions/skt/ax-k1/submission.yaml", "status": "modified", "mode": "100644"},
        {"filename": "submissions/skt/ax-k1/runs/r.json\nallowed: x", "status": "added", "mode": "100644"},
    ]
    assert run_cli(*command(tmp_path, files, "mallory")) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("'submissions/skt/ax-k1/runs/r.json\\nallowed: x': path:")
    assert lines[1].startswith("submissions/skt/ax-k1/: author: 'mallory' may not change this folder")
    assert lines[2] == "refused: 2 problem(s)"


def test_command_refuses_a_missing_submissions_dir(tmp_path: Path) -> None:
    argv = command(tmp_path, [], "kaist-nlp")
    with pytest.raises(InputError, match="is not a folder — pass --submissions-dir"):
        run_cli(*argv, "--submissions-dir", str(tmp_path / "nowhere"))


def test_command_refuses_bad_json(tmp_path: Path) -> None:
    argv = command(tmp_path, [], "kaist-nlp")
    (tmp_path / "files.json").write_text("[{", encoding="utf-8")
    with pytest.raises(InputError, match=r"files\.json: line 1, column 3: is not valid JSON"):
        run_cli(*argv)


def test_command_refuses_deeply_nested_json(tmp_path: Path) -> None:
    argv = command(tmp_path, [], "kaist-nlp")
    (tmp_path / "files.json").write_text("[" * 100_000, encoding="utf-8")
    with pytest.raises(InputError, match=r"files\.json: line 1, column 21: nesting deeper than 20 levels"):
        run_cli(*argv)


def test_problem_type_is_the_shared_one() -> None:
    result = check_pr([], "alice", OWNERS, EXISTING)
    expected = Problem("pull request", "files", "changes no files", "add your submission folder's files")
    assert result == ScopeResult(None, False, (expected,))


# --- edges (each pins a limit or a rule exactly) -----------------------------------------------


def scope(*items: dict[str, Any], existing: tuple[str, ...] = ()) -> ScopeResult:
    files = [{"status": "added", "mode": "100644", **item} for item in items]
    return check_pr(parse_changed_files(files, "t"), "newteam", OWNERS, set(existing))


RUNS_MESSAGE = "is under runs/, which only the evaluation pipeline writes"


@pytest.mark.parametrize("path", ["submissions/runs/x/submission.yaml", "submissions/x/runs/submission.yaml"])
def test_a_folder_named_runs_is_never_a_submission_folder(path: str) -> None:
    result = scope({"filename": path})
    assert result.submission is None
    assert [str(p) for p in result.problems] == [
        f"{path}: path: {path!r} {RUNS_MESSAGE} — drop this change; run records are written by the "
        "pipeline after merge"
    ]


@pytest.mark.parametrize(
    ("name", "limit"),
    [("submission.yaml", 256 * 1024), ("README.md", 256 * 1024), ("loss_log.csv", 64 * 1024 * 1024)],
)
def test_files_exactly_at_their_size_limit_pass_and_one_byte_more_is_refused(name: str, limit: int) -> None:
    manifest = {"filename": "submissions/acme/m/submission.yaml", "size": 10}
    at = scope(manifest, {"filename": f"submissions/acme/m/{name}", "size": limit})
    assert at.problems == () and at.submission == "acme/m"
    over = scope(manifest, {"filename": f"submissions/acme/m/{name}", "size": limit + 1})
    assert [str(p) for p in over.problems] == [
        f"submissions/acme/m/{name}: size: is {limit + 1:,} bytes; the limit is {limit:,} — "
        "keep the file small"
    ]


def test_a_copied_file_within_the_folder_passes() -> None:
    result = scope(
        {"filename": "submissions/acme/m/submission.yaml"},
        {
            "filename": "submissions/acme/m/README.md",
            "status": "copied",
            "previous_filename": "submissions/acme/m/submission.yaml",
        },
    )
    assert (result.submission, result.problems) == ("acme/m", ())


def test_a_copied_file_needs_its_previous_path() -> None:
    result = scope(
        {"filename": "submissions/acme/m/submission.yaml"},
        {"filename": "submissions/acme/m/README.md", "status": "copied"},
    )
    assert [str(p) for p in result.problems] == [
        "submissions/acme/m/README.md: previous_path: is missing for a copied file — pass GitHub's "
        "previous_filename"
    ]


def test_a_file_copied_from_another_folder_is_refused() -> None:
    result = scope(
        {"filename": "submissions/acme/m/submission.yaml"},
        {
            "filename": "submissions/acme/m/README.md",
            "status": "copied",
            "previous_filename": "submissions/skt/ax-k1/README.md",
        },
        existing=("skt/ax-k1",),
    )
    assert (
        "submissions/acme/m/README.md: previous_path: 'submissions/skt/ax-k1/README.md' is in another "
        "submission folder (skt/ax-k1); files may be copied only within one folder — add the file as new "
        "content instead of renaming or copying it from another folder"
    ) in [str(p) for p in result.problems]


def test_a_path_of_exactly_256_characters_is_not_too_long_and_257_is() -> None:
    at, over = "docs/" + "a" * 251, "docs/" + "a" * 252
    assert len(at) == 256 and len(over) == 257
    [outside] = scope({"filename": at}).problems
    assert outside.message == (
        "'docs/" + "a" * 114 + "… (256 characters) is outside submissions/; a submission pull request may "
        "change only its own folder"
    ), "256 characters are within the limit: only the placement is refused"
    [too_long] = scope({"filename": over}).problems
    shown = "'docs/" + "a" * 114 + "… (257 characters)"  # the path is shown cut, with its length
    assert (too_long.file, too_long.field) == (shown, "path")
    assert too_long.message == f"{shown} is 257 characters long; the limit is 256"
    assert too_long.fix == "use submissions/<org>/<model>/<file> with short names"


# --- boundaries found by mutation testing (benchmarks/mutation.py) ---------------------------


def test_a_value_shown_in_exactly_120_characters_is_not_cut() -> None:
    path = "docs/" + "a" * 113  # ascii() adds two quotes: 120 characters shown
    [outside] = scope({"filename": path}).problems
    assert outside.message.startswith(f"'{path}' is outside submissions/")
    [cut] = scope({"filename": path + "a"}).problems
    assert cut.message.startswith(f"'{path}a… (119 characters) is outside submissions/")  # no closing quote


def test_a_path_of_exactly_120_characters_names_itself_and_121_is_escaped() -> None:
    path = "docs/" + "a" * 115
    assert scope({"filename": path}).problems[0].file == path
    assert scope({"filename": path + "a"}).problems[0].file == "'docs/" + "a" * 114 + "… (121 characters)"


@pytest.mark.parametrize("path", ["submissions//m/submission.yaml", "submissions/org//submission.yaml"])
def test_an_empty_segment_after_the_first_or_before_the_last_is_named(path: str) -> None:
    problems = scope({"filename": path}).problems
    assert f"'{path}' has an empty segment ('//' or a trailing '/')" in [p.message for p in problems]


def test_a_field_of_the_wrong_type_says_what_was_expected() -> None:
    with pytest.raises(InputError) as info:
        parse_changed_files([{"filename": 3, "status": "added", "size": "3"}], "files.json")
    assert [str(p) for p in info.value.problems] == [
        "files.json: [0].filename: must be a string, not int",
        "files.json: [0].size: must be an integer, not str",
    ]


def test_a_file_list_over_64_mib_is_refused_before_it_is_read(tmp_path: Path) -> None:
    argv = command(tmp_path, [], "kaist-nlp")
    with (tmp_path / "files.json").open("wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)  # sparse: no 64 MiB written
    with pytest.raises(InputError, match=r"files\.json: is 67,108,865 bytes; the limit is 67,108,864"):
        run_cli(*argv)
