"""``claimgraph serve``: the workbench (web app and REST API) over a store, on this machine by default."""

from __future__ import annotations

import click

from .common import handle_errors, kb_option, main


@main.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False), envvar="CLAIMGRAPH_DB", default=None,
              help="Database file (default $CLAIMGRAPH_DB or ./claimgraph.db).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. Anything but loopback needs $CLAIMGRAPH_TOKEN.")
@click.option("--port", default=8750, show_default=True, type=int)
@kb_option
@handle_errors
def serve(db_path: str | None, host: str, port: int, kb_paths: tuple[str, ...]) -> None:
    """Serve the analyst's workbench: search, actors, dossiers, contested claims, the network, timelines,
    documents and review, and the REST API under /api/v1. Writes (judgements) need the token: $CLAIMGRAPH_TOKEN,
    or one generated and printed at start."""
    import uvicorn

    from ..store import locate
    from ..web import create_app, make_settings

    settings = make_settings(db=db_path, host=host, port=port, kb_paths=kb_paths)
    app = create_app(settings)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}"
    click.echo(f"claimgraph workbench on {url}/ (database {locate(db_path).label})")
    if settings.token_generated:
        click.echo(f"write token (for reviews; set $CLAIMGRAPH_TOKEN to choose one): {settings.token}")
        click.echo(f"review with the token filled in: {url}/review#token={settings.token}")
    click.echo(f"API: {url}/api/v1 (OpenAPI document: {url}/api/v1/openapi.json). Ctrl-C stops.")
    _tune_collector()
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, date_header=True)


def _tune_collector() -> None:
    """A long-lived server: what start-up loaded (the app, its models, SQLAlchemy's caches) is never garbage, so
    it is moved out of the collector's scans, and the young generation is collected less often (a month of the
    network allocates ~100,000 objects). On the 1,000,000-statement store, network and dossier requests took
    about 1.35x less CPU in-process (docs/performance.md)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
