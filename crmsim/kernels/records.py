"""The typed records the kernels read their numbers from, instead of long argument lists.

A kernel takes the run's parameters as one :func:`param_record` (a numpy
structured array of one row, one field per declared number, named as the
parameter with ``_`` for ``.``: ``confidence.memory`` is
``prm.confidence_memory``) and the week's computed signals as one small
array indexed by the named constants of :data:`SIGNALS`
(``signals[COMMON]``). numba reads both by name, so two numbers can no
longer be passed in each other's place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from crmsim.params import PARAMS

_KINDS = {float: np.float64, int: np.int64, bool: np.bool_}


def field_name(name: str) -> str:
    """The record field of a dotted parameter name (``confidence.memory`` -> ``confidence_memory``)."""
    return name.replace(".", "_")


PARAM_DTYPE = np.dtype([(field_name(n), _KINDS[p.kind]) for n, p in PARAMS.items()])
"""One field per declared parameter, typed as declared."""
assert len(PARAM_DTYPE.names) == len(PARAMS), "two parameters share a record field name"

SIGNALS: tuple[str, ...] = (
    "clarity_factor",  # restructuring clarity (S5, effects)
    "manager_signal",  # common signal plus the sponsor's message (S8)
    "common",  # results, dip and milestone everybody sees (S6-S8)
    "strain",  # what makes trying frustrating: overload, defects (S3, S10)
    "cut",  # the innovation rate's factor: effects.cut_share when cut, else 1
    "own_scale",  # a user's own benefit's factor: data quality (S6, S9)
    "use_bonus",  # a routine user's extra signal: incentives (CAL-11.6)
    "mandate_push",  # rate of take-up forced by a mandate (CAL-11.1)
    "reject_factor",  # the rejection hazard's factor: monitoring deters (CAL-11.1)
)
"""The week's computed inputs of the kernels; each is read and written by its
named index below (a float array: cheaper to fill each week than a record)."""
(
    CLARITY_FACTOR, MANAGER_SIGNAL, COMMON, STRAIN, CUT_FACTOR, OWN_SCALE, USE_BONUS,
    MANDATE_PUSH, REJECT_FACTOR,
) = range(len(SIGNALS))  # fmt: skip


def param_record(values: Mapping[str, Any]) -> np.ndarray:
    """Every parameter's value as a one-row record array of :data:`PARAM_DTYPE`."""
    rec = np.zeros(1, dtype=PARAM_DTYPE)
    for name in PARAMS:
        rec[0][field_name(name)] = values[name]
    return rec


def signals_record() -> np.ndarray:
    """The week's :data:`SIGNALS`, zeroed (the rules fill them each week by index name);
    the factors (``own_scale``, ``reject_factor``) start at 1."""
    sig = np.zeros(len(SIGNALS))
    sig[OWN_SCALE] = sig[REJECT_FACTOR] = 1.0
    return sig
