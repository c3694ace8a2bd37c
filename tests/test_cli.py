"""The command line: thin, documented, and never a traceback for a user mistake."""

from __future__ import annotations

import argparse
import dataclasses
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import kleaderboard
from kleaderboard.cli.main import COMMANDS, OLD_NAMES, build_parser, main

DATA = Path(__file__).parent / "data" / "manifests"


def make_submission(root: Path, source: Path, org: str = "acme", model: str = "acme-7b") -> Path:
    folder = root / org / model
    folder.mkdir(parents=True)
    shutil.copy(source, folder / "submission.yaml")
    return folder


def test_validate_ok(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_submission(tmp_path, DATA / "valid" / "minimal.yaml")
    assert main(["validate", str(tmp_path)]) == 0
    assert "checked 1 submission(s): ok" in capsys.readouterr().err


def test_validate_prints_one_line_per_problem_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_submission(tmp_path, DATA / "invalid" / "unknown_top_key.yaml", "a", "one")
    make_submission(tmp_path, DATA / "invalid" / "branch_revision.yaml", "b", "two")
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr()
    lines = out.out.strip().splitlines()
    assert len(lines) == 3
    assert f"{tmp_path}/a/one/submission.yaml: licence: unknown key — Perhaps you meant 'license'?" in lines
    assert f"{tmp_path}/a/one/submission.yaml: license: is required — add `license:` " in lines[0]
    assert lines[2].startswith(f"{tmp_path}/b/two/submission.yaml: model.revision: 'main'")
    assert "checked 2 submission(s): 3 problem(s)" in out.err


def test_validate_checks_declared_loss_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_submission(tmp_path, DATA / "valid" / "full.yaml")
    assert main(["validate", str(folder)]) == 1
    assert "originality.loss_log: loss_log.csv does not exist" in capsys.readouterr().out
    (folder / "loss_log.csv").write_text("step,tokens_seen,loss,learning_rate\n1,10,x,0.1\n")
    assert main(["validate", str(folder)]) == 1
    assert "loss_log.csv: line 2, loss: 'x' is not a number" in capsys.readouterr().out


def test_validate_refuses_bad_folder_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    make_submission(tmp_path, DATA / "valid" / "minimal.yaml", "Acme Corp", "m")
    assert main(["validate", str(tmp_path)]) == 1
    assert "folder name 'Acme Corp' (org) is not a lowercase slug" in capsys.readouterr().out


def test_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "/no/such/place"]) == 1
    assert "/no/such/place: does not exist — check the path" in capsys.readouterr().out


def test_unknown_suite_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_submission(tmp_path, DATA / "valid" / "minimal.yaml")
    assert main(["evaluate", str(folder), "--suite", "nope"]) == 1
    assert "nope: suite: is not a known suite — use one of: " in capsys.readouterr().err


def test_pending_revision_cannot_be_evaluated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = make_submission(tmp_path, DATA / "valid" / "minimal.yaml")
    assert main(["evaluate", str(folder), "--suite", "demo"]) == 1
    assert "model.revision: is 'pending', so there is nothing fixed to evaluate" in capsys.readouterr().err


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help_with_an_example(command: str) -> None:
    parser = build_parser()
    sub = parser._subparsers._group_actions[0].choices[command]
    assert "example:\n  kleaderboard " + command in sub.format_help()


def readme_commands_section() -> str:
    text = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Commands\n", 1)[1]
    return section.split("\n## ", 1)[0]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_is_documented_in_the_readme(command: str) -> None:
    assert re.search(rf"^kleaderboard {re.escape(command)}\b", readme_commands_section(), re.MULTILINE), (
        f"README.md's Commands section shows no `kleaderboard {command} …` line"
    )


def test_old_names_are_hidden_from_help_but_named_in_the_readme() -> None:
    listing = build_parser().format_help()
    renamed = {"check-pr": "check-scope", "hub-check": "check-hub", "pr-check": "check-pull-request"}
    assert renamed == OLD_NAMES
    for old, new in OLD_NAMES.items():
        assert re.search(rf"^\s+{re.escape(new)}\b", listing, re.MULTILINE)
        assert not re.search(rf"\b{re.escape(old)}\b", listing)
        assert f"`{old}` is `{new}`" in " ".join(readme_commands_section().split())


ALIAS_ARGV = {
    "check-pr": ["--files", "f.json", "--author", "someone"],
    "hub-check": ["submissions/acme/acme-7b", "--max-parameters", "1e9"],
    "pr-check": ["--repo", "acme/leaderboard", "--pr", "12", "--sha", "a" * 40, "--no-hub"],
}


