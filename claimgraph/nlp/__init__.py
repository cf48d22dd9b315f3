"""claimgraph's spaCy components and the pipeline that chains them."""
