"""``python -m claimgraph.cli``: the same command as ``claimgraph``."""

from . import main

main()
