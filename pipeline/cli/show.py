"""`de-entities show`: one article with its entities highlighted in the terminal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..errors import PipelineError
from .common import ModelOption, console, fail


def show_cli(
    file: Annotated[Path, typer.Argument(help="One article (.txt) to show.", exists=True, dir_okay=False)],
    model: ModelOption = None,
) -> None:
    """Print one article with its entities highlighted in the terminal."""
    from rich.text import Text

    from ..batch.readers import Article, read_txt_article
    from ..nlp.build import build_pipeline

    record = read_txt_article(file)
    if not isinstance(record, Article):
        console.print(f"[red]{record.source}: {record.reason}[/red]")
        raise typer.Exit(code=1)
    try:
        nlp = build_pipeline(model)
    except PipelineError as err:
        fail(err)
    doc = nlp(record.text)
    styles = {"PER": "bold magenta", "LOC": "bold green", "ORG": "bold cyan", "MISC": "bold yellow"}
    text = Text(doc.text)
    for ent in doc.ents:
        text.stylize(styles.get(ent.label_, "bold"), ent.start_char, ent.end_char)
    header = " ".join(x for x in (record.id, record.date) if x)
    console.print(f"[dim]{header}[/dim]")
    console.print(text)
    legend = "  ".join(f"[{style}]{label}[/{style}]" for label, style in styles.items())
    console.print(f"\n{legend}   [dim](derived and part mentions are shown in their base label)[/dim]")
