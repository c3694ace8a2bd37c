"""Every example in the README and the site's pages is checked, so the docs cannot drift.

Each YAML block (fenced ``yaml`` or ``yml``, plain or ``{ .yaml ... }``) must parse with
the same strict reader that reads submissions; one that looks like a manifest (it has
``schema_version``) must validate as a Manifest. JSON blocks must parse. The
pre-commit snippet must name a hook that ``.pre-commit-hooks.yaml`` defines, and the
``kleaderboard new`` example must write a folder that validates.
"""

from __future__ import annotations

import fnmatch
import io
import json
import re
import shlex
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from kleaderboard.checks.validate import validate_paths
from kleaderboard.cli.main import COMMANDS, main
from kleaderboard.submission import untrusted as safe_yaml
from kleaderboard.submission.manifest import Manifest, parse_manifest

ROOT = Path(__file__).parent.parent
DOCS = sorted([ROOT / "README.md", *(ROOT / "site_src").rglob("*.md")])
OPENING = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\n]*?)[ \t]*$")
YAML_LANGUAGES = {"yaml", "yml"}


@dataclass(frozen=True)
class Block:
    """One fenced code block: where it is, its language and its text (dedented)."""

    path: Path
    line: int
    language: str
    info: str
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def language_of(info: str) -> str:
    """'yaml' from 'yaml', 'yaml title="x"' or '{ .yaml title="x" }'."""
    if info.startswith("{"):
        found = re.search(r"\.([\w+-]+)", info)
        return found[1].lower() if found else ""
    return info.split()[0].lower() if info.split() else ""


def fenced_blocks(path: Path) -> list[Block]:
    """Every fenced block in a Markdown file, including those indented inside lists."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    number = 0
    while number < len(lines):
        opening = OPENING.match(lines[number])
        number += 1
        if not opening:
            continue
        fence, indent, start = opening["fence"], opening["indent"], number
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        while number < len(lines) and not closing.match(lines[number]):
            number += 1
        body = [line.removeprefix(indent) for line in lines[start:number]]
        info = opening["info"].strip()
        blocks.append(Block(path, start, language_of(info), info, textwrap.dedent("\n".join(body)) + "\n"))
        number += 1  # past the closing fence
    return blocks


BLOCKS = [block for doc in DOCS for block in fenced_blocks(doc)]
YAML_BLOCKS = [block for block in BLOCKS if block.language in YAML_LANGUAGES]
JSON_BLOCKS = [block for block in BLOCKS if block.language == "json"]


def load_yaml(block: Block) -> object:
    return safe_yaml.loads(block.text, Path(block.where))


def is_manifest(block: Block) -> bool:
    data = load_yaml(block)
    return isinstance(data, dict) and "schema_version" in data


# --- the fence reader itself ------------------------------------------------------------


def test_fence_reader_finds_plain_attribute_and_indented_blocks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "text\n\n```yaml\na: 1\n```\n\n- item\n\n    ```yml\n    b: 2\n    ```\n\n"
        '```{ .yaml title="x.yaml" }\nc: 3\n```\n\n````text\n```yaml\nnot: a block\n```\n````\n',
        encoding="utf-8",
    )
    found = [(b.language, b.text) for b in fenced_blocks(page)]
    assert found == [
        ("yaml", "a: 1\n"),
        ("yml", "b: 2\n"),
        ("yaml", "c: 3\n"),
        ("text", "```yaml\nnot: a block\n```\n"),
    ]


def test_the_docs_hold_the_examples_these_tests_are_about() -> None:
    assert any(is_manifest(block) for block in YAML_BLOCKS), "no manifest example found"
    assert any(block.info.find(".pre-commit-config.yaml") >= 0 for block in YAML_BLOCKS)
    assert JSON_BLOCKS, "the VS Code settings example is missing"


# --- every block ------------------------------------------------------------------------


@pytest.mark.parametrize("block", YAML_BLOCKS, ids=lambda b: b.where)
def test_every_yaml_block_parses_and_every_manifest_validates(block: Block) -> None:
    data = load_yaml(block)  # the strict reader: no duplicate keys, aliases or tags
    assert data is not None, f"{block.where}: empty YAML block"
    if isinstance(data, dict) and "schema_version" in data:
        assert isinstance(parse_manifest(data, block.where), Manifest)


@pytest.mark.parametrize("block", JSON_BLOCKS, ids=lambda b: b.where)
def test_every_json_block_parses(block: Block) -> None:
    json.loads(block.text)


# --- what the examples point at ---------------------------------------------------------


def hooks() -> list[dict[str, object]]:
    data = safe_yaml.load(ROOT / ".pre-commit-hooks.yaml")
    assert isinstance(data, list)
    return data


def test_pre_commit_hook_definition() -> None:
    (hook,) = hooks()
    assert hook["id"] == "kleaderboard-validate"
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    program, command = str(hook["entry"]).split()
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'{program} = "kleaderboard.cli.main:main"' in pyproject
    assert command in COMMANDS
    files = re.compile(str(hook["files"]))
    assert files.search("submissions/acme/acme-7b/submission.yaml")
    assert not files.search("submissions/acme/acme-7b/runs/20250601T100000Z-a1b2c3.json")
    assert files.search("submissions/acme/acme-7b/loss_log.csv")  # a commit may change it alone
    assert not files.search("tests/data/submissions/acme/acme-7b/submission.yaml")


def test_pre_commit_snippet_uses_a_hook_that_exists() -> None:
    defined = {hook["id"] for hook in hooks()}
    snippets = [load_yaml(b) for b in YAML_BLOCKS if ".pre-commit-config.yaml" in b.info]
    for config in snippets:
        assert isinstance(config, dict)
        used = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
        assert used <= defined


def test_every_schema_modeline_names_the_committed_schema() -> None:
    schema = ROOT / "schema" / "submission.schema.json"
    modelines = [
        (block.where, ref)
        for block in BLOCKS
        for ref in re.findall(r"yaml-language-server: \$schema=(\S+)", block.text)
    ]
    assert modelines
    for where, ref in modelines:
        assert ref.endswith("schema/submission.schema.json"), where
        if not ref.startswith("http"):  # relative to submissions/<org>/<model>/
            assert (ROOT / "submissions" / "org" / "model" / ref).resolve() == schema.resolve(), where


def test_vs_code_setting_points_at_the_schema_and_matches_submissions() -> None:
    for block in JSON_BLOCKS:
        settings = json.loads(block.text)
        for schema, pattern in settings.get("yaml.schemas", {}).items():
            assert (ROOT / schema).is_file(), block.where
            assert fnmatch.fnmatch("submissions/acme/acme-7b/submission.yaml", pattern), block.where


def new_commands() -> list[list[str]]:
    """Every `kleaderboard new ...` line in the docs' shell blocks, continuation lines joined."""
    found = []
    for block in BLOCKS:
        if block.language not in {"bash", "sh", "shell", "console"}:
            continue
        for command in block.text.replace("\\\n", " ").splitlines():
            words = shlex.split(command, comments=True)
            if words[:2] == ["kleaderboard", "new"]:
                found.append(words[2:])
    return found


def test_the_docs_show_kleaderboard_new() -> None:
    assert new_commands()


@pytest.mark.parametrize("argv", new_commands(), ids=lambda argv: argv[0] if argv else "")
def test_the_documented_kleaderboard_new_writes_a_valid_folder(
    argv: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # not a terminal: no prompts
    assert main(["new", *argv, "--submissions-dir", str(tmp_path / "submissions")]) == 0
    assert validate_paths([tmp_path / "submissions"]).ok
