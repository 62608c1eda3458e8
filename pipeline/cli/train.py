"""`de-entities train`: train the NER model from GermEval 2014 and save it with its meta."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import Errors, OutputError, PipelineError, UsageError
from .common import console, fail, log_to_console


def train_cli(
    ctx: typer.Context,
    model: Annotated[
        Optional[str],
        typer.Option(
            help="Which shipped model to train: 'fast' (default) or 'accurate' (needs the 'accurate' extra). "
            "Sets the config and the output folder in models/."
        ),
    ] = None,
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
    feature_cache: Annotated[
        Optional[Path],
        typer.Option(
            help="Accurate model: folder of encoder features for train and dev, reused if present, else built "
            "there (about 15 minutes on 2 cores). Default: a temporary folder."
        ),
    ] = None,
    tuned_encoder: Annotated[
        Optional[Path],
        typer.Option(
            help="Accurate model: the tuned_layers.onnx of `de-entities finetune`, stored inside the trained "
            "model. Default: the encoder's base layers."
        ),
    ] = None,
    silver: Annotated[
        Optional[str],
        typer.Option(
            help="Folder of silver data from `de-entities silver`, or 'none'. Default: the folder in settings for "
            "the models that are distilled (the fast one), none for the others."
        ),
    ] = None,
    silver_parts: Annotated[
        Optional[int], typer.Option(help="Train on the first N parts of the silver folder (default: settings).")
    ] = None,
    gold_copies: Annotated[
        Optional[int], typer.Option(help="Repeat the gold sentences N times beside the silver (default: settings).")
    ] = None,
) -> None:
    """Train the German NER model from GermEval 2014 in data/ and save it with its meta and dev scores.

    Any setting of the training config can be overridden as spaCy's `train` does, `--section.key value`
    (for example `--training.max_steps 3000 --paths.encoder_vectors table.npz`).
    """
    from spacy.cli._util import parse_config_overrides
    from thinc.api import Config

    from ..nlp.loading import SETTINGS_PATH, default_model_name, models_dir, resolve_model, shipped_name
    from ..training.train import TrainOptions, train
    from ..util import CONFIGS_DIR

    log_to_console()
    settings = Config().from_disk(SETTINGS_PATH)
    name = shipped_name(model)
    # A model's configs, base first: the last one lists how it differs from those before it.
    configs: dict[str, list[str]] = {key: list(value) for key, value in settings["models"]["configs"].items()}
    distil = settings["silver"]["training"]
    silver_folder = silver or (settings["silver"]["folder"] if name in distil["models"] else "none")
    try:
        try:
            overrides: dict[str, object] = parse_config_overrides(list(ctx.args))
        except (SystemExit, Exception):
            # spaCy's parser exits or raises click's errors on an argument that is not `--section.key value`.
            raise UsageError(Errors.E102.format(args=" ".join(ctx.args))) from None
        vectors_path: Path | None = None
        if vectors != "none":
            # The floret vectors come from the fast model, which every shipped model builds on.
            vectors_path = Path(resolve_model(vectors or default_model_name()))
        pretrained = init_tok2vec or settings["data"]["init_tok2vec"]
        layers = configs.get(name, configs[default_model_name()])
        options = TrainOptions(
            init_tok2vec=None if pretrained == "none" else Path(pretrained),
            train_path=train_path or Path(settings["data"]["train"]),
            dev_path=dev_path or Path(settings["data"]["dev"]),
            output=output or models_dir() / name,
            vectors=vectors_path,
            name=name,
            config=config or CONFIGS_DIR / layers[-1],
            base_configs=() if config else tuple(CONFIGS_DIR / layer for layer in layers[:-1]),
            seed=seed,
            limit=limit,
            max_steps=max_steps,
            feature_cache=feature_cache,
            tuned_encoder=tuned_encoder,
            silver=None if silver_folder == "none" else Path(silver_folder),
            # A folder of one's own is used whole unless told otherwise.
            silver_parts=silver_parts or (distil["parts"] if silver is None else None),
            gold_copies=gold_copies or distil["gold_copies"],
            overrides=overrides,
            encoder_vectors=Path(settings["data"]["encoder_vectors"]),
        )
        for folder in (options.output, options.output.with_name(options.output.name + ".tmp")):
            # Training replaces its output folder (and stages the new model next to it): only ever a model.
            if not replaceable(folder):
                raise OutputError(Errors.E072.format(path=folder))
        meta = train(options)
    except PipelineError as err:
        fail(err)
    perf = meta["performance"]
    console.print(
        f"Saved {options.output}: dev F1 4-class {perf['ents_f_4class']:.4f}, "
        f"12-class {perf['ents_f_12class']:.4f}, {perf['speed_words_per_s_dev']} words/s"
    )


def replaceable(folder: Path) -> bool:
    """True if `folder` is missing, empty, or holds a spaCy model that de-entities trained (its meta says so)."""
    import json

    if not folder.exists():
        return True
    if not folder.is_dir() or folder.is_symlink():
        return False
    if not any(folder.iterdir()):
        return True
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get("author") == "de-entities" and (folder / "config.cfg").is_file()
