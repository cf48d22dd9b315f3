"""One exception root: every error claimgraph raises on purpose derives from ClaimgraphError.

The CLI turns these into a one-line message and an exit code; anything else is a bug.
"""

from __future__ import annotations

import os


class ClaimgraphError(Exception):
    """Root of all claimgraph errors. ``exit_code`` is what the CLI exits with."""

    exit_code = 1


class InputError(ClaimgraphError):
    """The input cannot be processed (empty, binary, not UTF-8, not English, too large, malformed)."""

    exit_code = 3


class DataFileError(ClaimgraphError):
    """A knowledge or ontology data file is invalid; the message names the file and line."""

    exit_code = 4

    def __init__(self, path: str | os.PathLike[str], message: str, line: int | None = None):
        self.path = str(path)
        self.line = line
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


class PipelineError(ClaimgraphError):
    """The NLP pipeline cannot be loaded or run (e.g. the spaCy model is missing)."""

    exit_code = 5


class StoreError(ClaimgraphError):
    """The database cannot be opened, migrated or written."""

    exit_code = 6


class NotFoundError(ClaimgraphError):
    """A named actor, document or statement does not exist."""

    exit_code = 2


class OfflineError(ClaimgraphError):
    """A URL was given but the network cannot be reached."""

    exit_code = 7


class ConfigError(ClaimgraphError):
    """A setting cannot be used as given (a server on a public address without a token, a bad port)."""

    exit_code = 8


class VerifierError(ClaimgraphError):
    """The statement verifier's model file is missing, unreadable or made for another feature schema."""

    exit_code = 9
