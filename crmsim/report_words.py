"""The words of a handout (:mod:`crmsim.report`): settings, values, scenarios, weeks.

In the current language (:mod:`crmsim.i18n`); :mod:`crmsim.report` re-exports
:func:`setting_text`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from crmsim.i18n import _, localized
from crmsim.params import PARAMS


def setting_text(name: str, value: Any) -> str:
    """One changed setting in plain words, e.g. ``"Training: 0.8 (usual 0.5)"``."""
    p = PARAMS.get(name)
    if p is None:
        return f"{name}: {value}"
    return _("{label}: {value} (usual {usual})").format(
        label=_(p.label), value=value_text(value), usual=value_text(p.default)
    )


def value_text(v: Any) -> str:
    if isinstance(v, bool):
        return _("yes") if v else _("no")
    if isinstance(v, float):
        return f"{v:g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def scenario_text(scenario: dict[str, Any]) -> str:
    """A run's scenario description in the current language (from its bundled file if any)."""
    from crmsim.scenario import bundled, load

    text = scenario.get("description") or ""
    if text and scenario.get("name") in bundled():
        bundled_text = load(scenario["name"]).description
        return localized(bundled_text) if bundled_text == text else text
    return text


def median_cell(weeks: pd.Series) -> str:
    """``"week 17 (all)"``, ``"week 85 (4 of 6)"`` or ``"never"``."""
    happened = weeks.dropna()
    if happened.empty:
        return _("never")
    share = (
        _("all")
        if len(happened) == len(weeks)
        else _("{k} of {n}").format(k=len(happened), n=len(weeks))
    )
    return _("week {week:.0f} ({share})").format(week=happened.median(), share=share)
