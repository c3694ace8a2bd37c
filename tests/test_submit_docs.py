"""site_src/submit.md is a guide a team can follow alone: its exit codes, Hub rules, order,
importer formats and hook are the code's own (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from kleaderboard import errors
from kleaderboard.checks.hub import DEFAULT_MAX_PARAMETERS, PICKLE_SUFFIXES
from kleaderboard.submission.loss_sources import FIELDS, FORMATS

ROOT = Path(__file__).parents[1]
SUBMIT = (ROOT / "site_src" / "submit.md").read_text(encoding="utf-8")
MAINTAINERS = (ROOT / "site_src" / "maintainers.md").read_text(encoding="utf-8")


def section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_every_exit_code_is_documented_and_no_other() -> None:
    table = section(SUBMIT, "### 종료 코드 · Exit codes")
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)}

    def codes(cls: type[errors.KleaderboardError]) -> set[int]:
        return {cls.exit_code}.union(*(codes(sub) for sub in cls.__subclasses__()))

    # 0: success; 2: argparse's usage error; the rest: the one table in errors.py
    assert documented == {0, 2} | codes(errors.KleaderboardError)


def test_the_hub_rules_name_what_the_hub_check_refuses() -> None:
    rules = section(SUBMIT, "## Hub와 구조 규칙 · Hub and architecture rules")
    for suffix in PICKLE_SUFFIXES - {".pickle"}:
        assert f"`{suffix}`" in rules
    for words in ("auto_map", "`.py`", "gated", "40-hex", "safetensors", "trust_remote_code", "licence"):
        assert words in rules
    assert DEFAULT_MAX_PARAMETERS == 1.2e12 and "1.2 × 10^12" in rules
    assert rules.count("| ") >= 8 * 2  # every rule has its reason


def test_submit_and_maintainers_give_one_order_evaluation_before_merge() -> None:
    steps = section(SUBMIT, "## PR에서 일어나는 일 · What happens in the PR")
    assert steps.index("**평가 · Evaluation**") < steps.index("**병합 · Merge**")
    order = section(SUBMIT, "## 제출 순서 · Submission order")
    assert order.index("evaluates **the PR's commit**") < order.index("merges the team's PR")
    flow = section(MAINTAINERS, "## 흐름 · The flow")
    assert flow.index("evaluate (GPU)") < flow.index("merges both")


def test_every_import_format_and_field_is_documented() -> None:
    guide = section(SUBMIT, "## loss_log.csv")
    for fmt in FORMATS:
        assert f"| `{fmt}` |" in guide
    for field in FIELDS:
        assert f"`{field}`" in guide


def test_the_repositorys_own_hook_is_the_offered_one_and_covers_loss_logs() -> None:
    (offered,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (repo,) = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"]
    (local,) = repo["hooks"]
    assert repo["repo"] == "local"
    for key in ("id", "entry", "files", "pass_filenames"):
        assert local[key] == offered[key], key
    assert re.search(local["files"], "submissions/acme/acme-7b/loss_log.csv")
    assert f"files: {local['files']}" in SUBMIT
