"""`de-entities pretrain`: pretrain the tok2vec on raw German text."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import PipelineError
from .common import console, fail, log_to_console


def pretrain_cli(
    sources: Annotated[
        list[Path], typer.Argument(help="Raw text folders or files (.txt/.txt.gz, one paragraph a line).")
    ],
    output: Annotated[Path, typer.Option(help="Folder for the weights, model<epoch>.bin.")],
    words: Annotated[int, typer.Option(help="Words to take from each source at most.")] = 3_000_000,
    vectors: Annotated[
        Optional[str],
        typer.Option(help="Pipeline or folder whose vectors the tok2vec uses. Default: the shipped model."),
    ] = None,
    config: Annotated[Optional[Path], typer.Option(help="spaCy config with a [pretraining] block.")] = None,
) -> None:
    """Pretrain the tok2vec on raw German text, for `de-entities train --init-tok2vec`."""
    import tempfile

    from ..nlp.loading import default_model_name, resolve_model
    from ..training.pretrain import pretrain, write_raw_jsonl
    from ..training.train import CONFIG_PATH

    log_to_console()
    try:
        vectors_path = None if vectors == "none" else Path(resolve_model(vectors or default_model_name()))
    except PipelineError as err:
        fail(err)
    with tempfile.TemporaryDirectory(prefix="de-entities-pretrain-") as tmp:
        raw = Path(tmp) / "raw.jsonl"
        n = write_raw_jsonl(sources, raw, words=words)
        console.print(f"Pretraining on {n} words")
        pretrain(raw, output, config_path=config or CONFIG_PATH, vectors=vectors_path, overrides={})
    console.print(f"Saved weights to {output}")
