"""``crmsim check``: the state of a run directory, and what ``--resume`` would do.

Exit code 0 when the directory is complete and sound, 1 when runs are
missing or a file is damaged, 2 when it is not a crmsim folder (or its
manifest or plan cannot be read: nothing can resume it).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from crmsim.i18n import N_

MAX_GROUP_LINES = 20
"""Groups listed one per line; more are summed up by scenario."""

require_complete_option: Callable[[Any], Any] = click.option(
    "--require-complete",
    is_flag=True,
    help=N_(
        "Refuse a batch with missing runs or damaged chunks (one line, exit code 2), "
        "for scripts; without it an incomplete batch is shown with what is missing."
    ),
)
"""The ``--require-complete`` flag of the analyses (compare, plot, report, export)."""


@click.command(name="check")
@click.argument("run_dir", type=click.Path(path_type=Path))
def command(run_dir: Path) -> int:
    """Say whether the run or batch in RUN_DIR is complete and sound, and how to finish it.

    For a batch (crmsim batch, levers, sensitivity, validate, calibrate):
    its status, planned, done, failed and missing runs per scenario or grid
    cell, damaged chunks (every row is read), runs waiting in the journal,
    whether the batch is running now or was interrupted, and what --resume
    would do. For a single run: whether its files are whole.

    Exit code 0 when complete and sound, 1 when incomplete or damaged, 2
    when RUN_DIR is not a crmsim folder.
    """
    from crmsim.errors import CrmsimError
    from crmsim.files import UNKNOWN, folder_kind

    kind = folder_kind(run_dir)
    if kind is None:
        raise CrmsimError(f"{run_dir} is not a folder; give a run directory")
    if kind == "crmsim run":
        return _check_run(run_dir)
    if kind in ("", UNKNOWN) or not (run_dir / "plan.parquet").exists():
        raise CrmsimError(
            f"{run_dir} holds no crmsim run or batch; give a directory written by crmsim "
            "run, batch, levers, sensitivity, validate or calibrate"
        )
    return _check_batch(run_dir)


def _check_run(root: Path) -> int:
    from crmsim.errors import CrmsimError
    from crmsim.files import read_json, read_parquet

    problems = []
    for name in ("manifest.json", "summary.json", "events.json"):
        try:
            read_json(root / name, name)
        except CrmsimError as exc:
            problems.append(str(exc))
    try:
        read_parquet(root / "timeseries.parquet", "weekly series")
    except CrmsimError as exc:
        problems.append(str(exc))
    if not problems:
        click.echo(f"{root}: a single run (crmsim run); its files are whole.")
        return 0
    click.echo(f"{root}: a single run (crmsim run) with damaged files:")
    for problem in problems:
        click.echo(f"  {problem}")
    click.echo("Run it again into a new --out (its manifest.json holds the command line).")
    return 1


def _check_batch(root: Path) -> int:
    from crmsim.completeness import completeness
    from crmsim.storage import RunStore

    with RunStore.open(root) as store:
        found = completeness(store, full=True)
        journal = {int(p.stem.split("-")[1]) for p in (root / "pending").glob("run-*.run")}
        waiting = found.runs[found.runs["state"] == "missing"]["run_id"]
        pending = len(journal & {int(r) for r in waiting})
        aside = len(list((root / "damaged").glob("*.parquet")))
    status = found.status or "unknown"
    if found.running:
        state = "running now (a process holds its lock)"
    elif status == "running":
        state = "interrupted (no process holds its lock)"
    else:
        state = "complete and sound" if found.complete else f"runs {found.why}"
    click.echo(f"{root}: {found.kind}, manifest status {status!r}; {state}")
    done, failed, missing = (found.count(s) for s in ("done", "failed", "missing"))
    click.echo(
        f"planned {found.planned}, done {done}, failed {failed}, missing {missing}"
        + (" (complete)" if found.complete else "")
    )
    for line in _group_lines(found):
        click.echo(line)
    for n, problem in found.damaged.items():
        click.echo(f"damaged chunk {n}: {problem}")
    if aside:
        click.echo(f"{aside} damaged part(s) set aside earlier in {root / 'damaged'}")
    if pending:
        click.echo(f"{pending} finished run(s) in the journal, not yet in a chunk")
    if found.complete and not pending:
        if failed:
            click.echo(f"{failed} runs failed; {found.resume} --retry-failed runs them again")
        return 0
    if found.running:
        click.echo("--resume: wait for the running batch to finish (it holds the lock)")
        return 1
    todo = []
    if found.damaged:
        todo.append(f"set aside {len(found.damaged)} damaged chunk(s) in {root / 'damaged'}")
    if pending:
        todo.append(f"commit {pending} journalled run(s)")
    if missing - pending > 0:
        todo.append(f"run {missing - pending} missing run(s)")
    click.echo(f"--resume would: {', '.join(todo)}.")
    click.echo(f"  {found.resume}")
    return 1


def _group_lines(found: Any) -> list[str]:
    table = found.groups(found.dims)
    by = found.dims if len(table) <= MAX_GROUP_LINES else ["scenario"]
    if by != found.dims:
        table = found.groups(by)
    lines = []
    from crmsim.analysis import group_label

    for row in table.to_dict("records"):
        label = group_label(by, [row[d] for d in by])
        lines.append(
            f"  {label}: planned {row['planned']}, done {row['done']}, failed {row['failed']}, "
            f"missing {row['missing']}"
        )
    return lines
