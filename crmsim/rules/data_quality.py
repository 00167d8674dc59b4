"""Phase 3b, data quality (S6, S9; CAL-10.x): a stock built by routine use, eroded by
work-arounds, compliance-only entry and the data going stale.

Runs right after the accounts, from the shares the accounts counted; the benefit
of the next week reads the new value (``data.benefit_weight``).
"""

from __future__ import annotations

from crmsim.codes import CANCELLED, WEEKS_PER_YEAR
from crmsim.rules import Params
from crmsim.state import State


def weekly_decay(per_month: float) -> float:
    """A monthly decay share as a weekly one: ``1 - (1 - m) ** (12 / 52)`` (CAL-10.1)."""
    return 1.0 - (1.0 - per_month) ** (12.0 / WEEKS_PER_YEAR)


def update_data_quality(s: State, p: Params) -> None:
    """``q += build * using * (1 - q) - q * (decay + reject * rejecting + comply * compliance)``."""
    pr = s.project
    q = pr.data_quality
    using = 0.0 if pr.status == CANCELLED else pr.using_share
    gain = p["data.build_rate"] * using * (1.0 - q)
    loss = q * (
        weekly_decay(p["data.decay_per_month"])
        + p["data.rejection_erosion"] * pr.rejecting_share
        + p["data.compliance_erosion"] * pr.compliance_share
    )
    pr.data_quality = min(1.0, max(0.0, q + gain - loss))
