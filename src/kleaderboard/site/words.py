"""The generated pages' words, as functions the templates call: say, label and badge.

Every page is rendered once per language (``lang``, "ko" or "en"); these are the only ways a
template writes words, so a page shows one language. They were Jinja macros; a macro call
costs about ten times a Python call, and a model page makes several hundred of them, so they
are plain methods now (``_macros.html.j2`` hands them out under their old names). Most calls
of ``say`` name both words as string literals: :class:`WordsLoader` puts the page's own in the
template's source, so Jinja prints them as constant text, escaped once when it compiles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from jinja2 import BaseLoader, Environment
from markupsafe import Markup

from kleaderboard.display import Label

# who declared a page's values: "team", "maintainers" (from public sources), or "any" on pages
# that show both kinds of entry; (the badge's tooltip, the legend's words)
DECLARED_BY: dict[str, tuple[Label, Label]] = {
    "team": (
        Label("팀이 submission.yaml에 적은 값", "written by the team in submission.yaml"),
        Label("팀이 제출한 값", "written by the team"),
    ),
    "maintainers": (
        Label(
            "운영진이 공개 자료에서 옮긴 값 (팀이 제출하지 않음)",
            "taken by maintainers from the public sources listed; not submitted by the team",
        ),
        Label("운영진이 공개 자료에서 옮긴 값", "taken by maintainers from the public sources listed"),
    ),
    "any": (
        Label(
            "팀이 제출했거나 운영진이 공개 자료에서 옮긴 값", "by the team, or from the public sources listed"
        ),
        Label("팀이 제출했거나 공개 자료에서 옮긴 값", "by the team, or from the public sources listed"),
    ),
}
BADGE_TITLE: dict[str, Label] = {
    "measured": Label("평가 파이프라인이 측정한 값", "measured by the evaluation pipeline"),
    "checked": Label("신고 값을 증거와 대조한 결과", "a declared value compared with evidence"),
    "external": Label(
        "이 프로젝트가 운영하지 않는 외부 리더보드가 발표한 값",
        "published by a leaderboard this project does not run",
    ),
}


@dataclass(frozen=True)
class Words:
    """The words of one language; ``labels`` are the badges' names ({kind: Label})."""

    lang: str
    labels: Mapping[str, Label]

    def say(self, ko: object, en: object) -> object:
        """Running text given in both languages: the page's own (escaped when printed)."""
        return en if self.lang == "en" else ko

    def label(self, words: Label | Mapping[str, object]) -> object:
        """A display.Label (or a {"ko", "en"} mapping) in the page's language."""
        if isinstance(words, Mapping):
            return words[self.lang if self.lang == "en" else "ko"]
        return words.en if self.lang == "en" else words.ko

    badges: dict[tuple[str, str], Markup] = field(default_factory=dict, compare=False, repr=False)

    def badge(self, kind: str, who: str = "any") -> Markup:
        """Where a figure comes from: declared (by whom), measured, checked or external."""
        key = (kind, who if kind == "declared" else "any")
        if key not in self.badges:
            title = DECLARED_BY[who][0] if kind == "declared" else BADGE_TITLE[kind]
            self.badges[key] = Markup('<span class="kl-badge kl-badge--{}" title="{}">{}</span>').format(
                kind, self.label(title), self.label(self.labels[kind])
            )
        return self.badges[key]

    def declared_by(self, who: str) -> object:
        """The legend's words for who declared the page's values."""
        return self.label(DECLARED_BY[who][1])


_LITERAL = r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')"""
# say("…", "…") (or m.say, bilingual, m.bilingual) with two string literals and nothing else
_SAID = re.compile(rf"(?<![\w.])(?:m\.)?(?:say|bilingual)\(\s*{_LITERAL}\s*,\s*{_LITERAL}\s*\)")


def say_literals(source: str, lang: str) -> str:
    """A template's source with each say() of two string literals replaced by the literal of
    ``lang`` (the same value say() returns), keeping the lines where they were."""

    def own(match: re.Match[str]) -> str:
        return match.group(2 if lang == "en" else 1) + "\n" * match.group(0).count("\n")

    return _SAID.sub(own, source)


class WordsLoader(BaseLoader):
    """Another loader's templates with their literal words in ``lang`` (say_literals)."""

    def __init__(self, loader: BaseLoader, lang: str) -> None:
        self.loader = loader
        self.lang = lang

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        return say_literals(source, self.lang), filename, uptodate

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()
