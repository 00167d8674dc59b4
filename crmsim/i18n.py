"""Languages for what participants and facilitators read: English and Simplified Chinese.

Standard gettext: the English text in the code is the message id; the Chinese
catalogue is ``crmsim/locale/zh/LC_MESSAGES/crmsim.po``, compiled to
``crmsim.mo`` beside it (committed, so an install needs no build step;
``tests/test_i18n.py`` checks that each ``.mo`` matches its ``.po``). Both are
made with Babel: ``bash scripts/i18n.sh`` extracts (``babel.cfg``), updates and
compiles.

The API, stable for every module that shows text:

* ``_(msg)`` translates now, into the current language;
* ``N_(msg)`` only marks ``msg`` for extraction (a module-level constant that
  is translated later, where it is shown, with ``_(CONSTANT)``);
* ``ngettext(singular, plural, n)``, ``pgettext(context, msg)``;
* ``set_language(lang)`` / ``get_language()``; ``language(lang)`` is a
  context manager for one thread or task (a page rendered in another
  language) that leaves the process-wide language alone;
* ``resolve_language(cli_value)``: ``--lang``, then ``CRMSIM_LANG``, then
  the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), then ``"en"``;
* ``lang_option``: the click option ``--lang zh|en`` (resolves and sets the
  language before the command runs; passes ``lang`` to it);
* ``Text``: a text from a game or scenario file, read from either a plain
  string (the old form: the same in every language) or a table
  ``{ en = "...", zh = "..." }``. A ``Text`` *is* its English string (a
  ``str`` subclass: code that does not translate, JSON, equality and
  fingerprints see English); ``localized(value)`` gives it (or any plain
  string or mapping) in the current language.

Kept light: imports only the standard library and click.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import click

from crmsim.errors import CrmsimError

DOMAIN = "crmsim"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
#: The languages crmsim speaks; the first is the default (and the language of the msgids).
LANGUAGES: tuple[str, ...] = ("en", "zh")
DEFAULT = "en"
#: Names of the languages, in themselves (for a language picker).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "zh": "中文"}
ENV_VAR = "CRMSIM_LANG"

_process_language: str = DEFAULT
_task_language: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "crmsim_language", default=None
)


def normalize(value: str) -> str | None:
    """``"zh_CN.UTF-8"`` -> ``"zh"``, ``"EN"`` -> ``"en"``; None if not a supported language."""
    code = value.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    base = code.split("_")[0]
    return base if base in LANGUAGES else None


def _bad(value: str, where: str) -> CrmsimError:
    return CrmsimError(
        _("{where} {value!r} is not a language crmsim speaks; use one of {choices}").format(
            where=where, value=value, choices=", ".join(LANGUAGES)
        )
    )


def resolve_language(cli_value: str | None = None) -> str:
    """The language to use: ``--lang``, then ``CRMSIM_LANG``, then the locale, then ``"en"``.

    Args:
        cli_value: The ``--lang`` value as typed, or None when not given.

    Raises:
        CrmsimError: ``--lang`` or ``CRMSIM_LANG`` names a language crmsim does
            not speak (a locale in another language just falls back to English).
    """
    if cli_value:
        lang = normalize(cli_value)
        if lang is None:
            raise _bad(cli_value, "--lang")
        return lang
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        lang = normalize(env)
        if lang is None:
            raise _bad(env, ENV_VAR)
        return lang
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").strip()
        if value:  # the first one set decides, as POSIX does
            return normalize(value) or DEFAULT
    return DEFAULT


def _check(lang: str) -> str:
    code = normalize(lang)
    if code is None:
        raise _bad(lang, "language")
    return code


def set_language(lang: str) -> None:
    """Make ``lang`` (``"en"`` or ``"zh"``) the language of the whole process."""
    global _process_language
    _process_language = _check(lang)


def get_language() -> str:
    """The current language: this task's (see :func:`language`), else the process's."""
    return _task_language.get() or _process_language


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Speak ``lang`` inside the ``with`` block, in this thread or task only."""
    token = _task_language.set(_check(lang))
    try:
        yield _task_language.get() or DEFAULT
    finally:
        _task_language.reset(token)


@functools.cache
def translations(lang: str) -> gettext.NullTranslations:
    """The compiled catalogue of ``lang`` (English: the msgids themselves)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def _(msg: str) -> str:
    """``msg`` (English) in the current language."""
    return translations(get_language()).gettext(msg)


def N_(msg: str) -> str:
    """Mark ``msg`` for extraction only; translate it later with ``_(msg)``."""
    return msg


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n``, in the current language."""
    return translations(get_language()).ngettext(singular, plural, n)


