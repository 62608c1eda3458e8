"""The typer app: one command per module of this package, registered in the order `--help` lists them."""

from __future__ import annotations

import typer

from .evaluate import evaluate_cli
from .finetune import finetune_cli
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
)
app.command("run")(run_cli)
app.command("show")(show_cli)
app.command("report")(report_cli)
app.command("train")(train_cli)
app.command("finetune")(finetune_cli)
app.command("silver")(silver_cli)
app.command("evaluate")(evaluate_cli)
app.command("vectors")(vectors_cli)
app.command("pretrain")(pretrain_cli)
app.command("wordlists")(wordlists_cli)


def main() -> None:
    app()
