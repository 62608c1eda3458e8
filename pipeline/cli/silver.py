"""`de-entities silver`: label raw German text with the accurate model, as training data for the fast one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import PipelineError
from .common import console, fail, log_to_console


def silver_cli(
    sources: Annotated[
        list[Path], typer.Argument(help="Raw text folders or files (.txt/.txt.gz, one paragraph a line).")
    ],
    output: Annotated[Path, typer.Option(help="Folder for the labelled parts; a rerun adds the missing ones.")],
    parts: Annotated[int, typer.Option(help="How many parts to label.")] = 12,
    part_paragraphs: Annotated[int, typer.Option(help="Paragraphs per part (about 50 words each).")] = 4000,
    every: Annotated[int, typer.Option(help="Take every n-th paragraph of each source, to spread the sample.")] = 20,
    teacher: Annotated[str, typer.Option(help="The model that labels the text.")] = "accurate",
    workers: Annotated[int, typer.Option(help="Processes that label in parallel.")] = 2,
) -> None:
    """Label raw German text with a teacher model, for `de-entities train --silver` (distillation)."""
    from ..training.silver import SilverOptions, build_silver

    log_to_console()
    options = SilverOptions(
        sources=tuple(str(source) for source in sources),
        teacher=teacher,
        every=every,
        part_paragraphs=part_paragraphs,
    )
    try:
        manifest = build_silver(output, options, parts=parts, n_procs=workers)
    except PipelineError as err:
        fail(err)
    words = sum(counts["words"] for counts in manifest["parts"].values())
    console.print(f"Saved {len(manifest['parts'])} parts, {words:,} words, to {output}")
