"""What the commands share: the consoles, the model option, logging to the terminal and coded errors.

Results go to standard output (`console`); errors and warnings to standard error (`err_console`), one line
each, so that a script can keep the two apart.
"""

from __future__ import annotations

import logging
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console

from ..errors import PipelineError

console = Console()
err_console = Console(stderr=True)

ModelOption = Annotated[
    Optional[str],
    typer.Option(
        "--model",
        "-m",
        metavar="NAME",
        help="'fast' (the default) or 'accurate' (needs `pip install 'de-entities\\[accurate]'`), another model "
        "in models/, an installed spaCy pipeline such as de_core_news_sm, or a path.",
    ),
]


def log_to_console() -> None:
    """Show the package's progress messages; spaCy's own logger has its own handler already."""
    logger = logging.getLogger("pipeline")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def say_error(text: str) -> None:
    """One message on standard error, red in a terminal, never wrapped or read as markup."""
    err_console.print(text, style="red", markup=False, highlight=False, soft_wrap=True)


def warn(text: str) -> None:
    err_console.print(text, style="yellow", markup=False, highlight=False, soft_wrap=True)


def fail(err: PipelineError) -> NoReturn:
    say_error(str(err))
    raise typer.Exit(code=err.exit_code)
