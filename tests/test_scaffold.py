"""`kleaderboard new`: flags or prompts in, a folder that validates as it is out, never an overwrite."""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from kleaderboard.checks.validate import validate_paths
from kleaderboard.cli.main import build_parser
from kleaderboard.cli.submission import run_new
from kleaderboard.errors import InputError, ManifestError
from kleaderboard.submission import scaffold
from kleaderboard.submission.manifest import Manifest, Relation, load_manifest, parse_manifest

ROOT = Path(__file__).parent.parent

FLAGS = [
    "acme/acme-7b",
    "--hub-repo",
    "acme/Acme-7B",
    "--revision",
    "pending",
    "--team",
    "에이크미 연구소 Acme Lab",
    "--contact",
    "evals@acme.example",
    "--params-total",
    "7B",
    "--from-zero",
]


def parse(argv: list[str]) -> argparse.Namespace:
    return build_parser("new").parse_args(["new", *argv])


def run(argv: list[str], root: Path) -> int:
    return run_new(parse([*argv, "--submissions-dir", str(root / "submissions")]))


class FakeTerminal(io.StringIO):
    """Typed answers, one per line, from a stdin that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class NotATerminal(io.StringIO):
    def isatty(self) -> bool:
        return False


@pytest.fixture
def no_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", NotATerminal(""))


def typed(monkeypatch: pytest.MonkeyPatch, *answers: str) -> None:
    monkeypatch.setattr(sys, "stdin", FakeTerminal("".join(f"{a}\n" for a in answers)))


# --- the flags path ---------------------------------------------------------------------


@pytest.mark.usefixtures("no_terminal")
def test_flags_write_a_folder_that_validates_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(FLAGS, tmp_path) == 0
    path = tmp_path / "submissions" / "acme" / "acme-7b" / "submission.yaml"
    manifest = load_manifest(path)
    assert manifest.model.hub_repo == "acme/Acme-7B"
    assert manifest.model.name == "Acme-7B"
    assert manifest.model.pending
    assert manifest.model.parameters.total == 7_000_000_000
    assert manifest.team.name == "에이크미 연구소 Acme Lab"
    assert manifest.originality.weights_initialised_from_zero is True
    assert [c.relation for c in manifest.originality.components] == [Relation.trained_from_zero]
    assert validate_paths([tmp_path / "submissions"]).ok
    out = capsys.readouterr().out
    assert f"created {path.as_posix()}" in out
    assert "next steps" in out
    assert "replace pending with the 40-hex commit" in out
    assert f"kleaderboard validate {path.parent.as_posix()}" in out


@pytest.mark.usefixtures("no_terminal")
def test_every_optional_section_is_present_as_a_comment(tmp_path: Path) -> None:
    run(FLAGS, tmp_path)
    text = (tmp_path / "submissions/acme/acme-7b/submission.yaml").read_text(encoding="utf-8")
    for key in (
        "sources:",
        "precision:",
        "active:",
        "context_length:",
        "vocab_size:",
        "modes:",
        "chat_template:",
        "claim_source:",
        "innovations:",
        "technical_report:",
        "loss_log:",
        "cost:",
        "training:",
        "serving:",
        "self_reported:",
    ):
        assert re.search(rf"^ *# +(- )?{key}", text, re.M), key
    assert yaml.safe_load(text).keys() == {
        "schema_version",
        "entered_by",
        "team",
        "model",
        "license",
        "originality",
    }


def test_uncommenting_every_optional_key_still_validates_and_covers_every_field() -> None:
    answers = scaffold.Answers(
        org="acme",
        model="acme-moe",
        hub_repo="acme/Acme-MoE",
        revision="0123456789abcdef0123456789abcdef01234567",
        team="Acme",
        contact="https://acme.example",
        params_total=32_000_000_000,
        from_zero=True,
    )
    text = scaffold.render_manifest(answers, include_optional=True)
    manifest = parse_manifest(yaml.safe_load(text), "template")
    assert set(manifest.model_fields_set) == set(Manifest.model_fields)
    assert set(manifest.model.model_fields_set) == set(type(manifest.model).model_fields) - {"local_path"}
    assert set(manifest.originality.model_fields_set) == set(type(manifest.originality).model_fields)


def test_commented_template_uncomments_by_removing_one_marker_per_line() -> None:
    """What a team does by hand: drop the first '# ' of each commented key below the header."""
    answers = scaffold.Answers("a", "b", "a/B", "pending", "T", "c", 10**9, from_zero=False, base_model="x/y")
    lines = scaffold.render_manifest(answers).splitlines()
    body = lines[next(i for i, line in enumerate(lines) if line.startswith("schema_version")) :]
    uncommented = [line.replace("# ", "", 1) if line.lstrip().startswith("# ") else line for line in body]
    expected = yaml.safe_load(scaffold.render_manifest(answers, include_optional=True))
    assert yaml.safe_load("\n".join(uncommented)) == expected
    assert parse_manifest(expected, "template").originality.weights_initialised_from_zero is False


@pytest.mark.usefixtures("no_terminal")
def test_not_from_zero_records_where_the_weights_came_from(tmp_path: Path) -> None:
    argv = [*FLAGS[:-1], "--not-from-zero", "--base-model", "meta-llama/Llama-3.1-8B", "--license", "MIT"]
    assert run(argv, tmp_path) == 0
    manifest = load_manifest(tmp_path / "submissions/acme/acme-7b/submission.yaml")
    assert manifest.originality.weights_initialised_from_zero is False
    (component,) = manifest.originality.components
    assert component.relation is Relation.initialised_from
    assert component.origin.model == "meta-llama/Llama-3.1-8B"
    assert manifest.license == "MIT"


@pytest.mark.usefixtures("no_terminal")
def test_without_a_terminal_every_missing_or_bad_value_is_reported_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        run(["Acme/Acme 7B", "--hub-repo", "not a repo", "--params-total", "lots"], tmp_path)
    text = str(info.value)
    assert "kleaderboard new: ORG/MODEL: 'Acme/Acme 7B' is not <org>/<model>" in text
    assert "e.g. acme/acme-7b" in text
    assert "kleaderboard new: --hub-repo: 'not a repo' is not a Hugging Face repo id" in text
    assert "kleaderboard new: --params-total: 'lots' is not a count" in text
    for flag in ("--revision", "--team", "--contact", "--from-zero/--not-from-zero"):
        assert f"kleaderboard new: {flag}: is required — add {flag}" in text
    assert info.value.exit_code == 1
    assert not (tmp_path / "submissions").exists()


@pytest.mark.usefixtures("no_terminal")
def test_not_from_zero_needs_the_base_model(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"--base-model: is required — add --base-model"):
        run([*FLAGS[:-1], "--not-from-zero"], tmp_path)


@pytest.mark.usefixtures("no_terminal")
def test_the_manifest_model_checks_the_text_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="active parameters exceed total parameters"):
        run([*FLAGS, "--params-active", "8B"], tmp_path)
    assert not (tmp_path / "submissions" / "acme").exists()


# --- never overwrite --------------------------------------------------------------------


@pytest.mark.usefixtures("no_terminal")
def test_an_existing_folder_is_refused_and_left_untouched(tmp_path: Path) -> None:
    folder = tmp_path / "submissions" / "acme" / "acme-7b"
    folder.mkdir(parents=True)
    (folder / "submission.yaml").write_text("team's own work\n", encoding="utf-8")
    (folder / "loss_log.csv").write_text("step\n", encoding="utf-8")
    with pytest.raises(InputError, match="already exists; kleaderboard new never overwrites"):
        run(FLAGS, tmp_path)
    assert (folder / "submission.yaml").read_text(encoding="utf-8") == "team's own work\n"
    assert sorted(p.name for p in folder.iterdir()) == ["loss_log.csv", "submission.yaml"]


@pytest.mark.usefixtures("no_terminal")
def test_an_existing_empty_folder_is_refused_too(tmp_path: Path) -> None:
    (tmp_path / "submissions" / "acme" / "acme-7b").mkdir(parents=True)
    with pytest.raises(InputError, match="already exists"):
        run(FLAGS, tmp_path)


@pytest.mark.usefixtures("no_terminal")
def test_a_second_run_does_not_replace_the_first(tmp_path: Path) -> None:
    assert run(FLAGS, tmp_path) == 0
    path = tmp_path / "submissions/acme/acme-7b/submission.yaml"
    first = path.read_bytes()
    with pytest.raises(InputError, match="already exists"):
        run([*FLAGS, "--license", "MIT"], tmp_path)
    assert path.read_bytes() == first


# --- the prompt path --------------------------------------------------------------------


def test_a_terminal_is_asked_for_each_missing_value_in_korean_and_english(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed(
        monkeypatch,
        "acme/acme-7b",
        "acme/Acme-7B",
        "",  # revision: Enter takes the default, pending
        "Acme Lab",
        "evals@acme.example",
        "7,000,000,000",
        "y",
    )
    assert run([], tmp_path) == 0
    out = capsys.readouterr().out
    for prompt in (
        "제출 폴더 <org>/<model> (소문자) · submission folder <org>/<model> (lowercase): ",
        "Hugging Face 저장소 (owner/name) · Hugging Face repo (owner/name): ",
        "평가할 40자리 커밋 id, 모르면 pending · 40-hex commit to evaluate, or pending [pending]: ",
        "사이트에 표시할 팀 이름 · team name shown on the site: ",
        "연락처 (전자우편 또는 URL) · contact (e-mail address or URL): ",
        "전체 매개변수 수 (예: 7000000000 또는 7B) · total parameters (e.g. 7000000000 or 7B): ",
        "가중치를 무작위 초기화에서 학습했습니까? (y/n) · weights trained from random initialisation? (y/n)",
    ):
        assert prompt in out
    manifest = load_manifest(tmp_path / "submissions/acme/acme-7b/submission.yaml")
    assert manifest.model.revision == "pending"
    assert manifest.model.parameters.total == 7_000_000_000
    assert manifest.originality.weights_initialised_from_zero is True


def test_a_terminal_asks_only_for_what_the_flags_left_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed(monkeypatch, "evals@acme.example")
    argv = [a for a in FLAGS if a not in ("--contact", "evals@acme.example")]
    assert run(argv, tmp_path) == 0
    out = capsys.readouterr().out
    assert "contact (e-mail address or URL)" in out
    assert "Hugging Face repo (owner/name)" not in out


def test_a_wrong_answer_is_explained_and_asked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [*FLAGS[:-1], "--not-from-zero", "--hub-repo", "bad repo!"]
    typed(monkeypatch, "acme/Acme-7B", "not a repo", "meta-llama/Llama-3.1-8B")
    assert run(argv, tmp_path) == 0
    captured = capsys.readouterr()
    assert "'bad repo!' is not a Hugging Face repo id" in captured.err  # the flag's own mistake
    assert "'not a repo' is not a Hugging Face repo id" in captured.err
    assert captured.out.count("model the weights started from (owner/name): ") == 2
    manifest = load_manifest(tmp_path / "submissions/acme/acme-7b/submission.yaml")
    assert manifest.model.hub_repo == "acme/Acme-7B"
    assert manifest.originality.components[0].origin.model == "meta-llama/Llama-3.1-8B"


def test_no_to_from_zero_asks_for_the_base_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    typed(monkeypatch, "아니요", "upstream/base")
    assert run(FLAGS[:-1], tmp_path) == 0
    assert "model the weights started from" in capsys.readouterr().out
    manifest = load_manifest(tmp_path / "submissions/acme/acme-7b/submission.yaml")
    assert manifest.originality.weights_initialised_from_zero is False


def test_input_that_ends_before_an_answer_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    typed(monkeypatch, "acme/acme-7b")
    with pytest.raises(InputError, match=r"--hub-repo: no answer \(input ended\) — give --hub-repo"):
        run([], tmp_path)
    assert not (tmp_path / "submissions").exists()


def test_ctrl_c_at_a_prompt_cancels_without_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(prompt: str) -> str:
        raise KeyboardInterrupt

    args = parse(["acme/acme-7b", "--submissions-dir", str(tmp_path / "submissions")])
    with pytest.raises(InputError, match="--hub-repo: cancelled; nothing was written"):
        scaffold.resolve(vars(args), interrupted)
    assert not (tmp_path / "submissions").exists()


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")
def test_a_real_pseudo_terminal_gets_the_prompts(tmp_path: Path) -> None:
    """The real isatty() check and input(), in a child process whose stdin is a pty."""
    program = textwrap.dedent(
        """
        import sys
        from kleaderboard.cli.main import main
        sys.exit(main(["new", *sys.argv[1:]]))
        """
    )
    leader, follower = os.openpty()
    answers = "acme/acme-7b\nacme/Acme-7B\npending\nAcme\nevals@acme.example\n7B\ny\n"
    os.write(leader, answers.encode())
    try:
        done = subprocess.run(
            [sys.executable, "-c", program, "--submissions-dir", str(tmp_path / "submissions")],
            stdin=follower,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
        os.close(leader)
    assert done.returncode == 0, done.stderr
    assert "submission folder <org>/<model> (lowercase): " in done.stdout
    assert load_manifest(tmp_path / "submissions/acme/acme-7b/submission.yaml").model.name == "Acme-7B"


# --- pieces -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [("7000000000", 7_000_000_000), ("7B", 7_000_000_000), ("1.5T", 1_500_000_000_000), ("560m", 560_000_000),
     ("20.73B", 20_730_000_000), ("7_000", 7000), ("1,024", 1024)],
)  # fmt: skip
def test_parameter_counts_read_the_way_cards_write_them(text: str, count: int) -> None:
    assert scaffold.parse_count(text) == count


@pytest.mark.parametrize("text", ["0", "-1", "1.5", "7Q", "", "B"])
def test_bad_parameter_counts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        scaffold.parse_count(text)


@pytest.mark.parametrize("text", ["plain", "Acme: Lab", "#1 team", "yes", "123", "'quoted'", "a: b # c"])
def test_text_values_read_back_unchanged(text: str) -> None:
    assert yaml.safe_load(f"k: {scaffold._scalar(text)}") == {"k": text}


def test_the_schema_modeline_points_at_the_committed_schema(tmp_path: Path) -> None:
    folder = ROOT / "submissions" / "acme" / "acme-7b"
    ref = scaffold.schema_reference(folder, ROOT / "submissions")
    assert ref == "../../../schema/submission.schema.json"
    assert (folder / ref).resolve() == (ROOT / "schema" / "submission.schema.json").resolve()
    assert scaffold.schema_reference(tmp_path / "s" / "a" / "b", tmp_path / "s") is None
