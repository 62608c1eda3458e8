"""`de-entities evaluate`: score a model on a GermEval or CoNLL file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import PipelineError
from .common import ModelOption, console, fail


def evaluate_cli(
    file: Annotated[Path, typer.Argument(help="A GermEval TSV or two-column CoNLL file (.gz is fine).")],
    model: ModelOption = None,
    json_path: Annotated[
        Optional[Path],
        typer.Option(
            "--json", help="Where to write the scores as JSON. Default: <FILE>.scores.json in the current folder."
        ),
    ] = None,
    limit: Annotated[Optional[int], typer.Option(help="Score only the first N sentences.")] = None,
) -> None:
    """Score a model on a gold file: strict spans, 4-class and 12-class views, per type and micro."""
    from ..nlp.loading import load_model
    from ..training.scoring import evaluate, format_table

    try:
        # The model alone, as trained: the stages after it (canonical names) may change labels.
        nlp = load_model(model)
        result = evaluate(nlp, file, limit=limit)
    except PipelineError as err:
        fail(err)
    console.print(format_table(result), highlight=False)
    out = json_path or Path(file.name.split(".")[0] + ".scores.json")
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    console.print(f"Wrote {out}")
