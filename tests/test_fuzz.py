"""Property-based fuzzing of the readers of team-written files.

Whatever bytes a pull request holds, ``load_manifest`` returns a Manifest or raises
ManifestError, and ``parse_loss_log`` returns a LossLog or raises LossLogError; every
problem names the file and says something. No other exception, ever.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import string
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kleaderboard.checks.evidence import loss_log_findings
from kleaderboard.errors import LossLogError, ManifestError
from kleaderboard.submission.loss_log import COLUMNS, MAX_PROBLEMS, LossLog, parse_loss_log
from kleaderboard.submission.manifest import Manifest, load_manifest, parse_manifest

DATA = Path(__file__).parent / "data"
VALID = [
    yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((DATA / "manifests/valid").glob("*.yaml"))
]
FUZZ = settings(
    max_examples=200,
    deadline=None,  # a 2-core CI runner stalls now and then; the bound below is on the whole test
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# --- manifests -------------------------------------------------------------------------

YAML_FRAGMENTS = [
    *("schema_version", "team", "model", "name", "originality", "components", "cost", "license"),
    *(":", ": ", "\n", "\n  ", "\n    ", "- ", "[", "]", "{", "}", ", ", "? ", "|", ">"),
    *("&a ", "*a", "<<: ", "!!", "!!binary ", "!!python/object/apply:os.system ", "!!set ", "!x "),
    *("---\n", "...\n", "%YAML 1.1\n", "%TAG !e! tag:e:\n", "# c\n", "'", '"', "\\u", "\t"),
    *("1", "-5", "1.5", "1e999", ".nan", ".inf", "0x1F", "1_000", "9" * 120, "2026-13-01", "2026-01-01"),
    *("true", "yes", "on", "null", "~", "", "\ufeff", "\x00", "\x07", "é", "한국어", "\u202e", "\U0001f600"),
]
yamlish = st.lists(st.sampled_from(YAML_FRAGMENTS) | st.text(max_size=4), max_size=80).map("".join)
KEYS = ["team", "name", "yes", "1", "~", "<<", "? [a]", "{a: 1}", "'q'", "*a", "&a k", "2026-01-01", "é"]
VALUES_TEXT = [
    *("x", "1", "", "[a, b]", "{a: 1}", "&a [1]", "*a", "!!int abc", "!!bool maybe", "!!int", "!!float x"),
    *("!!timestamp soon", "!!binary aGk=", "!!python/name:os.system", "!!set {a}", "!x y", "2026-13-01"),
    *("2026-02-30", "9" * 5000, "1e999", ".nan", "'unclosed", '"\\ud800"', "|\n  block", "\x07", "\t1"),
]
yaml_lines = st.lists(
    st.tuples(
        st.sampled_from(["", "  ", "    ", "- ", "\t"]), st.sampled_from(KEYS), st.sampled_from(VALUES_TEXT)
    ),
    max_size=12,
).map(lambda lines: "".join(f"{indent}{key}: {value}\n" for indent, key, value in lines))


def assert_manifest_outcome(path: Path) -> Manifest | None:
    """load_manifest either returns a Manifest or raises a well-formed ManifestError."""
    try:
        return load_manifest(path)
    except ManifestError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.file == str(path)
            assert problem.message.strip()
        return None


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "submission.yaml"


@FUZZ
@given(text=yamlish)
def test_yamlish_text_never_escapes_as_another_exception(scratch: Path, text: str) -> None:
    scratch.write_bytes(text.encode("utf-8", "surrogatepass"))
    assert_manifest_outcome(scratch)


@FUZZ
@given(text=yaml_lines)
def test_yaml_lines_never_escape_as_another_exception(scratch: Path, text: str) -> None:
    scratch.write_text(text, encoding="utf-8")
    assert_manifest_outcome(scratch)


VALID_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((DATA / "manifests/valid").glob("*.yaml"))]


@FUZZ
@given(data=st.data())
def test_valid_manifest_text_with_spliced_fragments(scratch: Path, data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(VALID_TEXTS))
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        at = data.draw(st.integers(min_value=0, max_value=len(text)))
        cut = data.draw(st.integers(min_value=0, max_value=8))
        piece = data.draw(st.sampled_from(YAML_FRAGMENTS + VALUES_TEXT + KEYS))
        text = text[:at] + piece + text[at + cut :]
    scratch.write_text(text, encoding="utf-8", errors="surrogatepass")
    assert_manifest_outcome(scratch)


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes_never_escape_as_another_exception(scratch: Path, data: bytes) -> None:
    scratch.write_bytes(data)
    assert_manifest_outcome(scratch)


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.dates(min_value=dt.date(1900, 1, 1))
    | st.sampled_from(
        ["own", "pending", "base", "moe", "other", "team", "maintainers", "o/m", "https://x.org"]
    )
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _containers(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every dict and list in the data, the root included."""
    found = [path] if isinstance(node, dict | list) else []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, child in items:
        found += _containers(child, (*path, key))
    return found


