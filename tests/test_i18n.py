"""Languages: the crmsim.i18n API, and catalogues that are complete and compiled."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import click
import pytest

from crmsim import i18n
from crmsim.errors import CrmsimError
from crmsim.i18n import N_, _, ngettext

ROOT = Path(__file__).resolve().parent.parent
LOCALE_VARS = ("CRMSIM_LANG", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No language in the environment to start with."""
    for var in LOCALE_VARS:
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.fixture(autouse=True)
def english_after() -> None:
    yield
    i18n.set_language("en")


def test_resolve_order_is_flag_then_env_then_locale_then_english(env) -> None:
    assert i18n.resolve_language(None) == "en"
    env.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.resolve_language(None) == "zh"
    env.setenv("LC_ALL", "en_GB.UTF-8")  # LC_ALL wins over LANG
    assert i18n.resolve_language(None) == "en"
    env.setenv("CRMSIM_LANG", "zh")  # the variable wins over the locale
    assert i18n.resolve_language(None) == "zh"
    assert i18n.resolve_language("en") == "en"  # the flag wins over everything


def test_a_locale_in_another_language_falls_back_to_english(env) -> None:
    env.setenv("LANG", "fr_FR.UTF-8")
    assert i18n.resolve_language(None) == "en"
    env.setenv("LANG", "C")
    assert i18n.resolve_language(None) == "en"


@pytest.mark.parametrize(
    ("typed", "code"), [("zh", "zh"), ("ZH", "zh"), ("zh-CN", "zh"), ("en_US", "en")]
)
def test_flag_spellings(env, typed: str, code: str) -> None:
    assert i18n.resolve_language(typed) == code


def test_unknown_language_in_flag_or_variable_is_one_line_error(env) -> None:
    with pytest.raises(CrmsimError, match=r"^--lang 'fr' is not a language.*use one of en, zh$"):
        i18n.resolve_language("fr")
    env.setenv("CRMSIM_LANG", "klingon")
    with pytest.raises(CrmsimError, match=r"^CRMSIM_LANG 'klingon'"):
        i18n.resolve_language(None)


def test_translate_now_mark_later_and_plurals() -> None:
    msg = N_("{where} {value!r} is not a language crmsim speaks; use one of {choices}")
    assert _(msg) == msg
    i18n.set_language("zh")
    assert i18n.get_language() == "zh"
    assert "不是 crmsim 支持的语言" in _(msg)
    assert N_("untranslated text") == "untranslated text"  # N_ never translates
    assert ngettext("one round", "{n} rounds", 3) == "{n} rounds"  # unknown: English forms
    i18n.set_language("en")
    assert ngettext("one round", "{n} rounds", 1) == "one round"


def test_language_block_is_local_and_restored() -> None:
    with i18n.language("zh") as lang:
        assert lang == "zh" and i18n.get_language() == "zh"
    assert i18n.get_language() == "en"


def test_localized_picks_the_language_with_fallbacks() -> None:
    both = {"en": "Pilot", "zh": "试点"}
    assert i18n.localized(both) == "Pilot"
    assert i18n.localized(both, "zh") == "试点"
    assert i18n.localized({"en": "Only English"}, "zh") == "Only English"
    assert i18n.localized("Plain old text", "zh") == "Plain old text"


def test_lang_option_sets_language_and_refuses_bad_values(env) -> None:
    @click.command()
    @i18n.lang_option
    def show(lang: str) -> None:
        click.echo(f"{lang}:{i18n.get_language()}")

    assert show.main(["--lang", "zh"], standalone_mode=False) is None
    assert i18n.get_language() == "zh"
    i18n.set_language("en")
    with pytest.raises(click.BadParameter, match="'fr' is not a language"):
        show.main(["--lang", "fr"], standalone_mode=False)


# ------------------------------------------------------------ the catalogues


def _po(lang: str):
    from babel.messages.pofile import read_po

    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "crmsim.po", "rb") as fh:
        return read_po(fh)


def _extracted() -> dict[str, object]:
    """Every message marked in crmsim's code, as `pybabel extract -F babel.cfg` finds it."""
    from babel.messages.extract import extract_from_dir

    found = {}
    for _file, _line, msg, _comments, _context in extract_from_dir(
        str(ROOT), method_map=[("crmsim/**.py", "python")]
    ):
        found[msg if isinstance(msg, str) else msg[0]] = msg
    return found


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{[^{}]*\}|%\(\w+\)[sdfr]|%[sdfr]", text))


@pytest.mark.parametrize("lang", [code for code in i18n.LANGUAGES if code != i18n.DEFAULT])
def test_every_marked_message_is_translated(lang: str) -> None:
    """Run `bash scripts/i18n.sh`, translate the new entries, compile."""
    catalog = _po(lang)
    missing, fuzzy, broken = [], [], []
    for key, msg in _extracted().items():
        entry = catalog.get(msg if isinstance(msg, str) else msg[0])
        strings = entry and (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if not entry or not all(strings):
            missing.append(key)
        elif entry.fuzzy:
            fuzzy.append(key)
        elif any(_placeholders(key) != _placeholders(s) for s in strings):
            broken.append(key)
    assert not missing, f"not in {lang}/crmsim.po or untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy in {lang}/crmsim.po: {fuzzy[:10]}"
    assert not broken, f"placeholders differ from the English in: {broken[:10]}"


@pytest.mark.parametrize("lang", [code for code in i18n.LANGUAGES if code != i18n.DEFAULT])
def test_compiled_catalogue_matches_its_po(lang: str) -> None:
    """The committed .mo is the .po compiled (run `bash scripts/i18n.sh compile`)."""
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "crmsim.mo", "rb") as fh:
        compiled = gettext.GNUTranslations(fh)._catalog  # noqa: SLF001
    expected = {}
    for msg in _po(lang):
        if not msg.id or msg.fuzzy or not msg.string:
            continue
        if isinstance(msg.id, tuple):
            for i, text in enumerate(msg.string):
                expected[(msg.id[0], i)] = text
        else:
            key = msg.id if not msg.context else f"{msg.context}\x04{msg.id}"
            expected[key] = msg.string
    compiled = {k: v for k, v in compiled.items() if k != ""}
    assert compiled == expected
