"""From targets to rows: which cells to run, and every target measured on them.

A *subject* is what is held against the targets: a scenario, possibly with
some values set (``crmsim validate`` has one subject per scenario given;
``crmsim calibrate`` one per trial, with the trial's values). Each target's
arms are laid out on each subject (:func:`layout`); identical cells are run
once. :func:`evaluate` measures every target of every subject on the stored
runs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from crmsim.validation.measures import Estimate, measure, verdict
from crmsim.validation.runs import CellSpec
from crmsim.validation.targets import Arm, Target


@dataclass(frozen=True)
class Subject:
    """A scenario (name or path) with values set on it, under a label."""

    label: str
    ref: str
    set: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Row:
    """One target measured on one subject."""

    target: Target
    estimate: Estimate
    verdict: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (infinite band ends as None)."""
        t, e = self.target, self.estimate

        def num(x: float) -> float | None:
            return None if x != x or x in (float("inf"), float("-inf")) else x

        return {
            "id": t.id, "pattern": t.pattern, "kind": t.kind,
            "band": [num(t.band[0]), num(t.band[1])],
            "value": num(e.value), "lo": num(e.lo), "hi": num(e.hi), "n": e.n,
            "interval": e.method, "detail": e.detail, "verdict": self.verdict,
            "sources": list(t.sources), "source_text": t.source_text, "firmness": t.firmness,
        }  # fmt: skip


def cell_spec(subject: Subject, arm: Arm, seeds: int) -> CellSpec:
    """The cell an arm of a target needs on a subject (the arm's values win)."""
    merged = {**dict(subject.set), **dict(arm.set)}
    runs = min(arm.runs, seeds) if arm.runs else seeds
    return CellSpec(arm.scenario or subject.ref, tuple(sorted(merged.items())), runs)


def layout(
    targets: Sequence[Target], subjects: Sequence[Subject], seeds: int
) -> tuple[list[CellSpec], dict[tuple[int, Arm], int]]:
    """Distinct cells in first-needed order, and ``(subject index, arm) -> cell index``."""
    specs: list[CellSpec] = []
    where: dict[CellSpec, int] = {}
    index: dict[tuple[int, Arm], int] = {}
    for s, subject in enumerate(subjects):
        for target in targets:
            for arm in target.arms():
                spec = cell_spec(subject, arm, seeds)
                if spec not in where:
                    where[spec] = len(specs)
                    specs.append(spec)
                index[(s, arm)] = where[spec]
    return specs, index


def evaluate(
    targets: Sequence[Target],
    subjects: Sequence[Subject],
    fields: pd.DataFrame,
    index: Mapping[tuple[int, Arm], int],
) -> list[list[Row]]:
    """Every target measured on every subject (one list of rows per subject)."""
    by_cell = {int(c): g.set_index("replicate") for c, g in fields.groupby("cell")}
    empty = fields.iloc[0:0].set_index("replicate")
    out = []
    for s in range(len(subjects)):
        rows = []
        for target in targets:
            frames = {arm: by_cell.get(index[(s, arm)], empty) for arm in target.arms()}
            est = measure(target, frames)
            rows.append(Row(target, est, verdict(target, est)))
        out.append(rows)
    return out
