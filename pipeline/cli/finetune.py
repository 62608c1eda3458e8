"""`de-entities finetune`: tune the encoder's first layers on GermEval, for the accurate model (needs torch)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import PipelineError
from .common import console, fail, log_to_console


def finetune_cli(
    output: Annotated[Path, typer.Option(help="Folder for tuned_layers.npz, .json and the int8 tuned_layers.onnx.")],
    layers: Annotated[int, typer.Option(help="Tune and keep the first N of the encoder's 12 layers.")] = 8,
    epochs: Annotated[float, typer.Option(help="Passes over the training sentences.")] = 2.0,
    learn_rate: Annotated[float, typer.Option(help="Peak learning rate (linear warm-up and decay).")] = 1.5e-4,
    limit: Annotated[Optional[int], typer.Option(help="Smoke run: the first N training sentences only.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 0,
    train_path: Annotated[Optional[Path], typer.Option("--train", help="Training data (GermEval/CoNLL).")] = None,
    dev_path: Annotated[Optional[Path], typer.Option("--dev", help="Development data (GermEval/CoNLL).")] = None,
) -> None:
    """Fine-tune the encoder's layers on GermEval 2014; pass the ONNX file to `train --tuned-encoder`."""
    from thinc.api import Config

    from ..nlp.loading import SETTINGS_PATH
    from ..training.export import ONNX_FILE, export_onnx
    from ..training.finetune import TUNED_FILE, FinetuneOptions, finetune

    log_to_console()
    settings = Config().from_disk(SETTINGS_PATH)
    options = FinetuneOptions(
        train_path=train_path or Path(settings["data"]["train"]),
        dev_path=dev_path or Path(settings["data"]["dev"]),
        output=output,
        n_layers=layers,
        epochs=epochs,
        learn_rate=learn_rate,
        limit=limit,
        dev_limit=min(limit, 1000) if limit else 1000,
        seed=seed,
    )
    try:
        summary = finetune(options)
        graph = export_onnx(output / TUNED_FILE, layers, output / ONNX_FILE)
    except PipelineError as err:
        fail(err)
    console.print(
        f"Tuned {layers} layers in {summary['seconds']} s: dev F1 (word tags, 4 classes) "
        f"{summary['best_dev_f1_4class_tokens']:.4f}. Saved {graph}"
    )
