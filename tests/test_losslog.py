"""Loss-log parsing: format checks with line numbers."""

from __future__ import annotations

import pytest

from kleaderboard.errors import LossLogError
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
        (HEADER + "2,100,5,0.1,\n2,200,4,0.1,\n", "l.csv: line 3, step: 2 does not increase"),
        (HEADER + "1,300,5,0.1,\n2,200,4,0.1,\n", "line 3, tokens_seen: 200 is below the previous row"),
    ],
)
def test_problems_name_the_line(text: str, expected: str) -> None:
    with pytest.raises(LossLogError) as info:
        parse_loss_log(text, "l.csv")
    assert expected in str(info.value)
