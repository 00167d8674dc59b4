"""Command help in the user's language: ``crmsim --lang zh workshop --help``.

Click builds a command's help when it is shown, so the texts are marked with
``N_()`` where the command is declared and translated here, at display time,
by :class:`HelpCommand` (and :class:`HelpGroup`, the top-level ``crmsim``):
the command's help and short help, each option's help, and click's own words
in a help page (``Usage:``, ``Options``, ``Show this message and exit.``,
``default:``). Those click words come from crmsim's catalogue, not click's:
click translates through the process-wide gettext domain and ships no
catalogue, so crmsim marks the few it shows (:data:`CLICK_WORDS`). Chinese is
wrapped by display width (a Chinese character takes two columns).

The language is the one set by ``--lang``, ``CRMSIM_LANG`` or the locale
before the help is shown (:func:`crmsim.cli.main` looks for ``--lang`` before
click parses, so ``crmsim workshop --help --lang zh`` works too).

Kept light: click, the standard library and :mod:`crmsim.i18n`.
"""

from __future__ import annotations

import inspect
import re
import unicodedata
from typing import Any

import click

from crmsim.i18n import DEFAULT, N_, _, get_language

CLICK_WORDS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Positional arguments"),
    N_("Show this message and exit."), N_("Show the version and exit."),
    N_("default: {default}"), N_("env var: {var}"), N_("required"),
)  # fmt: skip
"""Click's words on a help page, in crmsim's catalogue."""

_WIDE = re.compile(
    r"[\u1100-\u115f\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]"
)
_TOKENS = re.compile(
    r"\s+|[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]|[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+"
)
_NO_LINE_START = set("，。、；：！？）》」』】,.;:!?)]")


