"""Tables for the terminal that stay readable at 80 columns and when piped.

Dates, ids, numbers and headers are never folded mid-word: a column is at least as wide as its header and, for
columns that are not running text, as its longest cell. Running text (quotes, snippets, names, lists of who
said what) wraps at spaces and takes the room that is left. When even the narrowest layout is wider than the
output (80 columns when piped, unless $COLUMNS says otherwise), each row is printed as a block of
``column  value`` lines instead. Cells are rich ``Text``, never markup: ``[night-vision]`` in a quote is shown
as written.
"""

from __future__ import annotations

import shutil
import textwrap
from typing import Sequence

import click

# Columns of running text: they wrap at spaces. Everything else (dates, ids, counts, stances) stays whole.
WRAPPING = frozenset({
    "quote", "snippet", "who", "claim", "proposition", "title", "name", "asserter_name", "subject_name",
    "object_name", "aliases", "description", "event_types", "value",
})
# Shorter headers for the terminal (JSON and CSV keep the field names): a header is never folded, so every
# character of it is width a narrow terminal has to find.
LABELS = {"asserter_name": "asserter", "subject_name": "subject", "object_name": "object", "event_type": "event",
          "statement_id": "id", "sources": "src", "first_seen": "first", "last_seen": "last",
          "statements": "n", "propositions": "props"}
_MIN_TEXT = 12  # the narrowest a wrapping column gets, when its words allow
# Long text gets three shares of the room left for every share a name gets.
_LONG_TEXT = frozenset({"quote", "snippet", "who", "claim", "proposition", "title", "description"})


def output_width() -> int:
    """The terminal's width, or $COLUMNS, or 80 when piped."""
    return shutil.get_terminal_size((80, 24)).columns


def print_table(rows: Sequence[Sequence[str]], columns: Sequence[str], title: str | None = None,
                width: int | None = None) -> None:
    width = width or output_width()
    wraps = [c in WRAPPING for c in columns]
    columns = [LABELS.get(c, c) for c in columns]
    minimum = []
    for i, column in enumerate(columns):
        cells = [row[i] for row in rows]
        if wraps[i]:
            longest_word = max((len(w) for cell in cells for w in cell.split()), default=0)
            minimum.append(max(len(column), min(_MIN_TEXT, max((len(c) for c in cells), default=0)), longest_word))
        else:
            minimum.append(max([len(column), *(len(c) for c in cells)]))
    # one space of padding right of each column and one separator between columns, nothing at the edges
    overhead = 2 * (len(columns) - 1)
    if sum(minimum) + overhead > width:
        _print_records(rows, columns, title, width)
        return
    natural = [max([len(c), *(len(row[i]) for row in rows)]) for i, c in enumerate(columns)]
    _print_rich(rows, columns, title, width, _widths(columns, wraps, minimum, natural, width - overhead))


def _widths(columns: Sequence[str], wraps: list[bool], minimum: list[int], natural: list[int],
            room: int) -> list[int]:
    """Column widths within ``room``: fixed columns as wide as their content, wrapping columns at least their
    minimum, the rest of the room shared out (three shares for long text, one for names), none beyond need."""
    widths = [natural[i] if not wraps[i] else minimum[i] for i in range(len(columns))]
    while True:
        spare = room - sum(widths)
        hungry = [i for i in range(len(columns)) if wraps[i] and widths[i] < natural[i]]
        if spare <= 0 or not hungry:
            return widths
        shares = {i: 4 if columns[i] in ("quote", "snippet") else 3 if columns[i] in _LONG_TEXT else 1
                  for i in hungry}
        total = sum(shares.values())
        given = 0
        for i in hungry:
            step = min(natural[i] - widths[i], max(1, spare * shares[i] // total))
            step = min(step, spare - given)
            widths[i] += step
            given += step
        if given == 0:
            return widths


def _print_rich(rows: Sequence[Sequence[str]], columns: Sequence[str], title: str | None, width: int,
                widths: list[int]) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                  padding=(0, 1, 0, 0), title_justify="left")
    for column, size in zip(columns, widths):
        table.add_column(Text(column), width=size, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    console = Console(width=width, highlight=False, soft_wrap=False)
    with console.capture() as capture:
        console.print(table)
    # rich pads every line to the full width; piped output should not carry that
    click.echo("\n".join(line.rstrip() for line in capture.get().splitlines()))


def _print_records(rows: Sequence[Sequence[str]], columns: Sequence[str], title: str | None, width: int) -> None:
    """One block per row, ``column  value`` per line, values wrapped at spaces under themselves."""
    if title:
        click.echo(title)
    label = max((len(c) for c in columns), default=0) + 2
    for number, row in enumerate(rows, start=1):
        click.echo(f"-- {number} " + "-" * max(0, min(width, 40) - len(str(number)) - 4))
        for column, cell in zip(columns, row):
            if not cell:
                continue
            text = textwrap.fill(cell, width=max(width, label + 20), initial_indent=column.ljust(label),
                                 subsequent_indent=" " * label, break_long_words=False, break_on_hyphens=False)
            click.echo(text)
