"""The analyst's workbench: a local web app and REST API over the store (``claimgraph serve``, docs/workbench.md).

A thin layer: each page and API route makes the library calls the CLI makes and presents the result.
"""

from .app import create_app
from .settings import WebSettings, make_settings

__all__ = ["WebSettings", "create_app", "make_settings"]