def pgettext(context: str, msg: str) -> str:
    """``msg`` in the current language, told apart from the same English in another context."""
    return translations(get_language()).pgettext(context, msg)


_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"


def squash(text: str) -> str:
    """Whitespace runs to one space, none between two CJK characters (a wrapped TOML string)."""
    import re

    text = " ".join(str(text).split())
    return re.sub(rf"(?<=[{_CJK}]) (?=[{_CJK}])", "", text)


class Text(str):
    """A text in several languages that behaves as its English string.

    Built from a plain string (every language reads it) or a mapping
    ``{"en": ..., "zh": ...}`` (English required); whitespace is squashed
    (:func:`squash`). ``text.texts`` holds every language's version.

    Raises:
        ValueError: a mapping without English, with an unknown language or a
            non-text value.
        TypeError: neither text nor a mapping.
    """

    texts: Mapping[str, str]

    def __new__(cls, value: Any) -> Text:
        if isinstance(value, Text):
            return value
        if isinstance(value, str):
            texts = {DEFAULT: squash(value)}
            plain = True
        elif isinstance(value, Mapping):
            unknown = [k for k in value if k not in LANGUAGES]
            if unknown:
                raise ValueError(
                    _("has unknown language {lang!r}; use {choices}").format(
                        lang=unknown[0], choices=" and ".join(LANGUAGES)
                    )
                )
            if not all(isinstance(v, str) for v in value.values()):
                raise ValueError(_('should be text in quotes in each language, e.g. en = "..."'))
            if not value.get(DEFAULT, "").strip():
                raise ValueError(
                    _('needs the English text, e.g. {{ {en} = "...", zh = "..." }}').format(
                        en=DEFAULT
                    )
                )
            texts = {k: squash(v) for k, v in value.items()}
            plain = False
        else:
            raise TypeError(f"should be text, or a table of texts per language, got {value!r}")
        self = super().__new__(cls, texts[DEFAULT])
        self.texts = MappingProxyType(texts)
        self.plain = plain
        return self

    def __reduce__(self) -> tuple:
        return (Text, (str(self) if self.plain else dict(self.texts),))

    def get(self, lang: str | None = None) -> str:
        """The text in ``lang`` (default: the current language), else English."""
        want = lang or get_language()
        return self.texts.get(want) or str(self)

    def has(self, lang: str) -> bool:
        """Whether the text was written for ``lang`` (a plain string: every language)."""
        return self.plain or bool(self.texts.get(lang))


def localized(value: Any, lang: str | None = None) -> str:
    """A text from a game or scenario file in the current (or given) language.

    ``value`` is a :class:`Text`, a plain string (the old form, shown as is
    in every language) or a mapping ``{"en": ..., "zh": ...}``; a language
    the mapping lacks falls back to English, then to any text it has.
    """
    if isinstance(value, Text):
        return value.get(lang)
    if isinstance(value, Mapping):
        want = lang or get_language()
        for code in (want, DEFAULT, *value):
            text = value.get(code)
            if text:
                return str(text)
        return ""
    return "" if value is None else str(value)


LANG_META = "crmsim.lang"
"""Where ``ctx.meta`` holds the language an outer command resolved (``crmsim --lang zh CMD``)."""
LANG_HELP = N_(
    "Language of what the command shows: zh (Simplified Chinese) or en "
    "(default: $CRMSIM_LANG, then the locale, then en)."
)


def _lang_callback(ctx: click.Context, param: click.Parameter, value: str | None) -> str:
    if value is None and LANG_META in ctx.meta:
        lang = ctx.meta[LANG_META]
    else:
        try:
            lang = resolve_language(value)
        except CrmsimError as exc:
            raise click.BadParameter(str(exc).removeprefix("--lang "), ctx, param) from None
    ctx.meta[LANG_META] = lang
    set_language(lang)
    return lang


def lang_option[F: Callable[..., Any]](func: F) -> F:
    """``--lang zh|en``: resolve the language (see :func:`resolve_language`) and set it.

    Eager, so every other option's messages are already in that language; the
    command receives the resolved code as ``lang``. Not given, a command run
    under ``crmsim --lang X`` speaks ``X``. A bad value is one line and
    exit code 2, through the CLI's usage-error handling.
    """
    return click.option(
        "--lang",
        "lang",
        metavar="zh|en",
        default=None,
        is_eager=True,
        callback=_lang_callback,
        help=LANG_HELP,
    )(func)