@pytest.mark.parametrize(("old", "new"), sorted(OLD_NAMES.items()))
def test_an_old_name_runs_the_same_command_with_a_note(
    old: str, new: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[dict[str, object]] = []

    def spy(args: argparse.Namespace) -> int:  # stands in for the command's one function
        seen.append({k: v for k, v in vars(args).items() if k != "called_as"})
        return 0

    original = COMMANDS[new]
    monkeypatch.setitem(COMMANDS, new, dataclasses.replace(original, run=spy))
    assert main([new, *ALIAS_ARGV[old]]) == 0
    assert capsys.readouterr().err == ""
    assert main([old, *ALIAS_ARGV[old]]) == 0
    assert len(seen) == 2 and seen[0] == seen[1]  # same function, same parsed arguments
    assert seen[1]["command"] == new
    assert capsys.readouterr().err == (
        f"kleaderboard: '{old}' is now called '{new}'; the old name still works for now — use the new one\n"
    )


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [("check-socpe", "check-scope"), ("hub-chek", "check-hub"), ("pr-chek", "check-pull-request")],
)
def test_an_unknown_command_suggests_the_closest_new_name(
    typed: str, suggested: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([typed])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert (
        f"unknown command '{typed}'; Perhaps you meant '{suggested}'? ('kleaderboard --help' lists them)"
        in err
    )
    assert all(old not in err.replace(typed, "") for old in OLD_NAMES)


def test_an_old_name_keeps_its_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through the real function: the same refusal, the same exit code, under either name."""
    (tmp_path / "files.json").write_text("[]", encoding="utf-8")
    (tmp_path / "OWNERS.yaml").write_text("", encoding="utf-8")
    argv = ["--files", str(tmp_path / "files.json"), "--author", "someone"]
    argv += ["--owners", str(tmp_path / "OWNERS.yaml"), "--submissions-dir", str(tmp_path)]
    assert main(["check-scope", *argv]) == 1
    new = capsys.readouterr()
    assert main(["check-pr", *argv]) == 1
    old = capsys.readouterr()
    assert old.out == new.out and "changes no files" in new.out
    assert "'check-pr' is now called 'check-scope'" in old.err


def test_console_script_runs_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "x" / "y"
    bad.mkdir(parents=True)
    (bad / "submission.yaml").write_bytes(b"team: \xc0\xc1")
    proc = subprocess.run(
        [sys.executable, "-m", "kleaderboard.cli.main", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert "is not valid UTF-8" in proc.stdout


def test_validate_never_imports_torch_or_lm_eval(tmp_path: Path) -> None:
    make_submission(tmp_path, DATA / "valid" / "minimal.yaml")
    code = (
        "import sys; from kleaderboard.cli.main import main; main(['validate', sys.argv[1]]); "
        "assert 'torch' not in sys.modules and 'lm_eval' not in sys.modules, 'heavy import'"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_public_api_is_sorted_and_complete() -> None:
    assert kleaderboard.__all__ == sorted(kleaderboard.__all__)
    public = {
        name
        for name in dir(kleaderboard)
        if not name.startswith("_") and not isinstance(getattr(kleaderboard, name), type(kleaderboard))
    }
    assert public == set(kleaderboard.__all__)


def test_vllm_on_cpu_is_refused_before_anything_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("lm_eval")
    folder = make_submission(tmp_path, DATA / "valid" / "full.yaml")
    (folder / "loss_log.csv").write_text("step,tokens_seen,loss,learning_rate\n1,10,5.0,0.1\n")
    code = main(["evaluate", str(folder), "--suite", "ko-global-v1", "--device", "cpu"])
    assert code == 1
    err = capsys.readouterr().err
    assert "--backend: vllm: suite ko-global-v1 runs on vLLM, which needs a CUDA GPU" in err
    assert not (folder / "runs").exists()


def test_validate_given_only_a_changed_loss_log_checks_its_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The pre-commit hook passes a commit's changed files: a commit may change loss_log.csv alone.
    import re

    folder = make_submission(tmp_path, DATA / "valid" / "full.yaml")
    (folder / "loss_log.csv").write_text("step,tokens_seen,loss\n1,10,x\n")
    assert main(["validate", str(folder / "loss_log.csv"), str(folder / "submission.yaml")]) == 1
    out = capsys.readouterr()
    assert "loss_log.csv: line 2, loss: 'x' is not a number" in out.out
    assert "checked 1 submission(s): 1 problem(s)" in out.err  # the folder once, not twice
    hook = (Path(__file__).parents[1] / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    pattern = re.search(r"^  files: (.+)$", hook, re.MULTILINE)
    assert pattern and re.search(pattern[1], "submissions/acme/acme-7b/loss_log.csv")
