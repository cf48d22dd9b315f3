"""Shared CLI plumbing: the root group, error handling, output formats."""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import Any, Callable, Iterable

import click

from .. import __version__
from ..errors import ClaimgraphError

FORMATS = ("table", "json", "csv")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="claimgraph")
def main() -> None:
    """claimgraph: who says who did what to whom, from news text, with provenance."""


INTERRUPTED_EXIT = 130  # Ctrl-C (SIGINT), as shells report it: 128 + 2
TERMINATED_EXIT = 143  # SIGTERM: 128 + 15


class Terminated(BaseException):
    """SIGTERM arrived. A BaseException like KeyboardInterrupt, so that no handler of one input's failure
    (``except Exception``) takes it for that input's error: the command stops, keeping what it stored."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def handle_errors(func: Callable) -> Callable:
    """Turn library errors, Ctrl-C and SIGTERM into a one-line message and an exit code; never a traceback.
    Worker processes leave both signals to this process (claimgraph.extract), which stops them."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        previous = _on_sigterm(_terminate)
        try:
            return func(*args, **kwargs)
        except ClaimgraphError as exc:
            click.echo(f"claimgraph: error: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("claimgraph: interrupted", err=True)
            sys.exit(INTERRUPTED_EXIT)
        except Terminated:
            click.echo("claimgraph: terminated", err=True)
            sys.exit(TERMINATED_EXIT)
        except BrokenPipeError:
            sys.exit(0)
        finally:
            _on_sigterm(previous)

    return wrapper


def _on_sigterm(handler: Any) -> Any:
    """Install ``handler`` for SIGTERM (on the main thread only, where Python delivers signals); the previous."""
    import signal
    import threading

    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


def default_workers() -> int:
    """Processes for NLP by default: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def workers_option(func: Callable) -> Callable:
    return click.option("--workers", default=default_workers, show_default="the number of cores",
                        type=click.IntRange(1, 64), help="Processes for the NLP pipeline.")(func)


class Progress:
    """A progress line on stderr: counts and rate, and with a known ``total`` a bar, done/total and the time
    left. Silent when disabled or when stderr is not a terminal. ``update`` takes any summary with ``seen``
    (items handled) and ``line()``."""

    def __init__(self, enabled: bool, total: int | None = None):
        from rich.console import Console

        self.console = Console(stderr=True)
        self.enabled = enabled and self.console.is_terminal
        self.total = total
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> "Progress":
        if self.enabled:
            from rich.progress import (
                BarColumn, MofNCompleteColumn, Progress as Bar, SpinnerColumn, TextColumn, TimeElapsedColumn,
                TimeRemainingColumn,
            )

            columns: list = [SpinnerColumn(), TextColumn("{task.description}", markup=False)]
            if self.total is not None:
                columns += [BarColumn(), MofNCompleteColumn(), TimeRemainingColumn()]
            columns.append(TimeElapsedColumn())
            self._bar = Bar(*columns, console=self.console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task("starting", total=self.total)
        return self

    def update(self, summary: Any) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=summary.seen, description=summary.progress_text())

    def problem(self, exc: Exception) -> None:
        self.console.print(f"claimgraph: skipped: {exc}", markup=False, highlight=False, soft_wrap=True)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


def kb_option(func: Callable) -> Callable:
    return click.option(
        "--kb", "kb_paths", multiple=True, type=click.Path(dir_okay=True),
        help="Extra knowledge-base YAML file or folder (repeatable; also $CLAIMGRAPH_KB).",
    )(func)


def format_option(default: str = "table", choices: Iterable[str] = FORMATS) -> Callable:
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default, show_default=True)


def emit_rows(rows: list[dict], fmt: str, columns: list[str] | None = None, title: str | None = None) -> None:
    """Print rows as a rich table, JSON list or CSV."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    columns = columns or (list(rows[0].keys()) if rows else [])
    if fmt == "csv":
        import csv

        writer = csv.DictWriter(sys.stdout, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: csv_cell(row.get(k)) for k in columns})
        return
    from .tables import print_table

    if not rows:
        click.echo(f"{title}: none" if title else "none")
        return
    print_table([[_cell(row.get(c)) for c in columns] for row in rows], columns, title)


def csv_cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP's rule; numbers are left alone)."""
    from ..export.common import csv_safe

    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return str(csv_safe(_cell(value)))


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def min_confidence_option(func: Callable) -> Callable:
    return click.option(
        "--min-confidence", "min_confidence", type=click.FloatRange(0.0, 1.0), default=None, metavar="P",
        help="Leave out statements whose confidence is below P (default: the verifier model's threshold, "
             "see docs/accuracy.md; 0 keeps every statement).")(func)


def resolve_min_confidence(value: float | None) -> float:
    """The threshold given, else the one recorded in the verifier model in use."""
    if value is not None:
        return value
    from ..verifier import default_min_confidence

    return default_min_confidence()


def verifier_option(func: Callable) -> Callable:
    return click.option(
        "--verifier-model", "verifier_model", type=click.Path(dir_okay=False), default=None,
        help="A local verifier model (claimgraph verifier train --db ... -o PATH) instead of the bundled one "
             "(also $CLAIMGRAPH_VERIFIER_MODEL).")(func)
