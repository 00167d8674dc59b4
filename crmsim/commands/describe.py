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

from crmsim.params import PARAMS, Param, ParamSet
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


def rows(params: ParamSet) -> Iterator[tuple[Param, Any, bool]]:
    """Each declared parameter with its value here and whether that differs from the default."""
    for name, param in PARAMS.items():
        value = params[name]
        yield param, value, value != param.default


def _heading(scenario: Scenario | None) -> str:
    if scenario is None:
        return "Default parameter values (no scenario)"
    head = f"Scenario {scenario.name}: {scenario.description}"
    if scenario.chain:
        head += f" [inherits {' <- '.join(scenario.chain)}]"
    return head


def render_text(params: ParamSet, scenario: Scenario | None = None) -> str:
    """Parameters grouped by group, two to four lines each, fitting :data:`WIDTH` columns."""
    name_w = max(len(n) for n in PARAMS)
    out = textwrap.wrap(_heading(scenario), WIDTH)
    changed = sum(1 for _, _, differs in rows(params) if differs)
    out.append(f"{len(PARAMS)} parameters; * marks the {changed} that differ from the default.")
    wrap = textwrap.TextWrapper(
        width=WIDTH, initial_indent=" " * 6, subsequent_indent=" " * 6, break_on_hyphens=False
    )
    shown = {}
    for param, value, differs in rows(params):
        text = format_value(value)
        shown[param.name] = f"{text} * (default {format_value(param.default)})" if differs else text
    value_w = min(24, max(len(t) for t in shown.values()))  # longer values just shift
    group = None
    for param in PARAMS.values():
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


def render_csv(params: ParamSet) -> str:
    """One CSV row per parameter with the columns of :data:`CSV_COLUMNS`."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for param, value, differs in rows(params):
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


def render_markdown(params: ParamSet) -> str:
    """One Markdown table of every parameter (values in bold where they differ)."""
    out = [
        "| Parameter | Value | Range | Unit | Meaning | Source |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for param, value, differs in rows(params):
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
def command(scenario: str | None, fmt: str) -> None:
    """Show every parameter: value, range, unit, meaning and source.

    With SCENARIO (a bundled name or a .toml file), values are the
    scenario's and those differing from the default are marked; without it,
    the defaults.
    """
    sc = load(scenario) if scenario is not None else None
    params = sc.params if sc is not None else ParamSet()
    if fmt == "csv":
        click.echo(render_csv(params))
    elif fmt == "markdown":
        click.echo(render_markdown(params))
    else:
        click.echo(render_text(params, sc))
