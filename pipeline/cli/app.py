"""The typer app: one command per module of this package, registered in the order `--help` lists them.

`main` is the `de-entities` command: whatever goes wrong, the user sees one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from ..errors import Errors
from .common import console, say_error
from .encoder_vectors import encoder_vectors_cli
from .evaluate import evaluate_cli
from .finetune import finetune_cli
from .help import Group
from .info import info_cli
from .pretrain import pretrain_cli
from .report import report_cli
from .run import run_cli
from .show import show_cli
from .silver import silver_cli
from .train import train_cli
from .vectors import vectors_cli
from .wordlists import wordlists_cli

app = typer.Typer(
    help="German entity extraction on spaCy: find people, places, organisations and other names.",
    no_args_is_help=True,
    add_completion=False,
    cls=Group,
)
app.command("run")(run_cli)
app.command("show")(show_cli)
app.command("report")(report_cli)
# Unknown options of `train` are spaCy config overrides (`--training.max_steps 3000`), as in `spacy train`.
app.command("train", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(train_cli)
app.command("finetune")(finetune_cli)
app.command("silver")(silver_cli)
app.command("evaluate")(evaluate_cli)
app.command("vectors")(vectors_cli)
app.command("encoder-vectors")(encoder_vectors_cli)
app.command("pretrain")(pretrain_cli)
app.command("wordlists")(wordlists_cli)
app.command("info")(info_cli)


def print_version(value: bool) -> None:
    if value:
        from ..util import VERSION

        console.print(f"de-entities {VERSION}", highlight=False)
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", help="Print the version and exit.", is_eager=True, callback=print_version)
    ] = False,
) -> None:
    """German entity extraction on spaCy: find people, places, organisations and other names."""


# click's exception for a bad command line, found through typer's public `BadParameter` (typer vendors click).
ClickException: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")


def main() -> None:
    """Run the command line; a usage error is one line on stderr with exit code 2, a bug one line with 1."""
    try:
        code = app(standalone_mode=False)
    except ClickException as err:
        if type(err).__name__ == "NoArgsIsHelpError":  # `de-entities` alone: the help is printed already
            sys.exit(int(getattr(err, "exit_code", 2)))
        context = getattr(err, "ctx", None)
        where = f"{context.command_path}: " if context is not None else ""
        more = f" See '{context.command_path} --help'." if context is not None else ""
        say_error(f"{where}{err.format_message()}{more}")  # type: ignore[attr-defined]
        sys.exit(int(getattr(err, "exit_code", 2)))
    except typer.Abort:
        say_error("Aborted.")
        sys.exit(1)
    except Exception as err:
        if os.environ.get("DE_ENTITIES_DEBUG"):
            raise
        say_error(Errors.E085.format(error=f"{type(err).__name__}: {err}"))
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)
