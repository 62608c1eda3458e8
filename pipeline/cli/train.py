"""`de-entities train`: train the NER model from GermEval 2014 and save it with its meta."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import PipelineError
from .common import console, fail, log_to_console


def train_cli(
    output: Annotated[
        Optional[Path], typer.Option(help="Where to save the pipeline. Default: the shipped model in models/.")
    ] = None,
    limit: Annotated[
        Optional[int], typer.Option(help="Smoke run: train and score on the first N sentences only.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same model.")] = 0,
    max_steps: Annotated[Optional[int], typer.Option(help="Stop after this many updates (default: config).")] = None,
    vectors: Annotated[
        Optional[str],
        typer.Option(
            help="Pipeline or folder whose floret vectors to use. Default: the shipped model. 'none' for none."
        ),
    ] = None,
    train_path: Annotated[Optional[Path], typer.Option("--train", help="Training data (GermEval/CoNLL).")] = None,
    dev_path: Annotated[Optional[Path], typer.Option("--dev", help="Development data (GermEval/CoNLL).")] = None,
    config: Annotated[Optional[Path], typer.Option(help="spaCy training config.")] = None,
    init_tok2vec: Annotated[
        Optional[str],
        typer.Option(
            help="Pretrained tok2vec weights (from `pretrain`). Default: the file in settings; 'none' for none."
        ),
    ] = None,
) -> None:
    """Train the German NER model from GermEval 2014 in data/ and save it with its meta and dev scores."""
    from thinc.api import Config

    from ..nlp.loading import SETTINGS_PATH, default_model_name, models_dir, resolve_model
    from ..training.train import CONFIG_PATH, TrainOptions, train

    log_to_console()
    settings = Config().from_disk(SETTINGS_PATH)
    name = default_model_name()
    try:
        vectors_path: Path | None = None
        if vectors != "none":
            vectors_path = Path(resolve_model(vectors or name))
        pretrained = init_tok2vec or settings["data"]["init_tok2vec"]
        options = TrainOptions(
            init_tok2vec=None if pretrained == "none" else Path(pretrained),
            train_path=train_path or Path(settings["data"]["train"]),
            dev_path=dev_path or Path(settings["data"]["dev"]),
            output=output or models_dir() / name,
            vectors=vectors_path,
            name=name,
            config=config or CONFIG_PATH,
            seed=seed,
            limit=limit,
            max_steps=max_steps,
        )
        meta = train(options)
    except PipelineError as err:
        fail(err)
    perf = meta["performance"]
    console.print(
        f"Saved {options.output}: dev F1 4-class {perf['ents_f_4class']:.4f}, "
        f"12-class {perf['ents_f_12class']:.4f}, {perf['speed_words_per_s_dev']} words/s"
    )
