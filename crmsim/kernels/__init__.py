"""Compiled inner loops of the weekly update (numba), one pass over the people each.

The array engine in :mod:`crmsim.model` keeps every attribute of every
person in a numpy array. Written as whole-array numpy expressions, a week at
10,000 employees costs about 300 small numpy calls, and their call overhead,
not arithmetic, dominates. These kernels do the same arithmetic in one loop
per phase, compiled with numba (as Covasim and Starsim compile theirs), and
read and write the model's arrays in place.

The rules are the model's; ``docs/model.md`` gives them as equations, and
:mod:`crmsim.reference` restates them person by person for the tests. The
order of floating-point operations follows the numpy expressions they
replace (peer sums add neighbours in CSR order from 0.0, as scipy does), so
the only differences from a numpy version are ``exp`` (libm here, numpy's
own SIMD version there: at most one unit in the last place).

:func:`compiled` stores the compiled code next to this file (or in numba's
user-wide cache when that is not writable), so only the first use on a
machine compiles (about two seconds).
"""

from crmsim.kernels.adoption import adopt
from crmsim.kernels.compiling import compiled
from crmsim.kernels.confidence import (
    _peer_means,
    conviction_sum,
    executives,
    frontline,
    managers,
    unit_messages,
)
from crmsim.kernels.layouts import jagged_diagonals, neighbour_table
from crmsim.kernels.normal import inv_normal, leavers
from crmsim.kernels.records import PARAM_DTYPE, SIGNALS, field_name, param_record, signals_record
from crmsim.kernels.senders import confirmation, plan_share, unit_credibility
from crmsim.kernels.sums import np_sum, people_summary
from crmsim.kernels.tallies import (
    count_state,
    skill_after,
    user_summary,
    user_tallies,
)
from crmsim.kernels.units import restructure_units, unit_relief
from crmsim.kernels.weekend import learn_and_tally, mandate_tallies

__all__ = [
    "PARAM_DTYPE",
    "SIGNALS",
    "_peer_means",
    "adopt",
    "compiled",
    "confirmation",
    "conviction_sum",
    "count_state",
    "executives",
    "field_name",
    "frontline",
    "jagged_diagonals",
    "inv_normal",
    "learn_and_tally",
    "leavers",
    "managers",
    "mandate_tallies",
    "neighbour_table",
    "np_sum",
    "people_summary",
    "param_record",
    "plan_share",
    "signals_record",
    "restructure_units",
    "skill_after",
    "unit_credibility",
    "unit_messages",
    "unit_relief",
    "user_summary",
    "user_tallies",
]
