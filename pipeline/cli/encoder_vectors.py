"""`de-entities encoder-vectors`: the accurate model's knowledge of words as a static table for the fast one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import console, log_to_console


def encoder_vectors_cli(
    output: Annotated[Path, typer.Option(help="The table file to write (.npz; a .json summary goes beside it).")],
    teacher: Annotated[str, typer.Option(help="The model whose tuned encoder layers encode the words.")] = "accurate",
    max_words: Annotated[int, typer.Option(help="Words in the table (each costs width x 2 bytes).")] = 200_000,
    width: Annotated[int, typer.Option(help="Columns per word after PCA.")] = 32,
) -> None:
    """Encode each word of a vocabulary alone with the accurate model's tuned encoder, for `de-entities train
    --encoder-vectors` (the fast model reads the table beside its floret vectors)."""
    import spacy
    from thinc.api import Config

    from ..names.lexicon import lexicon_dir
    from ..nlp.loading import SETTINGS_PATH, resolve_model
    from ..training.encoder_vectors import VectorOptions, build_encoder_vectors

    log_to_console()
    train = Path(Config().from_disk(SETTINGS_PATH)["data"]["train"])
    nlp = spacy.load(resolve_model(teacher))
    summary = build_encoder_vectors(output, nlp, train, lexicon_dir(), VectorOptions(max_words=max_words, width=width))
    console.print(
        f"Saved {summary['words']:,} words x {width} columns to {output} "
        f"(explained variance {summary['explained_variance']:.2f})"
    )
