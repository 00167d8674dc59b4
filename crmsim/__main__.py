"""``python -m crmsim``: the same command line as the ``crmsim`` script."""

from crmsim.cli import main

main()
