"""The ``claimgraph`` command: thin click commands over the library.

Each command parses arguments, makes one library call and turns claimgraph's own errors into a one-line
message and an exit code. Command groups live in their own modules and register themselves on ``main``.
"""

from __future__ import annotations

from .common import main
from . import (  # noqa: F401,E402  (registration side effect)
    extract_cmd, kb_cmd, store_cmd, db_cmd, eval_cmd, serve_cmd, review_cmd, watch_cmd, verifier_cmd,
)

__all__ = ["main"]
