"""Is a batch complete? Planned, done, failed and missing runs, from the plan and the store.

Every analysis of a run directory (``compare``, ``report``, ``plot``,
``export``, ``check``) reads :func:`completeness` and says what it shows
out of what was planned, so an interrupted batch is never taken for the
whole batch: "baseline · 60 of 200 runs (140 missing, interrupted)".

- *planned*: runs in ``plan.parquet``;
- *done*: stored and finished without error;
- *failed*: stored with an error (run, but left out of the figures);
- *missing*: not stored (never run, lost with an interruption, or still in
  the journal; ``--resume`` runs or commits them).

A batch is complete when nothing is missing and no chunk is damaged; failed
runs are reported, not counted as missing (``--resume --retry-failed``
runs them again). ``--require-complete`` refuses an incomplete batch with
one line and exit code 2, like any input a command cannot use.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from crmsim.errors import CrmsimError
from crmsim.store_parts import lock_held, resume_command

if TYPE_CHECKING:
    from crmsim.storage import RunStore

STATES = ("done", "failed", "missing")


@dataclass
class Completeness:
    """How much of a planned batch is stored.

    Attributes:
        root: The run directory.
        kind: The manifest's ``kind``, e.g. ``"crmsim batch"``.
        status: The manifest's ``status`` (``running``, ``complete``, ``interrupted``, ...).
        runs: The plan (``run_id``, ``cell``, ``scenario``, swept values) with a
            ``state`` column: ``done``, ``failed`` or ``missing``.
        dims: The dimensions a group can be formed by (``scenario`` and the swept names).
        damaged: Damaged chunks: part number -> what is wrong.
        running: A process holds the directory's lock now.
        resume: The command that finishes the batch.
    """

    root: Path
    kind: str
    status: str
    runs: pd.DataFrame
    dims: list[str]
    damaged: dict[int, str] = field(default_factory=dict)
    running: bool = False
    resume: str = ""

    @property
    def planned(self) -> int:
        """Runs in the plan."""
        return len(self.runs)

    def count(self, state: str) -> int:
        """Runs in ``state`` (``done``, ``failed`` or ``missing``)."""
        return int((self.runs["state"] == state).sum())

    @property
    def complete(self) -> bool:
        """Every planned run is stored (with or without error) and no chunk is damaged."""
        return self.count("missing") == 0 and not self.damaged

    @property
    def why(self) -> str:
        """Why runs are missing: ``interrupted``, ``running now``, ``damaged``, ..."""
        if self.damaged:
            return "damaged"
        if self.running:
            return "running now"
        if self.status in ("running", "interrupted"):
            return "interrupted"
        if self.status == "complete":
            return "lost since the batch finished"
        return self.status or "incomplete"

    def groups(self, by: Sequence[str]) -> pd.DataFrame:
        """Per group of ``by``: ``planned``, ``done``, ``failed``, ``missing``."""
        by = [d for d in by if d in self.runs.columns] or ["scenario"]
        grouped = self.runs.groupby(by, sort=True, dropna=False)["state"]
        counts = grouped.value_counts().unstack(fill_value=0)
        counts = counts.reindex(columns=list(STATES), fill_value=0).astype(int)
        counts.insert(0, "planned", counts.sum(axis=1))
        return counts.reset_index().rename_axis(columns=None)

    def runs_text(self) -> str:
        """``"200 runs"`` or ``"60 of 200 runs (140 missing, interrupted)"``."""
        done, failed, missing = (self.count(s) for s in STATES)
        failed_text = f", {failed} failed" if failed else ""
        if self.complete:
            return f"{done} runs" + (f" ({failed} failed)" if failed else "")
        return f"{done} of {self.planned} runs ({missing} missing{failed_text}, {self.why})"

    def headline(self) -> str:
        """One line for the screen: complete, or what is missing and how to finish."""
        if self.complete:
            failed = self.count("failed")
            left = f" ({failed} failed, left out of the figures)" if failed else ""
            return f"Complete: all {self.planned} planned runs are stored{left}."
        return f"Incomplete batch: {self.runs_text()}. Finish with: {self.resume}"

    def caption(self, by: Sequence[str], width: int = 110) -> str:
        """A figure's caption: the headline and the groups that are not complete."""
        import textwrap

        if self.complete:
            return self.headline()
        text = f"Incomplete batch: {self.runs_text()}."
        groups = [line.strip() for line in self.group_lines(by)]
        if groups:
            more = f"; and {len(groups) - 4} more" if len(groups) > 4 else ""
            text += " Missing: " + "; ".join(groups[:4]) + more + "."
        text += f" Finish with: {self.resume}"
        return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))

    def group_lines(self, by: Sequence[str]) -> list[str]:
        """One line per group that is not complete, e.g. ``big_bang: 0 of 100 runs``."""
        from crmsim.analysis import group_label

        table = self.groups(by)
        keys = [c for c in table.columns if c not in ("planned", *STATES)]
        lines = []
        for row in table.itertuples(index=False):
            values = dict(zip(table.columns, row, strict=True))
            if values["missing"]:
                label = group_label(keys, [values[k] for k in keys])
                lines.append(
                    f"  {label}: {values['done']} of {values['planned']} runs "
                    f"({values['missing']} missing)"
                )
        return lines

    def require(self) -> None:
        """Refuse an incomplete batch (``--require-complete``).

        Raises:
            CrmsimError: one line naming what is missing and the fix.
        """
        if self.complete:
            return
        table = self.groups(["scenario"])
        short = [f"{r.scenario} {r.done} of {r.planned}" for r in table.itertuples() if r.missing]
        where = f" ({'; '.join(short[:4])}{'; ...' if len(short) > 4 else ''})" if short else ""
        damaged = f", {len(self.damaged)} damaged chunk(s)" if self.damaged else ""
        raise CrmsimError(
            f"{self.root} is incomplete: {self.count('done')} of {self.planned} runs done, "
            f"{self.count('missing')} missing{damaged}{where}; finish it with {self.resume}"
        )


