"""claimgraph: who says who did what to whom, from news text, with provenance."""

__version__ = "0.1.0"
