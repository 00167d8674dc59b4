"""Fingerprints of bundled runs, to show a refactor changed nothing.

Prints one JSON object: for every bundled scenario and seed, a SHA-256 of the
weekly series (bytes), the summary and the events; plus a run with agents,
a mid-run intervention and a played game. Compare two outputs with ``diff``::

    .venv/bin/python scripts/fingerprint.py > before.json
    # ... change the code ...
    .venv/bin/python scripts/fingerprint.py > after.json && diff before.json after.json
"""

from __future__ import annotations

import hashlib
import json
import sys


def _digest(ts, summary, events) -> str:
    h = hashlib.sha256()
    h.update(",".join(ts.columns).encode())
    for col in ts.columns:
        h.update(ts[col].to_numpy().tobytes())
    h.update(json.dumps(summary, sort_keys=True, default=str).encode())
    h.update(json.dumps(events, sort_keys=True, default=str).encode())
    return h.hexdigest()[:20]


def main() -> None:
    from crmsim.model import CrmModel
    from crmsim.runner import simulate, summarise
    from crmsim.scenario import bundled, load

    out: dict[str, str] = {}
    seeds = [int(s) for s in sys.argv[1:]] or [1, 2, 3, 7]
    for name in bundled():
        sc = load(name)
        for seed in seeds:
            r = simulate(sc, seed)
            out[f"{name}/{seed}"] = _digest(r.timeseries, r.summary, r.events)
    # agents on (Mesa objects read through to the arrays)
    r = simulate(load("baseline"), 5, create_agents=True)
    out["baseline/agents/5"] = _digest(r.timeseries, r.summary, r.events)
    # mid-run interventions
    for seed in seeds:
        m = CrmModel(load("baseline").params, rng=seed)
        for week in range(156):
            if week == 20:
                m.intervene({"levers.training": 0.9, "levers.process_analysis": 0.8})
            if week == 40:
                m.intervene({"levers.pilot_first": 1.0, "visibility.level": 0.9})
            if week == 60:
                m.intervene({"levers.expert_help": 1.0, "restructuring.depth": 0.2})
            m.step()
        ts = m.timeseries()
        out[f"intervene/{seed}"] = _digest(ts, summarise(ts, m.events, 0.7), m.events)
    # a played game
    from crmsim.game.loading import load_game
    from crmsim.game.saving import replay

    seq = [
        ["sponsor_speech", "training_wave"],
        ["pilot_department", "restructure_department:sales"],
        ["hire_consultants", "make_results_visible"],
        ["manager_workshop", "announce_milestone"],
        ["bring_customers_in", "project_team"],
        ["top_team_offsite", "process_analysis"],
    ]
    for seed in seeds[:2]:
        game = load_game("support_system", seed=seed)
        tg = replay(game, seq)
        r = tg.result()
        out[f"game/{seed}"] = _digest(r.timeseries, r.summary, r.events)
        out[f"game/{seed}/score"] = json.dumps(tg.standing(), sort_keys=True, default=str)
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
