"""The one exception type for bad input.

A :class:`CrmsimError` carries a single line that names the problem and the
fix. The CLI prints it and exits with code 2, without a traceback.
"""


class CrmsimError(Exception):
    """Bad user input: a scenario, parameter, flag or file that cannot be used."""
