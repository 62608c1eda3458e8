"""`de-entities show`: one article with its entities marked, in colour in a terminal, in plain text elsewhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from ..errors import Errors, PipelineError, UsageError
from .common import ModelOption, console, fail, say_error

STYLES = {"PER": "bold magenta", "LOC": "bold green", "ORG": "bold cyan", "MISC": "bold yellow"}


def show_cli(
    file: Annotated[Path, typer.Argument(help="One article (.txt) to show.", exists=True, dir_okay=False)],
    model: ModelOption = None,
    html: Annotated[
        Optional[Path],
        typer.Option(
            "--html",
            metavar="FILE",
            help="Also write the article as a displaCy HTML page to FILE (self-contained, opens offline).",
        ),
    ] = None,
) -> None:
    """Print one article with its entities marked: in colour in a terminal, else as \\[Putins](PER → Wladimir Putin)."""
    from ..batch.readers import Article, read_txt_article
    from ..nlp.build import build_pipeline

    try:
        if html is not None and html.is_dir():
            raise UsageError(Errors.E084.format(path=html))
        record = read_txt_article(file)
        if not isinstance(record, Article):
            say_error(f"{record.source}: {record.reason}")
            raise typer.Exit(code=1)
        nlp = build_pipeline(model)
    except PipelineError as err:
        fail(err)
    doc = nlp(record.text)
    mentions = sorted(doc._.mentions, key=lambda row: (row["start"], -row["end"]))
    header = " ".join(x for x in (record.id, record.date) if x)
    if console.is_terminal:
        print_in_colour(doc.text, mentions, header)
    else:
        console.print(header, markup=False, highlight=False, soft_wrap=True)
        console.print(marked_text(doc.text, mentions), markup=False, highlight=False, soft_wrap=True)
    if html is not None:
        from ..explore.analysis import article_page
        from ..tables.output import atomic_write_text

        atomic_write_text(html, article_page(doc.text, mentions, title=record.id))
        console.print(f"Wrote {html}", markup=False, highlight=False, soft_wrap=True)


def marked_text(text: str, mentions: list[dict[str, Any]]) -> str:
    """The text with every mention marked as `[Putins](PER → Wladimir Putin)`, or `[Putin](PER)` when the
    mention is its canonical name already."""
    parts: list[str] = []
    position = 0
    for row in mentions:
        start, end = row["start"], row["end"]
        if start < position:
            continue  # mentions do not overlap; this keeps the text whole if one ever did
        canonical = row.get("canonical")
        tag = row["label"] if not canonical or canonical == row["text"] else f"{row['label']} → {canonical}"
        parts += [text[position:start], f"[{text[start:end]}]({tag})"]
        position = end
    parts.append(text[position:])
    return "".join(parts)


def print_in_colour(text: str, mentions: list[dict[str, Any]], header: str) -> None:
    from rich.text import Text

    marked = Text(text)
    for row in mentions:
        marked.stylize(STYLES.get(row["label"], "bold"), row["start"], row["end"])
    console.print(Text(header, style="dim"))
    console.print(marked)
    legend = "  ".join(f"[{style}]{label}[/{style}]" for label, style in STYLES.items())
    console.print(f"\n{legend}   [dim](derived and part mentions are shown in their base label)[/dim]")
