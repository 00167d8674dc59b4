"""The plan on disk: ``plan.parquet`` from a plan, and a plan back from a store (resume)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from crmsim.batch.plan import Cell, Plan, RunSpec, ScenarioEntry
from crmsim.errors import CrmsimError
from crmsim.money import USD, Money, parse_money
from crmsim.params import PARAMS, ParamSet, lookup
from crmsim.scenario import Scenario, load

if TYPE_CHECKING:
    import pandas as pd


def plan_frame(plan: Plan) -> pd.DataFrame:
    """The plan as a table: one row per run (``plan.parquet``)."""
    import pandas as pd

    rows = []
    for r in plan.runs:
        row: dict[str, Any] = {
            "run_id": r.run_id,
            "cell": r.cell,
            "scenario": r.scenario,
            "replicate": r.replicate,
            "seed": r.seed,
        }
        swept = dict(r.swept)
        row.update({n: swept.get(n) for n in plan.sweep_names})
        row["rerun"] = r.rerun
        rows.append(row)
    df = pd.DataFrame(rows)
    for name in plan.sweep_names:
        kind = PARAMS[name].kind
        df[name] = df[name].astype({int: "Int64", bool: "boolean"}.get(kind, "float64"))
    return df


def stored_money(entry: Mapping[str, Any]) -> Money:
    """The currency of one scenario of a batch's manifest (``"money"``).

    A batch stored before the manifest recorded it: the scenario file's
    currency, read again from its path or name, else US dollars.
    """
    name = str(entry.get("name", "scenario"))
    if isinstance(entry.get("money"), Mapping):
        try:
            return parse_money(entry["money"], f"manifest.json {name}")
        except CrmsimError:
            return USD
    for ref in (entry.get("path"), entry.get("ref")):
        if ref:
            try:
                return load(ref).money
            except CrmsimError:
                continue
    return USD


def plan_from_store(manifest: Mapping[str, Any], runs: pd.DataFrame) -> Plan:
    """Rebuild a stored plan (for ``--resume``) from the manifest and ``plan.parquet``.

    The scenarios' parameters come from the manifest, not from the files,
    so a resumed batch finishes exactly what was planned even if a scenario
    file changed since.

    Raises:
        CrmsimError: when the rebuilt plan does not match the stored fingerprint.
    """
    entries = []
    for s in manifest["scenarios"]:
        params = ParamSet(s["params"])
        scenario = Scenario(
            name=s["name"], description=s.get("description", ""), params=params,
            chain=tuple(s.get("inherits", ())), money=stored_money(s),
        )  # fmt: skip
        sweep = {k: tuple(v) for k, v in s.get("sweep", {}).items()}
        entries.append(
            ScenarioEntry(s["name"], s["ref"], scenario, s["replicates"], sweep, s["set"], params)
        )
    by_name = {e.name: e for e in entries}
    cells = []
    for c in manifest["cells"]:
        swept = tuple((k, lookup(k).coerce(v)) for k, v in c["swept"].items())
        params = by_name[c["scenario"]].params.with_updates(dict(swept))
        cells.append(Cell(c["cell"], c["scenario"], swept, params))
    specs = []
    for row in runs.to_dict("records"):
        cell = cells[int(row["cell"])]
        specs.append(
            RunSpec(
                int(row["run_id"]), cell.index, row["scenario"], int(row["replicate"]),
                int(row["seed"]), cell.swept, row["rerun"],
            )
        )  # fmt: skip
    plan = Plan(
        int(manifest["root_seed"]), tuple(entries), tuple(cells), tuple(specs),
        common_seeds=bool(manifest.get("common_seeds", False)),
    )  # fmt: skip
    if manifest.get("fingerprint") and plan.fingerprint() != manifest["fingerprint"]:
        raise CrmsimError(
            "the stored plan is inconsistent (fingerprint differs); start a new batch"
        )
    return plan
