"""The workshop dashboard: a live Mesa ``SolaraViz`` view of the organisation.

``crmsim workshop`` serves :mod:`crmsim.dashboard.app`. The modules:

- :mod:`~crmsim.dashboard.controls`: which declared parameters are controls,
  their grouping and slider ranges, and the frozen :class:`Setup` a model is
  built from.
- :mod:`~crmsim.dashboard.orgview`: the organisation as a drawable network:
  a sample of people, a layout computed once from the seed, colours by
  adoption state and sizes by role; the geometry (which teams, where each
  person sits) in :mod:`~crmsim.dashboard.orglayout`.
- :mod:`~crmsim.dashboard.session`: the model one browser session runs: one
  or two CRM roll-outs from the same seed, stepped together.
- :mod:`~crmsim.dashboard.charts`: the time charts and the project timeline.
- :mod:`~crmsim.dashboard.app`: the page.

Only ``app`` and ``charts`` import Solara; nothing here is imported by the
model.
"""
