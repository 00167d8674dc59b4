"""``crmsim describe``: every parameter of a scenario, with its declaration.

Everything shown comes from :data:`crmsim.params.PARAMS` (the one place a
parameter is declared) and the scenario's values.
"""

from __future__ import annotations

import csv
import io
import textwrap
from collections.abc import Iterator
from typing import Any

import click

from crmsim.errors import CrmsimError
from crmsim.params import PARAMS, Param, ParamSet, suggest
from crmsim.scenario import Scenario, load

WIDTH = 100
"""Text output fits a terminal this wide."""


def format_value(value: Any) -> str:
    """A parameter value as short text: ``true``, ``12``, ``0.008``, ``10385``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


GROUPS: tuple[str, ...] = tuple(dict.fromkeys(p.group for p in PARAMS.values()))
"""The parameter groups, in declaration order."""


def select(params: ParamSet, groups: tuple[str, ...] = (), changed: bool = False) -> list[str]:
    """Names to show: those of ``groups`` (all if empty), only differing ones if ``changed``.

    Raises:
        CrmsimError: for an unknown group, suggesting the closest.
    """
    for group in groups:
        if group not in GROUPS:
            hint = suggest(group, list(GROUPS)) or f"; groups: {', '.join(GROUPS)}"
            raise CrmsimError(f"unknown parameter group {group!r}{hint}")
    return [
        name
        for name, p in PARAMS.items()
        if (not groups or p.group in groups) and (not changed or params[name] != p.default)
    ]


def rows(params: ParamSet, names: list[str] | None = None) -> Iterator[tuple[Param, Any, bool]]:
    """Each parameter (all, or ``names``) with its value here and whether it differs."""
    for name in PARAMS if names is None else names:
        param = PARAMS[name]
        value = params[name]
        yield param, value, value != param.default


def _heading(scenario: Scenario | None) -> str:
    if scenario is None:
        return "Default parameter values (no scenario)"
    head = f"Scenario {scenario.name}: {scenario.description}"
    if scenario.chain:
        head += f" [inherits {' <- '.join(scenario.chain)}]"
    return head


def render_text(
    params: ParamSet, scenario: Scenario | None = None, names: list[str] | None = None
) -> str:
    """Parameters grouped by group, two to four lines each, fitting :data:`WIDTH` columns."""
    name_w = max(len(n) for n in PARAMS)
    out = textwrap.wrap(_heading(scenario), WIDTH)
    changed = sum(1 for _, _, differs in rows(params) if differs)
    out.append(f"{len(PARAMS)} parameters; * marks the {changed} that differ from the default.")
    if names is not None and len(names) < len(PARAMS):
        out.append(f"Showing {len(names)} of them.")
    wrap = textwrap.TextWrapper(
        width=WIDTH, initial_indent=" " * 6, subsequent_indent=" " * 6, break_on_hyphens=False
    )
    shown = {}
    for param, value, differs in rows(params, names):
        text = format_value(value)
        shown[param.name] = f"{text} * (default {format_value(param.default)})" if differs else text
    value_w = min(24, max((len(t) for t in shown.values()), default=0))  # longer values shift
    group = None
    for param in (PARAMS[n] for n in shown):
        if param.group != group:
            group = param.group
            out += ["", f"[{group}]"]
        value = shown[param.name]
        out.append(
            f"  {param.name:<{name_w}}  {value:<{value_w}}  {param.range_text()} {param.unit}"
        )
        out += wrap.wrap(param.meaning)
        out += wrap.wrap(f"Source: {param.source}")
    return "\n".join(out)


CSV_COLUMNS = (
    "group",
    "name",
    "value",
    "default",
    "differs",
    "kind",
    "lo",
    "hi",
    "unit",
    "label",
    "meaning",
    "source",
)


def render_csv(params: ParamSet, names: list[str] | None = None) -> str:
    """One CSV row per parameter (all, or ``names``) with the columns of :data:`CSV_COLUMNS`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for param, value, differs in rows(params, names):
        writer.writerow(
            [
                param.group,
                param.name,
                format_value(value),
                format_value(param.default),
                "true" if differs else "false",
                param.kind.__name__,
                "" if param.lo is None else format_value(param.lo),
                "" if param.hi is None else format_value(param.hi),
                param.unit,
                param.label,
                param.meaning,
                param.source,
            ]
        )
    return buf.getvalue().rstrip("\n")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(params: ParamSet, names: list[str] | None = None) -> str:
    """One Markdown table of the parameters (all, or ``names``; bold where they differ)."""
    out = [
        "| Parameter | Value | Range | Unit | Meaning | Source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for param, value, differs in rows(params, names):
        shown = format_value(value)
        if differs:
            shown = f"**{shown}** (default {format_value(param.default)})"
        cells = (
            f"`{param.name}`",
            shown,
            param.range_text(),
            param.unit,
            param.meaning,
            param.source,
        )
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(out)


@click.command(name="describe")
@click.argument("scenario", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "csv", "markdown"]),
    default="text",
    show_default=True,
    help="text for reading, csv for tools, markdown for docs.",
)
@click.option(
    "--group",
    "groups",
    multiple=True,
    metavar="GROUP",
    help="Only this parameter group, e.g. levers or effects (repeatable).",
)
@click.option("--changed", is_flag=True, help="Only values that differ from the default.")
def command(scenario: str | None, fmt: str, groups: tuple[str, ...], changed: bool) -> None:
    """Show every parameter: value, range, unit, meaning and source.

    With SCENARIO (a bundled name or a .toml file), values are the
    scenario's and those differing from the default are marked; without it,
    the defaults. --group and --changed narrow the list.

    \b
    Examples:
      crmsim describe baseline --group levers --group effects
      crmsim describe no_sponsor --changed
    """
    sc = load(scenario) if scenario is not None else None
    params = sc.params if sc is not None else ParamSet()
    names = select(params, groups, changed) if groups or changed else None
    if fmt == "csv":
        click.echo(render_csv(params, names))
    elif fmt == "markdown":
        click.echo(render_markdown(params, names))
    else:
        click.echo(render_text(params, sc, names))
