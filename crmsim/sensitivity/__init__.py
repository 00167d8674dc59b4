"""Which parameters matter: global sensitivity analysis with SALib, run as a batch.

One function per step, shared by ``crmsim sensitivity``, ``crmsim levers``
and the tests; each lives in the submodule named after its step, and every
public name is re-exported here (``from crmsim import sensitivity as sa``):

1. :func:`choose_factors` (:mod:`~crmsim.sensitivity.factors`) — the
   parameters varied and their ranges. A range is the parameter's declared
   ``[lo, hi]`` (:mod:`crmsim.params`), narrowed by the scenario file's
   ``[batch]`` sweep (the smallest and largest swept value) and, above that,
   by ``--params name=lo:hi``. Parameters fixed by ``[batch] set`` or
   ``--set`` are held at their value. The whole analysis, decided before
   anything runs, is a :class:`Design` (:mod:`~crmsim.sensitivity.design`).
2. :func:`sample` (:mod:`~crmsim.sensitivity.sampling`) — SALib's Morris
   trajectories or Sobol' (Saltelli) sample, its seed derived from the
   batch's root seed.
3. :func:`plan_points` (:mod:`~crmsim.sensitivity.sampling`) — the sample
   as a batch plan (:func:`crmsim.batch.make_points_plan`): one cell per
   point, ``R`` replicates each, every run seeded from the root seed.
4. :func:`evaluate` (:mod:`~crmsim.sensitivity.evaluation`) — the runs,
   through the batch engine (parallel, resumable, stored); or, for analytic
   test functions, a stand-in model written through the same storage path.
5. :func:`point_outputs` (:mod:`~crmsim.sensitivity.outputs`) — per point,
   the replicate mean of the chosen output, its standard deviation and
   standard error; missing values handled by :func:`output_values`.
6. :func:`analyse` (:mod:`~crmsim.sensitivity.analysis`) — SALib's Morris
   or Sobol' analysis of the point means, with bootstrap confidence
   intervals, and the replicate noise next to the indices
   (:func:`noise_report`); :func:`format_indices` prints them.

``crmsim levers`` moves one lever at a time instead
(:mod:`~crmsim.sensitivity.levers`: :func:`lever_plan`, :func:`lever_points`,
:func:`lever_table`, :func:`lever_swings`, :func:`format_swings`).

**Missing outputs** (a week that never came counts as ``run.weeks + 1``)
are explained in :mod:`~crmsim.sensitivity.outputs`; **replicate noise**
(each point is a mean of ``R`` noisy runs, so an index below
``noise_floor`` cannot be told from noise) in
:mod:`~crmsim.sensitivity.analysis`.
"""

from crmsim.sensitivity.analysis import (
    CONF_LEVEL,
    RESAMPLES,
    Analysis,
    ConstantOutput,
    analyse,
    format_indices,
    noise_report,
    noise_tied_ranks,
    ranking,
)
from crmsim.sensitivity.design import (
    DEFAULT_REPLICATES,
    DEFAULT_SAMPLES,
    METHODS,
    MORRIS_LEVELS,
    Design,
    design_from_flags,
    fresh_seed,
)
from crmsim.sensitivity.evaluation import StandIn, evaluate
from crmsim.sensitivity.factors import Factor, choose_factors, parse_params
from crmsim.sensitivity.levers import (
    DEFAULT_LEVER_REPLICATES,
    format_swings,
    lever_plan,
    lever_points,
    lever_swings,
    lever_table,
)
from crmsim.sensitivity.outputs import (
    OUTPUTS,
    WEEK_OUTPUTS,
    output_values,
    point_outputs,
    resolve_output,
)
from crmsim.sensitivity.sampling import (
    SAMPLE_FILE,
    plan_points,
    points,
    read_sample,
    sample,
    write_sample,
)

__all__ = [
    "CONF_LEVEL",
    "DEFAULT_LEVER_REPLICATES",
    "DEFAULT_REPLICATES",
    "DEFAULT_SAMPLES",
    "METHODS",
    "MORRIS_LEVELS",
    "OUTPUTS",
    "RESAMPLES",
    "SAMPLE_FILE",
    "WEEK_OUTPUTS",
    "Analysis",
    "ConstantOutput",
    "Design",
    "Factor",
    "StandIn",
    "analyse",
    "choose_factors",
    "design_from_flags",
    "evaluate",
    "format_indices",
    "format_swings",
    "fresh_seed",
    "lever_plan",
    "lever_points",
    "lever_swings",
    "lever_table",
    "noise_report",
    "noise_tied_ranks",
    "output_values",
    "parse_params",
    "plan_points",
    "point_outputs",
    "points",
    "ranking",
    "read_sample",
    "resolve_output",
    "sample",
    "write_sample",
]
