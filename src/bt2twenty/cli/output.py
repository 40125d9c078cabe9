"""The one path for user-facing output: messages, step lines, tables, progress and errors.

Everything printed goes through `redact`, so a secret never reaches the terminal. Normal output
goes to stdout; warnings and errors go to stderr.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from bt2twenty.errors import Bt2TwentyError
from bt2twenty.redaction import redact

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def info(message: str) -> None:
    """Print a plain line to stdout."""
    stdout.print(escape(redact(message)))


def success(message: str) -> None:
    """Print a line that reports a finished step."""
    stdout.print("[green]✓[/green] " + escape(redact(message)))


def warn(message: str) -> None:
    """Print a warning to stderr."""
    stderr.print("[yellow]warning:[/yellow] " + escape(redact(message)))


def error(failure: BaseException | str) -> None:
    """Print an error and, for the tool's own errors, the hint that says what to do next."""
    if isinstance(failure, Bt2TwentyError):
        stderr.print("[red]error:[/red] " + escape(failure.message))
        if failure.hint:
            stderr.print(escape(failure.hint))
        return
    stderr.print("[red]error:[/red] " + escape(redact(str(failure))))


def print_json(document: Any) -> None:
    """Print a JSON document to stdout, for scripts (`--json` options)."""
    stdout.print_json(redact(json.dumps(document, default=str)))


def table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Print rows as a table with a title."""
    rendered = Table(title=redact(title), title_justify="left")
    for column in columns:
        rendered.add_column(column)
    for row in rows:
        rendered.add_row(*(escape(redact("" if cell is None else str(cell))) for cell in row))
    stdout.print(rendered)


@contextmanager
def step(name: str) -> Iterator[None]:
    """Print "name … done" around a block, or "name … FAILED" if it raises."""
    stdout.print(escape(redact(name)) + " …")
    try:
        yield
    except BaseException:
        stdout.print(escape(redact(name)) + " … [red]FAILED[/red]")
        raise
    stdout.print(escape(redact(name)) + " … [green]done[/green]")


def progress() -> Progress:
    """Return a progress display with counts, elapsed time and an estimate of time left."""
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    )


def phase_bars(bar: Progress) -> Callable[[str, int], Callable[[int], None]]:
    """Return the `on_phase` callback of the pipeline: one bar per phase on `bar`.

    A phase whose total is unknown (0) gets a bar without an end.
    """

    def on_phase(name: str, total: int) -> Callable[[int], None]:
        task = bar.add_task(name, total=total or None)
        return lambda count: bar.advance(task, count)

    return on_phase


def command(verb: str, project: object, twenty_url: str | None = None, *extra: str) -> str:
    """Return a command line a person can copy: the verb with the project and Twenty URL."""
    parts = ["bt2twenty", verb, "--project", str(project)]
    if twenty_url:
        parts += ["--twenty-url", twenty_url]
    return "`" + " ".join([*parts, *extra]) + "`"
