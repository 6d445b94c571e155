"""Command-line entry point: a thin layer over the library. NeurolitError becomes a message and exit status 1."""

from __future__ import annotations

import sys

from rich.console import Console
from rich.markup import escape

from neurolit import __version__
from neurolit.commands import apps

# Importing a command module registers its commands on the apps (see neurolit/commands/__init__.py).
# One line per stage module:
from neurolit.commands import fetch as _fetch  # noqa: F401
from neurolit.commands import ner as _ner  # noqa: F401  (annotate, eval ner)
from neurolit.commands import refresh as _refresh  # noqa: F401  (refresh, schedule, mirror)
from neurolit.commands import relations as _relations  # noqa: F401  (extract, run, eval relations)
from neurolit.commands import review as _review  # noqa: F401  (review, export)
from neurolit.commands import train as _train  # noqa: F401  (registers `neurolit train ner`)
from neurolit.errors import NeurolitError

app = apps.app


def _version_callback(value: bool) -> None:
    if value:
        print(f"neurolit {__version__}")
        raise SystemExit(0)


@app.callback()
def _root(
    version: bool = apps.typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """neurolit: PubMed → mutation–drug–response evidence table, reviewed by curators."""


def main(argv: list[str] | None = None) -> None:
    try:
        app(args=argv, prog_name="neurolit")
    except NeurolitError as exc:
        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