def _at(node: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        node = node[key]
    return node


def _mutate(data: Any, draw: st.DataObject) -> None:
    """One random change at a random place: drop, retype, insert an unknown key, or misspell."""
    holder = _at(data, draw.draw(st.sampled_from(_containers(data))))
    keys = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
    action = draw.draw(st.sampled_from(["drop", "retype", "insert", "misspell"]))
    if action == "insert" or not keys:
        if isinstance(holder, dict):
            holder[draw.draw(st.text(max_size=12))] = draw.draw(VALUES)
        else:
            holder.append(draw.draw(VALUES))
        return
    key = draw.draw(st.sampled_from(keys))
    if action == "drop":
        del holder[key]
    elif action == "retype" or not isinstance(key, str):
        holder[key] = draw.draw(VALUES)
    else:
        at = draw.draw(st.integers(min_value=0, max_value=len(key)))
        holder[key[:at] + draw.draw(st.sampled_from(string.ascii_lowercase)) + key[at + 1 :]] = holder.pop(
            key
        )


@FUZZ
@given(data=st.data())
def test_mutated_valid_manifests_load_or_fail_cleanly(scratch: Path, data: st.DataObject) -> None:
    manifest = copy.deepcopy(data.draw(st.sampled_from(VALID)))
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        _mutate(manifest, data)
    scratch.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    assert_manifest_outcome(scratch)
    try:  # the same data straight to the model, including what YAML could not spell
        parse_manifest(manifest, scratch)
    except ManifestError as exc:
        assert all(p.file == str(scratch) and p.message.strip() for p in exc.problems)


def test_alias_bombs_are_refused_fast(tmp_path: Path) -> None:
    # A safety check, not a benchmark: expanded, this bomb would hold 10^30 strings.
    bomb = tmp_path / "submission.yaml"
    bomb.write_text(
        'a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
        + "".join(f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 30)),
        encoding="utf-8",
    )
    for path in (
        bomb,
        DATA / "manifests/invalid/alias_bomb.yaml",
        DATA / "manifests/invalid/alias_bomb_laughs.yaml",
    ):
        start = time.perf_counter()
        with pytest.raises(ManifestError, match="anchors and aliases"):
            load_manifest(path)
        assert time.perf_counter() - start < 1.0


# --- loss logs -------------------------------------------------------------------------

CELLS = (
    st.integers(min_value=-(10**20), max_value=10**20).map(str)
    | st.floats(allow_nan=True, allow_infinity=True).map(repr)
    | st.sampled_from(["", " ", "nan", "inf", "-0", "1e-4", "1_0", "１", '"3"', "0x10", "9" * 30])
    | st.text(max_size=5)
)
HEADERS = st.sampled_from(
    [
        "step,tokens_seen,loss,learning_rate",
        ",".join(COLUMNS),
        "step,tokens_seen,loss",
        "loss,step,learning_rate,tokens_seen,grad_norm",
        "step;tokens_seen;loss;learning_rate",
        "\ufeffstep,tokens_seen,loss,learning_rate",
        "",
    ]
) | st.lists(st.sampled_from([*COLUMNS, "Step", "", "x"]), max_size=7).map(",".join)
NEWLINES = st.sampled_from(["\n", "\r\n", "\r"])


@st.composite
def csv_texts(draw: st.DrawFn) -> str:
    newline = draw(NEWLINES)
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=7).map(",".join), max_size=12))
    return newline.join([draw(HEADERS), *rows]) + draw(st.sampled_from(["", newline]))


def assert_loss_log_outcome(text: str) -> LossLog | None:
    try:
        log = parse_loss_log(text, "fuzz/loss_log.csv")
    except LossLogError as exc:
        assert 0 < len(exc.problems) <= MAX_PROBLEMS + 1
        assert all(p.file == "fuzz/loss_log.csv" and p.message.strip() and p.field for p in exc.problems)
        return None
    assert log.points
    for before, after in zip(log.points, log.points[1:], strict=False):
        assert after.step > before.step and after.tokens_seen >= before.tokens_seen
    for point in log.points:
        values = [point.loss, point.learning_rate or 0.0, point.grad_norm or 0.0, point.eval_loss or 0.0]
        assert all(math.isfinite(v) and v >= 0 for v in values)
    return log


@FUZZ
@given(text=csv_texts())
def test_random_csv_never_escapes_as_another_exception(text: str) -> None:
    assert_loss_log_outcome(text)


@FUZZ
@given(text=st.text(alphabet=st.sampled_from(list('0123456789.,-+e\n\r" ;naif\t_x')), max_size=200))
def test_csv_noise_never_escapes_as_another_exception(text: str) -> None:
    assert_loss_log_outcome("step,tokens_seen,loss,learning_rate\n" + text)


rows = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=10**6),
        st.integers(min_value=0, max_value=10**15),
        st.floats(min_value=0, max_value=1000),
    ),
    min_size=1,
    max_size=20,
    unique_by=lambda r: r[0],
)


@FUZZ
@given(
    points=rows,
    vocab=st.none() | st.integers(min_value=1, max_value=10**7),
    tokens=st.none() | st.integers(min_value=1, max_value=10**40),
    zero=st.booleans(),
)
def test_findings_describe_any_valid_log(points: list[Any], vocab: Any, tokens: Any, zero: bool) -> None:
    points = sorted(points)
    steady = [(s, max(t for _, t, _ in points[: i + 1]), loss) for i, (s, _, loss) in enumerate(points)]
    text = "step,tokens_seen,loss,learning_rate\n" + "".join(f"{s},{t},{x!r},0.0\n" for s, t, x in steady)
    log = assert_loss_log_outcome(text)
    assert log is not None
    manifest = parse_manifest(VALID[0], "m.yaml")
    manifest = manifest.model_copy(
        update={
            "model": manifest.model.model_copy(update={"vocab_size": vocab}),
            "originality": manifest.originality.model_copy(update={"weights_initialised_from_zero": zero}),
            "cost": manifest.cost.model_copy(
                update={"training": manifest.cost.training.model_copy(update={"tokens": tokens})}
            ),
        }
    )
    findings = loss_log_findings(manifest, log)
    assert len(findings) == (5 if zero else 4)
    for finding in findings:
        assert finding.sentence_en and finding.sentence_ko and finding.observed
        assert finding.compared == (finding.gap != "—")
