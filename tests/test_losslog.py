"""Loss-log parsing: format checks with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kleaderboard.errors import LossLogError
from kleaderboard.submission import loss_log
from kleaderboard.submission.loss_log import parse_loss_log

HEADER = "step,tokens_seen,loss,learning_rate,grad_norm\n"


def test_parses_points() -> None:
    log = parse_loss_log(HEADER + "1,100,6.9,0.001,1.5\n2,200,6.1,0.001,\n", "l.csv")
    assert [p.step for p in log.points] == [1, 2]
    assert log.first_loss == 6.9 and log.last_loss == 6.1 and log.total_tokens == 200
    assert log.points[1].grad_norm is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("step,loss\n1,2\n", "l.csv: header: missing column 'tokens_seen'"),
        (HEADER.replace("grad_norm", "gradnorm"), "unknown column 'gradnorm'"),
        (HEADER, "l.csv: line 2: no data rows"),
        (HEADER + "1,100,abc,0.1,\n", "l.csv: line 2, loss: 'abc' is not a number"),
        (HEADER + "1,100,nan,0.1,\n", "l.csv: line 2, loss: nan is not finite"),
        (HEADER + "1,100,inf,0.1,\n", "line 2, loss: inf is not finite"),
        (
            HEADER + "2,100,5,0.1,\n2,200,4,0.1,\n",
            "l.csv: line 3, step: 2 repeats the previous row's step — keep one row per step",
        ),
        (HEADER + "1,300,5,0.1,\n2,200,4,0.1,\n", "line 3, tokens_seen: 200 is below the previous row"),
    ],
)
def test_problems_name_the_line(text: str, expected: str) -> None:
    with pytest.raises(LossLogError) as info:
        parse_loss_log(text, "l.csv")
    assert expected in str(info.value)


# --- edges (each pins a limit exactly) -------------------------------------------------------

FULL_HEADER = "step,tokens_seen,loss,learning_rate,grad_norm,eval_loss\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(LossLogError) as info:
        parse_loss_log(text, "l.csv")
    return [str(p) for p in info.value.problems]


def bad_rows(count: int) -> str:
    return HEADER + "".join(f"{n},{n},x,0.1,\n" for n in range(1, count + 1))


def test_the_parser_stops_after_100_problems() -> None:
    problems = problems_of(bad_rows(150))
    assert len(problems) == 101
    assert (
        problems[99]
        == "l.csv: line 101, loss: 'x' is not a number — write a plain number, e.g. 2.3456 or 1e-4"
    )
    assert problems[100] == "l.csv: line 102, loss: stopped after 100 problems — fix these first"


def test_exactly_100_problems_are_all_reported_without_the_stop_note() -> None:
    problems = problems_of(bad_rows(100))
    assert len(problems) == 100 and "stopped after" not in problems[-1]


def test_an_empty_optional_value_in_the_middle_of_a_row_is_none() -> None:
    log = parse_loss_log(FULL_HEADER + "1,100,6.9,0.001,,2.5\n", "l.csv")
    assert (log.points[0].grad_norm, log.points[0].eval_loss) == (None, 2.5)
    moved = parse_loss_log("step,grad_norm,tokens_seen,loss,learning_rate\n1,,100,6.9,0.001\n", "l.csv")
    assert moved.points[0].grad_norm is None and moved.points[0].tokens_seen == 100


def test_an_empty_required_value_in_the_middle_of_a_row_is_refused() -> None:
    assert problems_of(HEADER + "1,,6.9,0.001,\n") == [
        "l.csv: line 2, tokens_seen: is empty — every row needs step, tokens_seen, loss"
    ]


def test_a_repeated_tokens_seen_is_accepted_it_only_may_not_decrease() -> None:
    log = parse_loss_log(HEADER + "1,100,6.9,0.001,\n2,100,6.5,0.001,\n", "l.csv")
    assert [p.tokens_seen for p in log.points] == [100, 100]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            f"{10**18 + 1},1,5,0.1,",
            f"l.csv: line 2, step: {10**18 + 1} is above 10^18 — check the column order",
        ),
        (
            f"1,{10**18 + 1},5,0.1,",
            f"l.csv: line 2, tokens_seen: {10**18 + 1} is above 10^18 — tokens_seen counts tokens (not bytes "
            "or characters): check the units",
        ),
        (
            "1,1,1000.0001,0.1,",
            "l.csv: line 2, loss: 1000.0001 is above 1,000 — log the mean cross-entropy per token in nats, "
            "not a perplexity or a sum",
        ),
    ],
    ids=["step", "tokens_seen", "loss"],
)
def test_values_just_above_the_limits_are_refused(row: str, expected: str) -> None:
    assert problems_of(HEADER + row + "\n") == [expected]


def test_values_at_the_limits_are_accepted() -> None:
    log = parse_loss_log(FULL_HEADER + f"{10**18},{10**18},1000,0.1,,1000\n", "l.csv")
    point = log.points[0]
    assert (point.step, point.tokens_seen, point.loss, point.eval_loss) == (10**18, 10**18, 1000.0, 1000.0)


def test_an_eval_loss_above_1000_is_refused() -> None:
    assert problems_of(FULL_HEADER + "1,1,5,0.1,,1000.5\n") == [
        "l.csv: line 2, eval_loss: 1000.5 is above 1,000 — log the mean cross-entropy per token in nats, "
        "not a perplexity or a sum"
    ]


def test_a_bad_value_is_shown_whole_up_to_40_characters_then_cut() -> None:
    fix = "write a plain number, e.g. 2.3456 or 1e-4"
    assert problems_of(HEADER + f"1,1,{'x' * 40},0.1,\n") == [
        f"l.csv: line 2, loss: {'x' * 40!r} is not a number — {fix}"
    ]
    assert problems_of(HEADER + f"1,1,{'x' * 41},0.1,\n") == [
        f"l.csv: line 2, loss: {'x' * 40 + '…'!r} is not a number — {fix}"
    ]


def test_a_loss_log_over_64_mib_is_refused_before_it_is_read(tmp_path: Path) -> None:
    from kleaderboard.submission.loss_log import read_loss_log

    path = tmp_path / "loss_log.csv"
    with path.open("wb") as handle:
        handle.truncate(64 * 1024 * 1024 + 1)  # sparse: no 64 MiB written
    with pytest.raises(LossLogError, match=r"loss_log\.csv: is 67,108,865 bytes; the limit is 67,108,864"):
        read_loss_log(path)


# --- what a team is told (issue 13) ---------------------------------------------------------


def test_every_problem_of_every_row_is_reported_at_once() -> None:
    # A pandas export with two bad cells per row once took a team three rounds.
    assert problems_of(HEADER + "1,x,nan,0.1,\n2,y,abc,0.1,\n") == [
        "l.csv: line 2, tokens_seen: 'x' is not a number — write a plain number, e.g. 2.3456 or 1e-4",
        "l.csv: line 2, loss: nan is not finite — leave the row out: a step whose value overflowed is "
        "not part of the curve ('kleaderboard import-loss-log' drops such rows and counts them in the "
        "log's header)",
        "l.csv: line 3, tokens_seen: 'y' is not a number — write a plain number, e.g. 2.3456 or 1e-4",
        "l.csv: line 3, loss: 'abc' is not a number — write a plain number, e.g. 2.3456 or 1e-4",
    ]


def test_a_restart_is_explained_as_runs_not_as_unsorted_rows() -> None:
    problems = problems_of(HEADER + "100,400,5,0.1,\n200,800,4,0.1,\n150,600,4.5,0.1,\n")
    # One problem for one restart: the tokens going back with the steps is the same event.
    assert problems == [
        "l.csv: line 4, step: goes back from 200 to 150: a restart from a checkpoint? — a log is one line "
        "of training, not runs side by side: keep the resumed run's rows and drop the earlier run's rows "
        "from step 150 on ('kleaderboard import-loss-log' does this and records the overlap)"
    ]
    assert all("sort rows" not in p for p in problems)


def test_learning_rate_may_be_left_out_or_empty() -> None:
    log = parse_loss_log("step,tokens_seen,loss\n0,0,10.4\n5,20,9.1\n", "l.csv")
    assert [p.learning_rate for p in log.points] == [None, None]
    assert parse_loss_log(HEADER + "1,100,6.9,,\n", "l.csv").points[0].learning_rate is None


def test_notes_above_the_header_are_kept_and_not_parsed() -> None:
    text = "# source: trainer_state.json\n#tokens_seen: step x 8 x 64\n" + HEADER + "1,100,6.9,0.001,\n"
    log = parse_loss_log(text, "l.csv")
    assert log.notes == ("source: trainer_state.json", "tokens_seen: step x 8 x 64")
    assert problems_of("# a note\n" + HEADER + "1,x,6.9,0.001,\n") == [
        "l.csv: line 3, tokens_seen: 'x' is not a number — write a plain number, e.g. 2.3456 or 1e-4"
    ]


def test_a_megatron_text_log_is_pointed_to_the_importer() -> None:
    line = " [2025-01-01 00:00:00] iteration 10/ 100 | consumed samples: 2560 | lm loss: 7.1E+00 |\n"
    assert problems_of(line) == [
        "l.csv: line 1: columns are separated by '|' — this looks like a Megatron-LM or NeMo text log: "
        "convert it with 'kleaderboard import-loss-log LOG --format megatron' (or --format nemo)"
    ]


_TRICKY = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-0",
            "-0.0",
            "+5",
            "1e3",
            "1E-4",
            "nan",
            "NaN",
            "inf",
            "-inf",
            "1_000",
            "１",
            "0x10",
            " 7 ",
            "1000",
            "1000.0",
            "1000.0001",
            "1e18",
            "1000000000000000000",
            "1000000000000000001",
            "0000000000000000000000001",
            "9" * 400,
            "1" * 5000,
            "2.5",
            ".5",
            "5.",
            "-1",
            "abc",
            "1,5",
        ]
    ),
    st.integers(min_value=-10, max_value=10**19).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
_PLAIN = ["500", "2000000000", "10.4665", "7.515e-05", "1.108", "10.98"]


@settings(max_examples=500, deadline=None)
@example(changes=[(3, "inf")], width=6)  # a learning rate may be any size, never infinite
@example(changes=[(1, "0000000000000000000000001")], width=6)  # 25 digits: out of range, said so
@example(changes=[(2, "-0.0")], width=5)
@given(st.lists(st.tuples(st.integers(0, 6), _TRICKY), min_size=1, max_size=2), st.integers(5, 7))
def test_the_quick_row_reader_accepts_only_what_the_full_one_accepts_with_the_same_values(
    changes, width
) -> None:
    row = [*_PLAIN, ""][:width]  # a plain row, one or two of its cells changed (7: one too many)
    for position, cell in changes:
        row[position % width] = cell
    columns = list(loss_log.COLUMNS[: min(width, 6)])
    quick = loss_log._plain_row_reader(columns)(row)
    problems = loss_log._Problems("log.csv")
    full = loss_log._parse_row(row, columns, 2, problems)
    if quick is not None:  # (where it declines, the full reader reads the row: nothing is lost)
        assert not problems and full is not None
        assert repr(quick) == repr(full)  # the same values, of the same kinds (-0.0 too)


def test_a_plain_row_is_read_by_the_quick_reader() -> None:
    read = loss_log._plain_row_reader(list(loss_log.COLUMNS))
    assert read(["500", "2000000000", "10.4665", "7.515e-05", " 1.108", ""]) == loss_log.LossPoint(
        500, 2000000000, 10.4665, 7.515e-05, 1.108, None
    )
    assert read(["500", "2000000000", "-1", "", "", ""]) is None  # a problem: the full reader says it


def test_a_log_sent_between_processes_comes_back_equal_point_for_point():
    # pickled column by column (a site build sends thousands): every point a LossPoint again,
    # every value of the type it had (25-digit integers, None, floats)
    import pickle

    from kleaderboard.submission.loss_log import LossLog, LossPoint

    points = (
        LossPoint(0, 0, 11.2, None, None, None),
        LossPoint(10, 10**24 + 7, 9.5, 3e-4, 1.25, None),
        LossPoint(20, 10**25, 8.0, 2e-4, None, 7.75),
    )
    log = LossLog("submissions/a/b/loss_log.csv", points, ("run 1",))
    back = pickle.loads(pickle.dumps(log, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == log and back.notes == log.notes and back.path == log.path
    assert all(type(point) is LossPoint for point in back.points)
    assert [[type(value) for value in point] for point in back.points] == [
        [type(value) for value in point] for point in points
    ]
    assert back.points[1].tokens_seen == 10**24 + 7
    empty = LossLog("x.csv", ())
    assert pickle.loads(pickle.dumps(empty)) == empty
