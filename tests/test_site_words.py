"""The templates' literal words put in their source per language (site/words.py: WordsLoader):
the same site, byte for byte, as say() gives when it runs."""

from __future__ import annotations

from pathlib import Path

from kleaderboard.site import build_site, pages, words

FIXTURE = Path(__file__).parent / "data" / "site_repo"


def test_literal_words_are_chosen_in_the_source_and_the_rest_left_to_say():
    source = (
        '{{ m.say("순위", "Rank") }} {{ say(\'표\', \'a "table"\') }} '
        '{{ m.bilingual("가",\n  "ga") | upper }}\n'
        '{{ m.say("모델 " ~ n ~ "개", n ~ " models") }} {{ kl_words.say("x", "y") }} {{ m.say(a, "b") }}'
    )
    assert words.say_literals(source, "en") == (
        '{{ "Rank" }} {{ \'a "table"\' }} {{ "ga"\n | upper }}\n'
        '{{ m.say("모델 " ~ n ~ "개", n ~ " models") }} {{ kl_words.say("x", "y") }} {{ m.say(a, "b") }}'
    )
    assert words.say_literals(source, "ko").startswith('{{ "순위" }} {{ \'표\' }} {{ "가"\n | upper }}\n')
    assert words.say_literals('{{ m.say("a \\" b", "c") }}', "ko") == '{{ "a \\" b" }}'


def test_every_template_says_the_same_with_its_words_chosen_in_the_source(tmp_path, monkeypatch):
    chosen = build_site(FIXTURE / "mkdocs.yml", tmp_path / "chosen")
    monkeypatch.setattr(words, "say_literals", lambda source, lang: source)  # say() runs for every word
    pages._COMPILED.codes.clear()
    said = build_site(FIXTURE / "mkdocs.yml", tmp_path / "said")
    files = sorted(path.relative_to(chosen) for path in chosen.rglob("*") if path.is_file())
    assert files == sorted(path.relative_to(said) for path in said.rglob("*") if path.is_file())
    for path in files:
        assert (chosen / path).read_bytes() == (said / path).read_bytes(), path
