"""`de-entities vectors`: train floret vectors on raw German text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import console, log_to_console


def vectors_cli(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Raw text folders or files (.txt/.txt.gz, one paragraph a line), each optionally with its own "
            "word budget as PATH:WORDS."
        ),
    ],
    output: Annotated[Path, typer.Option(help="Folder for the spaCy pipeline that holds only the vectors.")],
    words: Annotated[int, typer.Option(help="Words to take from a source without its own budget.")] = 6_000_000,
    germeval_copies: Annotated[
        int, typer.Option(help="Add the GermEval train sentences (data/germeval2014) as raw text this many times.")
    ] = 0,
    dim: Annotated[int, typer.Option(help="Vector width.")] = 100,
    bucket: Annotated[int, typer.Option(help="Floret hash buckets (rows of the table).")] = 75_000,
    epoch: Annotated[int, typer.Option(help="Training epochs.")] = 5,
    threads: Annotated[int, typer.Option(help="Training threads.")] = 2,
) -> None:
    """Train floret subword vectors on raw German text, for `de-entities train --vectors`."""
    from thinc.api import Config

    from ..nlp.loading import SETTINGS_PATH
    from ..training.vectors import build_vectors

    log_to_console()
    budgets = []
    for source in sources:
        path, _, budget = source.rpartition(":") if source.rpartition(":")[2].isdigit() else (source, "", "")
        budgets.append((Path(path), int(budget) if budget else words))
    train_text = Path(Config().from_disk(SETTINGS_PATH)["data"]["train"]) if germeval_copies else None
    build_vectors(
        budgets,
        output,
        germeval=train_text,
        copies=germeval_copies,
        dim=dim,
        bucket=bucket,
        epoch=epoch,
        threads=threads,
    )
    console.print(f"Saved vectors to {output}")
