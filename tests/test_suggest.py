"""The one "Perhaps you meant …?" suggestion, used by every unknown-name error."""

from __future__ import annotations

from kleaderboard.suggest import perhaps


def test_the_closest_known_name_is_suggested_in_single_quotes() -> None:
    assert perhaps("licence", ["license", "team", "model"]) == "Perhaps you meant 'license'?"
    assert perhaps("maintainer", ("maintainers", "submissions")) == "Perhaps you meant 'maintainers'?"


def test_nothing_is_suggested_when_no_name_is_close() -> None:
    assert perhaps("zzz", ["license", "team"]) is None
    assert perhaps("license", []) is None


def test_a_name_with_a_quote_is_shown_as_written() -> None:
    # One style everywhere: single quotes around the name, never repr()'s choice of quotes.
    assert perhaps("its", ["it's"]) == "Perhaps you meant 'it's'?"


def test_any_iterable_of_names_works_once() -> None:
    assert perhaps("acme/acme-7c", iter(["acme/acme-7b", "beta/b"])) == "Perhaps you meant 'acme/acme-7b'?"
