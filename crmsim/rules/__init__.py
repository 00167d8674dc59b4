"""The weekly rules, one module per phase, each a function of the state and the parameters.

In the order :meth:`crmsim.engine.Engine.advance` applies them (``docs/model.md``
gives every equation):

* :mod:`~crmsim.rules.rollout` -- which units are live; training at go-live (S3).
* :mod:`~crmsim.rules.restructuring` -- restructuring as a fading event (S5; off by default).
* :mod:`~crmsim.rules.turnover` -- staff and sponsor turnover (S9; off by default).
* :mod:`~crmsim.rules.accounts` -- costs, learning loss, disruption, benefits, profit (S7).
* :mod:`~crmsim.rules.data_quality` -- the customer data's quality (S6, S9).
* :mod:`~crmsim.rules.perception` -- visible results, the dip, milestone reviews (S6-S8),
  and the senders' credibility (:mod:`~crmsim.rules.credibility`; off by default).
* :mod:`~crmsim.rules.sponsor` -- the sponsor and executives, retreat, resources (S4).
* :mod:`~crmsim.rules.managers` -- resistance, confidence, stance and gate (S5).
* :mod:`~crmsim.rules.frontline` -- the staff's confidence (S6, S8, S9).
* :mod:`~crmsim.rules.adoption` -- adoption transitions, from the week's draws (S6, S9).
* :mod:`~crmsim.rules.mandate` -- mandated use and incentives (S2; off by default).
* :mod:`~crmsim.rules.learning` -- skill growth (S3).

:mod:`~crmsim.rules.support` holds the support capacity several phases read;
:mod:`~crmsim.rules.recording` the weekly record; :mod:`~crmsim.rules.intervention`
a mid-run change of parameters. Every rule reads and
writes a :class:`crmsim.state.State`; the compiled inner loops are in
:mod:`crmsim.kernels`.
"""

from typing import Any

Params = dict[str, Any]
"""Every parameter's value by dotted name, as the rules read them: a plain dict
(fast to read each week; :meth:`crmsim.params.ParamSet.to_dict`). The kernels read
the same values as one typed record, :attr:`crmsim.state.State.prm`."""