def completeness(store: RunStore, full: bool = False) -> Completeness:
    """The completeness of the batch in ``store`` (planned runs against stored ones).

    Args:
        store: An open run store.
        full: Check every row of every chunk (``crmsim check``); otherwise the
            chunks' footers and row counts only.
    """
    manifest = store.manifest
    plan = store.plan()
    damaged = store.damaged(full=full)
    dims = ["scenario", *[n for n in store.sweep_names if n in plan.columns]]
    status = store.stored_status(skip=damaged)
    state = plan["run_id"].map(lambda r: _state(status.get(int(r))))
    runs = plan[["run_id", "cell", *dims]].assign(state=state.to_numpy())
    return Completeness(
        root=store.root,
        kind=str(manifest.get("kind") or "crmsim batch"),
        status=str(manifest.get("status") or ""),
        runs=runs,
        dims=dims,
        damaged=damaged,
        running=lock_held(store.root),
        resume=resume_command(store.root, manifest),
    )


def _state(status: Any) -> str:
    if status is None:
        return "missing"
    return "done" if status == "ok" else "failed"


def sound_completeness(store: RunStore, require: bool = False) -> Completeness:
    """What the analyses read: the completeness of a batch whose chunks are sound.

    Args:
        store: An open run store.
        require: Refuse an incomplete batch (``--require-complete``).

    Raises:
        CrmsimError: one line for a damaged chunk (naming it and the resume
            command that recomputes it), or for an incomplete batch when required.
    """
    found = completeness(store)
    if found.damaged:
        problem = next(iter(found.damaged.values()))
        more = f" (and {len(found.damaged) - 1} more)" if len(found.damaged) > 1 else ""
        raise CrmsimError(f"{store.root}: {problem}{more}; {store.part_fix}")
    if require:
        found.require()
    return found
