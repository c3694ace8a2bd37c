"""The one bounded reader for untrusted files: links, odd files, size caps and deep nesting."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kleaderboard.errors import InputError, LossLogError, RunRecordError
from kleaderboard.github.record_intake import check_untrusted_record
from kleaderboard.submission import untrusted
from kleaderboard.submission.tree import read_record

DEEP = "[" * 100_000


def _file(tmp_path: Path, content: bytes, name: str = "data.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def test_a_link_is_refused_not_followed(tmp_path: Path) -> None:
    target = _file(tmp_path, b"{}")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    with pytest.raises(
        InputError,
        match=r"link\.json: is not a regular file: it is a symbolic link \(links are never followed\) "
        "— give the path of a plain file",
    ):
        untrusted.read_bytes(link)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this system")
def test_a_fifo_is_refused_without_being_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)  # opening it for reading would block: the reader must not open it at all
    with pytest.raises(InputError, match=r"pipe\.json: is not a regular file: it is a named pipe \(FIFO\)"):
        untrusted.load_json(fifo)


def test_a_folder_and_a_missing_file_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is not a regular file: it is a folder"):
        untrusted.read_text(tmp_path)
    with pytest.raises(InputError, match=r"absent\.yaml: cannot be read \(No such file or directory\)"):
        untrusted.load(tmp_path / "absent.yaml")


def test_a_file_at_the_cap_is_read_and_one_byte_more_is_refused(tmp_path: Path) -> None:
    assert untrusted.read_bytes(_file(tmp_path, b"x" * 100), max_bytes=100) == b"x" * 100
    with pytest.raises(InputError, match=r"data\.json: is 101 bytes; the limit is 100 — keep the file small"):
        untrusted.read_bytes(_file(tmp_path, b"x" * 101), max_bytes=100)


def test_the_default_cap_is_max_bytes(tmp_path: Path) -> None:
    assert untrusted.MAX_BYTES == 256 * 1024
    assert len(untrusted.read_bytes(_file(tmp_path, b"x" * untrusted.MAX_BYTES))) == untrusted.MAX_BYTES
    with pytest.raises(InputError, match="is 262,145 bytes; the limit is 262,144"):
        untrusted.read_bytes(_file(tmp_path, b"x" * (untrusted.MAX_BYTES + 1)))


def test_a_file_that_grows_while_read_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _file(tmp_path, b"x" * 100)
    real_lstat = os.lstat

    def lstat_then_grow(target: os.PathLike[str] | str) -> os.stat_result:
        seen = real_lstat(target)
        with open(target, "ab") as handle:  # a writer appends between the size check and the read
            handle.write(b"y" * 50)
        return seen

    monkeypatch.setattr(untrusted.os, "lstat", lstat_then_grow)
    with pytest.raises(InputError, match=r"data\.json: grew past 120 bytes while being read"):
        untrusted.read_bytes(path, max_bytes=120)


def test_a_caller_chooses_the_error_class(tmp_path: Path) -> None:
    with pytest.raises(LossLogError, match="cannot be read"):
        untrusted.read_text(tmp_path / "loss_log.csv", error=LossLogError)


def test_deeply_nested_json_is_an_input_error_not_a_recursion_error(tmp_path: Path) -> None:
    path = _file(tmp_path, DEEP.encode(), "config.json")
    with pytest.raises(
        InputError,
        match=r"config\.json: line 1, column 21: nesting deeper than 20 levels — flatten the structure",
    ):
        untrusted.load_json(path)


def test_json_nesting_up_to_the_limit_is_read_and_brackets_in_strings_do_not_count(tmp_path: Path) -> None:
    depth = untrusted.MAX_DEPTH
    assert untrusted.loads_json(("[" * depth + "]" * depth).encode(), "x.json") == _nested(depth)
    with pytest.raises(InputError, match="nesting deeper than 20 levels"):
        untrusted.loads_json(("[" * (depth + 1) + "]" * (depth + 1)).encode(), "x.json")
    text = '{"a": "' + "[{" * 1000 + '\\"[", "b": [1]}'
    assert untrusted.loads_json(text.encode(), "x.json") == {"a": "[{" * 1000 + '"[', "b": [1]}


def _nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_deeply_nested_yaml_is_an_input_error(tmp_path: Path) -> None:
    path = _file(tmp_path, DEEP.encode(), "submission.yaml")
    with pytest.raises(InputError, match=r"submission\.yaml: line 1, .*nesting deeper than 20 levels"):
        untrusted.load(path)


def test_strict_json_refuses_what_python_would_accept(tmp_path: Path) -> None:
    for text, message in (
        (b'{"a": 1, "a": 2}', "duplicate key"),
        (b"[NaN]", "NaN is not a number JSON allows"),
    ):
        with pytest.raises(InputError, match=message):
            untrusted.loads_json(text, "x.json")
    assert untrusted.loads_json(b'{"a": 1, "a": 2}', "x.json", strict=False) == {"a": 2}


def test_what_python_cannot_convert_is_an_input_error() -> None:
    with pytest.raises(InputError, match=r"x\.json: is not acceptable JSON \(Exceeds the limit"):
        untrusted.loads_json(b"[" + b"9" * 5000 + b"]", "x.json", strict=False)


def test_json_syntax_and_encoding_errors_name_the_place(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"x\.json: line 2, column 1: is not valid JSON \(Expecting value\)"):
        untrusted.loads_json(b"[1,\n]", "x.json")
    with pytest.raises(InputError, match=r"x\.json: line 1, byte 1: is not valid UTF-8"):
        untrusted.loads_json(b'"\xff"', "x.json")


def test_run_records_are_read_through_the_bounded_reader(tmp_path: Path) -> None:
    path = _file(tmp_path, DEEP.encode(), "run.json")
    with pytest.raises(RunRecordError, match="nesting deeper than 20 levels"):
        read_record(path)
    with pytest.raises(RunRecordError, match="nesting deeper than 20 levels"):
        check_untrusted_record(path, "org/model")
    link = tmp_path / "link.json"
    link.symlink_to(path)
    with pytest.raises(RunRecordError, match="is not a regular file: it is a symbolic link"):
        read_record(link)


# --- the quick YAML reader: it vouches for a document, or leaves it to the full check ------

# YAML pieces, plain and tricky: aliases, anchors, tags, merge keys, keys YAML reads as other
# types, duplicates, flow style, quotes, nesting, second documents, bad scalars, comments
_KEYS = ["a", "b", "name", "'yes'", "yes", "1", "null", "<<", '"a"', "? a", "~", "a b", "=", "*x", "&k c"]
_SCALARS = [
    "1",
    "x",
    "'x'",
    "true",
    "no",
    "~",
    "2026-01-31",
    "2026-13-01",
    "1_000",
    "0x1f",
    "1e3",
    "=",
    "'!'",
]
_SCALARS += [
    "&x v",
    "*x",
    "!!str 5",
    "! 5",
    "!!python/name:os.system",
    "!!binary aGk=",
    "!!set {a}",
    "[]",
    "{}",
    "[1, *x]",
    "{a: 1, a: 2}",
]
_SCALARS += [
    "{<<: *x}",
    "|\n  two\n  lines",
    '"\\t tab"',
    "12345678901234567890123456789012345678901234567890" * 3,
]


@st.composite
def _yaml_texts(draw: st.DrawFn) -> str:
    def block(depth: int) -> list[str]:
        lines = []
        for _ in range(draw(st.integers(1, 4))):
            key = draw(st.sampled_from(_KEYS))
            if depth < 3 and draw(st.booleans()):
                inner = block(depth + 1)
                if draw(st.booleans()):
                    lines += [f"{key}:"] + ["  " + line for line in inner]
                else:
                    lines += [f"{key}:"] + [
                        f"  - {line}" if i == 0 else f"    {line}" for i, line in enumerate(inner)
                    ]
            else:
                lines.append(f"{key}: {draw(st.sampled_from(_SCALARS))}")
        return lines

    text = "\n".join(block(0))
    ending = draw(st.sampled_from(["", "\n", "\n---\nb: 1\n", "\n# a comment\n", "\n...\n", "\n---\n"]))
    return draw(st.sampled_from(["", "---\n", "%YAML 1.1\n---\n"])) + text + ending


def _full(text: str) -> object:
    untrusted._check_events(text)
    return untrusted.yaml.load(text, Loader=untrusted._Loader)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(_yaml_texts())
def test_the_quick_reader_vouches_only_for_what_the_full_check_accepts(text):
    try:
        quick = untrusted._quick_load(text)
    except untrusted._Unsure:
        return  # the full check reads it, as before
    assert quick == _full(text)  # accepted there too (it raises otherwise), the same value


def test_the_quick_reader_reads_plain_documents_and_leaves_tricks_to_the_full_check():
    assert untrusted._quick_load("a: 1\nb: [x, 'y']\nc: {d: 2026-01-31}\n") == {
        "a": 1,
        "b": ["x", "y"],
        "c": {"d": __import__("datetime").date(2026, 1, 31)},
    }
    deep = (
        "".join(f"{'  ' * i}k{i}:\n" for i in range(untrusted.MAX_DEPTH))
        + "  " * untrusted.MAX_DEPTH
        + "v: 1\n"
    )
    for tricky in (
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "<<: {a: 1}\n",
        "yes: 1\n",
        "a: 1\na: 2\n",
        "a: 1\n---\nb: 2\n",
    ):
        with pytest.raises(untrusted._Unsure):
            untrusted._quick_load(tricky)
    with pytest.raises(untrusted._Unsure):
        untrusted._quick_load(deep)
    untrusted._quick_load(deep.replace("  " * untrusted.MAX_DEPTH + "v: 1\n", ""))  # at the limit: read
