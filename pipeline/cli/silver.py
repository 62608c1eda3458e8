"""`de-entities silver`: label raw German text with the accurate model, as training data for the fast one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import PipelineError
from .common import console, fail, log_to_console


def silver_cli(
    sources: Annotated[
        Optional[list[Path]],
        typer.Argument(help="Raw text folders or files (.txt/.txt.gz, one paragraph a line). Default: settings."),
    ] = None,
    output: Annotated[
        Optional[Path], typer.Option(help="Folder for the labelled parts; a rerun adds the missing ones.")
    ] = None,
    parts: Annotated[Optional[int], typer.Option(help="How many parts to label.")] = None,
    part_paragraphs: Annotated[Optional[int], typer.Option(help="Paragraphs per part (about 50 words each).")] = None,
    every: Annotated[
        Optional[int], typer.Option(help="Take every n-th paragraph of each source, to spread the sample.")
    ] = None,
    teacher: Annotated[Optional[str], typer.Option(help="The model that labels the text.")] = None,
    workers: Annotated[int, typer.Option(help="Processes that label in parallel.")] = 2,
) -> None:
    """Label raw German text with a teacher model, for `de-entities train --silver` (distillation).

    With no arguments it builds the silver data of the shipped fast model, as [silver] in settings.cfg says.
    """
    from thinc.api import Config

    from ..nlp.loading import SETTINGS_PATH
    from ..training.silver import SilverOptions, build_silver

    log_to_console()
    settings = Config().from_disk(SETTINGS_PATH)["silver"]
    options = SilverOptions(
        # Absolute, so that the folder's manifest means the same text whatever the working directory.
        sources=tuple(str(Path(source).resolve()) for source in (sources or settings["sources"])),
        teacher=teacher or settings["teacher"],
        every=every or settings["every"],
        part_paragraphs=part_paragraphs or settings["part_paragraphs"],
    )
    out = output or Path(settings["folder"])
    try:
        manifest = build_silver(out, options, parts=parts or settings["parts"], n_procs=workers)
    except PipelineError as err:
        fail(err)
    words = sum(counts["words"] for counts in manifest["parts"].values())
    console.print(f"Saved {len(manifest['parts'])} parts, {words:,} words, to {out}")
