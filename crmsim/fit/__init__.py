"""Fitting the model to a firm's own weekly data (``crmsim fit``, docs/fit.md).

:mod:`crmsim.fit.data` reads and checks the data file, :mod:`crmsim.fit.problem`
chooses the unknowns, their priors and the actions, :mod:`crmsim.fit.infer`
runs ABC-SMC with pyabc, :mod:`crmsim.fit.forecast` runs the posterior
predictive and the actions on common random numbers, :mod:`crmsim.fit.summary`
and :mod:`crmsim.fit.plots` describe the posterior, :mod:`crmsim.fit.outputs`
and :mod:`crmsim.fit.report` write the folder and the page for the firm, and
:mod:`crmsim.fit.coverage` checks the whole method on synthetic firms.
:func:`crmsim.fit.run.prepare` and :func:`crmsim.fit.run.execute` are the
command's two steps. pyabc is imported only when a fit runs.
"""
