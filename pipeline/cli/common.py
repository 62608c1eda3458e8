"""What the commands share: the console, the model option, logging to the terminal and coded errors."""

from __future__ import annotations

import logging
from typing import Annotated, Optional

import typer
from rich.console import Console

from ..errors import PipelineError

console = Console()

ModelOption = Annotated[
    Optional[str],
    typer.Option(
        "--model",
        "-m",
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


def fail(err: PipelineError) -> None:
    console.print(str(err), style="red", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(code=err.exit_code)