def width(text: str) -> int:
    """Columns ``text`` takes on a terminal (a Chinese character: two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap_wide(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` display columns (CJK may break anywhere).

    A line never starts with closing punctuation (it stays on the line before, in the two
    columns other tokens leave free).
    """
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(" ".join(text.split())):
        if token.isspace():
            line += " " if line else ""
            continue
        limit = columns if token[0] in _NO_LINE_START else columns - 2  # room for a "，"
        if line and width(line + token) > limit:
            lines.append(line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _prewrapped(text: str, columns: int) -> str:
    """CJK paragraphs of ``text`` wrapped here and marked for click not to rewrap (``\\b``)."""
    if not _WIDE.search(text):
        return text
    paragraphs = []
    for para in re.split(r"\n\s*\n", text.strip()):
        if para.startswith("\b") or not _WIDE.search(para):  # a literal block, or no CJK
            paragraphs.append(para)
        else:
            paragraphs.append("\b\n" + "\n".join(wrap_wide(para, columns)))
    return "\n\n".join(paragraphs)


class HelpFormatter(click.HelpFormatter):
    """Click's formatter, wrapping Chinese by display width."""

    def write_text(self, text: str) -> None:
        """Write a paragraph (re-wrapped; CJK by display width)."""
        super().write_text(_prewrapped(text, self.width - self.current_indent))

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        """Write a definition list (options, commands); CJK texts wrapped by display width."""
        rows = list(rows)
        first = min(max((click.formatting.term_len(r[0]) for r in rows), default=0), col_max)
        columns = max(self.width - first - col_spacing - 2, 10)
        super().write_dl([(a, _prewrapped(b, columns)) for a, b in rows], col_max, col_spacing)

    def write_heading(self, heading: str) -> None:
        """A section's heading: ``Options:``, ``选项：`` (a full-width colon after Chinese)."""
        colon = "：" if _WIDE.search(heading) else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")


class _Context(click.Context):
    formatter_class = HelpFormatter


def short_help(text: str, limit: int = 45) -> str:
    """The first sentence of a help text, shortened to ``limit`` display columns."""
    first = " ".join(text.partition("\n\n")[0].split())
    if _WIDE.search(first):
        sentence = first.split("。")[0] + ("。" if "。" in first else "")
        sentence = sentence.removesuffix("。")
        while width(sentence) > limit:
            sentence = sentence[:-2] + "…"
        return sentence
    return click.utils._make_default_short_help(first, limit)  # noqa: SLF001


def _option_record(param: click.Parameter, ctx: click.Context) -> tuple[str, str] | None:
    """An option's help row in the current language (click's, with the help translated)."""
    if getattr(param, "hidden", False):
        return None
    if not isinstance(param, click.Option) or not hasattr(param, "get_help_extra"):
        return param.get_help_record(ctx)
    text = _(param.help) if param.help else ""
    extra = param.get_help_extra(ctx)
    items = []
    if "envvars" in extra:
        items.append(_("env var: {var}").format(var=", ".join(extra["envvars"])))
    if "default" in extra:
        items.append(_("default: {default}").format(default=extra["default"]))
    if "range" in extra:
        items.append(extra["range"])
    if "required" in extra:
        items.append(_("required"))
    if items:
        text = f"{text}  [{'; '.join(items)}]" if text else f"[{'; '.join(items)}]"
    return param.get_help_spec(ctx), text


class HelpMixin:
    """Translates a command's help, its options' help and click's words when shown."""

    context_class = _Context

    def get_short_help_str(self, limit: int = 45) -> str:
        """The command's line in a command list, in the current language."""
        if self.short_help:
            return _(inspect.cleandoc(self.short_help)).strip()
        return short_help(_(inspect.cleandoc(self.help)), limit) if self.help else ""

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """``Usage: crmsim workshop [OPTIONS] [SCENARIO]``, the first word translated."""
        pieces = self.collect_usage_pieces(ctx)
        prefix = _("Usage:")
        prefix += "" if prefix.endswith("：") else " "
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix=prefix)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command's help, translated (up to a form feed, as click does)."""
        if not self.help:
            return
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(_(inspect.cleandoc(self.help)).partition("\f")[0])

    def format_arguments(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The arguments, when one has a help text (click 8.5), translated."""
        args = [p for p in self.get_params(ctx) if isinstance(p, click.Argument)]
        if any(getattr(a, "help", None) for a in args):
            with formatter.section(_("Positional arguments")):
                formatter.write_dl([(a.make_metavar(ctx), _(a.help) if a.help else "")
                                    for a in args])  # fmt: skip

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The options, with their help translated."""
        rows = [
            row
            for param in self.get_params(ctx)
            if not isinstance(param, click.Argument)
            and (row := _option_record(param, ctx)) is not None
        ]
        if rows:
            with formatter.section(_("Options")):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class HelpCommand(HelpMixin, click.Command):
    """A click command whose help is shown in the current language."""


class HelpGroup(HelpMixin, click.Group):
    """A click group whose help and command list are shown in the current language."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands, each with its short help in the current language."""
        commands = [
            (name, cmd)
            for name in self.list_commands(ctx)
            if (cmd := self.get_command(ctx, name)) is not None and not cmd.hidden
        ]
        if not commands:
            return
        limit = formatter.width - 6 - max(len(name) for name, _cmd in commands)
        with formatter.section(_("Commands")):
            formatter.write_dl([(name, cmd.get_short_help_str(limit)) for name, cmd in commands])


def command(name: str, help: str, **kwargs: Any) -> Any:
    """``@click.command(name, help=N_(...))`` whose help is shown in the current language."""
    return click.command(name=name, cls=HelpCommand, help=help, **kwargs)


def usage_error(exc: click.UsageError) -> str:
    """Click's line for a usage error, in the chosen language.

    Click words its errors at the moment it shows them, through the process-wide
    gettext domain, for which it ships no catalogue; the frequent ones a facilitator
    meets (a missing argument or option, an unknown option, a bad value) are worded
    here from crmsim's catalogue instead. Others keep click's English.
    """
    if get_language() == DEFAULT:
        return exc.format_message()
    if isinstance(exc, click.MissingParameter):
        hint = _hint(exc)
        kind = exc.param_type or (exc.param.param_type_name if exc.param else "parameter")
        words = {
            "argument": N_("Missing argument {name}."),
            "option": N_("Missing option {name}."),
            "parameter": N_("Missing parameter {name}."),
        }
        return _(words.get(kind, words["parameter"])).format(name=hint)
    if isinstance(exc, click.NoSuchOption):
        line = _("No such option: {name}.").format(name=exc.option_name)
        gap = "" if line.endswith("。") else " "  # no space after a full-width stop
        if len(exc.possibilities or ()) == 1:
            line += gap + _("Did you mean {option}?").format(option=exc.possibilities[0])
        elif exc.possibilities:
            line += gap + _("(Possible options: {options})").format(
                options=", ".join(sorted(exc.possibilities))
            )
        return line
    if isinstance(exc, click.BadParameter):
        return _("Invalid value for {name}: {problem}").format(name=_hint(exc), problem=exc.message)
    return exc.format_message()


def _hint(exc: click.BadParameter) -> str:
    """The parameter named in a usage error (``'GAME'``, ``'--team'``)."""
    hint = exc.param_hint if exc.param_hint is not None else (
        exc.param.get_error_hint(exc.ctx) if exc.param is not None else ""
    )  # fmt: skip
    return " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint or "")
