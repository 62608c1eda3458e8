"""`de-entities run`: the batch run over a corpus, with a progress bar in a terminal."""

from __future__ import annotations

import signal
import time
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from ..errors import PipelineError
from .common import ModelOption, console, fail, warn

if TYPE_CHECKING:
    from ..batch.options import RunOptions, RunSummary

# Failed articles listed after the summary without --verbose.
SHOWN_FAILURES = 5


def run_cli(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Article .txt files, folders (recursive), JSONL or CSV/TSV files; '-' reads JSONL from stdin."
        ),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", "-o", metavar="DIR", help="Output folder; reused incrementally on the next run."),
    ],
    model: ModelOption = None,
    force: Annotated[bool, typer.Option(help="Process every article again, even if unchanged.")] = False,
    excel: Annotated[bool, typer.Option(help="Write CSV in the German Excel dialect: ';' and a UTF-8 BOM.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help=f"List every failed article, not only the first {SHOWN_FAILURES}.")
    ] = False,
    text_field: Annotated[str, typer.Option(help="JSONL/CSV field (or 0-based column) with the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="JSONL/CSV field (or column) with the article ID.")] = "id",
    title_field: Annotated[str, typer.Option(help="JSONL/CSV field (or column) with the title.")] = "title",
    date_field: Annotated[str, typer.Option(help="JSONL/CSV field (or column) with the date.")] = "date",
    delimiter: Annotated[
        Optional[str], typer.Option(help="CSV delimiter. Default: ',' for .csv, tab for .tsv.")
    ] = None,
    quotechar: Annotated[str, typer.Option(help="CSV quote character.")] = '"',
    no_header: Annotated[
        bool, typer.Option("--no-header", help="CSV files have no header row; give fields as column numbers.")
    ] = False,
    batch_size: Annotated[
        Optional[int],
        typer.Option(help="Articles per nlp.pipe batch. Default: 64, 16 for the accurate model (settings.cfg)."),
    ] = None,
    workers: Annotated[
        Optional[int], typer.Option(help="Worker processes (local) or expected workers (dask). Default: the cores.")
    ] = None,
    engine: Annotated[
        str, typer.Option(help="'local' (processes on this machine) or 'dask' (a Dask cluster).")
    ] = "local",
    scheduler: Annotated[
        Optional[str], typer.Option(help="Dask scheduler address, e.g. tcp://host:8786. Default: a LocalCluster.")
    ] = None,
) -> None:
    """Extract the entities of a corpus into tables: one per article, and mentions, entities, articles."""
    from ..batch.driver import run
    from ..batch.engines import default_workers
    from ..batch.options import Interrupted, RunOptions
    from ..batch.readers import ReadOptions, check_inputs
    from ..nlp.loading import default_batch_size

    try:
        check_inputs(inputs)  # before the progress bar reads them
    except PipelineError as err:
        fail(err)
    read = ReadOptions(
        text_field=text_field,
        id_field=id_field,
        title_field=title_field,
        date_field=date_field,
        delimiter=delimiter,
        quotechar=quotechar,
        header=not no_header,
    )
    if engine not in ("local", "dask"):
        raise typer.BadParameter("choose 'local' or 'dask'", param_hint="--engine")
    if workers is not None and workers < 1:
        raise typer.BadParameter("must be at least 1", param_hint="--workers")
    if batch_size is not None and batch_size < 1:
        raise typer.BadParameter("must be at least 1", param_hint="--batch-size")
    options = RunOptions(
        model=model,
        force=force,
        excel=excel,
        batch_size=batch_size or default_batch_size(model),
        read=read,
        engine=engine,
        workers=workers or default_workers(),
        scheduler=scheduler,
    )
    show_progress = not quiet and console.is_terminal
    previous = signal.signal(signal.SIGTERM, _stop_on_sigterm)
    try:
        summary = _run_with_progress(inputs, out, options) if show_progress else run(inputs, out, options=options)
    except PipelineError as err:
        fail(err)
    except KeyboardInterrupt as err:
        # Ctrl-C or `kill`: the run stopped its workers and kept every finished article.
        stopped = err if isinstance(err, Interrupted) else Interrupted()
        if stopped.summary is not None:
            console.print(stopped.summary.interrupted_line(), highlight=False, soft_wrap=True)
        raise typer.Exit(code=stopped.exit_code) from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    if not quiet:
        for note in summary.notes:
            console.print(note, highlight=False, soft_wrap=True)
        console.print(summary.line(), highlight=False, soft_wrap=True)
        if summary.errors:
            print_failures(summary.out_dir, limit=None if verbose else SHOWN_FAILURES)
    for warning in summary.warnings:
        warn(warning)
    raise typer.Exit(code=summary.exit_code)


def print_failures(out: Path, *, limit: int | None) -> None:
    """The failed articles with their reasons, from the run's articles table: the first `limit`, or all."""
    from ..batch.driver import failures

    shown, count = failures(out, limit=limit)
    console.print(f"Failed ({count}):", style="red", highlight=False)
    for row in shown:
        console.print(
            f"  {row['article_id']} ({row['source']}): {row['error']}", markup=False, highlight=False, soft_wrap=True
        )
    table = out / "articles.csv"
    if count > len(shown):
        more = f"  ... and {count - len(shown)} more: --verbose lists them all, and so do the status and error"
        console.print(f"{more} columns of {table}.", markup=False, highlight=False, soft_wrap=True)
    else:
        console.print(
            f"  (also in the status and error columns of {table})", markup=False, highlight=False, soft_wrap=True
        )


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> None:
    from ..batch.options import Interrupted

    raise Interrupted(signum)


def _run_with_progress(inputs: list[str], out: Path, options: RunOptions) -> RunSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from ..batch.driver import run
    from ..batch.readers import read_records

    # Counting the inputs first reads them twice, but gives the bar an end and the ETA a meaning.
    total = sum(1 for _ in read_records(inputs, options.read, skip=out)) if "-" not in inputs else None
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[wps]:>8,.0f} words/s"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        # No refresh thread: the run forks its workers, and a fork must not copy a thread that may hold a lock.
        auto_refresh=False,
    ) as bar:
        task = bar.add_task("articles", total=total, wps=0.0)
        state = {"words": 0.0, "shown": 0.0}
        start = time.perf_counter()

        def advance(articles: int, words: int) -> None:
            state["words"] += words
            now = time.perf_counter()
            bar.update(task, advance=articles, wps=state["words"] / max(now - start, 1e-9))
            if now - state["shown"] >= 0.1:  # ten frames a second, as the thread would draw
                state["shown"] = now
                bar.refresh()

        return run(inputs, out, options=options, progress=advance)
