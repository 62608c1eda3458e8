"""The `de-entities` command line: thin typer wrappers over the plain functions of the package."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console

from .errors import PipelineError

if TYPE_CHECKING:
    from .batch.options import RunOptions, RunSummary

app = typer.Typer(
    help="German entity extraction on spaCy: find people, places, organisations and other names.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()

ModelOption = Annotated[
    Optional[str],
    typer.Option(
        "--model",
        "-m",
        help="A model shipped in models/, an installed spaCy pipeline such as de_core_news_sm, or a path.",
    ),
]


def log_to_console() -> None:
    """Show the package's progress messages; spaCy's own logger has its own handler already."""
    logger = logging.getLogger("pipeline")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def fail(err: PipelineError) -> None:
    console.print(f"[red]{err}[/red]")
    raise typer.Exit(code=1)


@app.command("run")
def run_cli(
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="Article .txt files, folders (recursive), JSONL or CSV/TSV files; '-' reads JSONL from stdin."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder; reused incrementally on the next run.")],
    model: ModelOption = None,
    force: Annotated[bool, typer.Option(help="Process every article again, even if unchanged.")] = False,
    excel: Annotated[bool, typer.Option(help="Write CSV in the German Excel dialect: ';' and a UTF-8 BOM.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")] = False,
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
    batch_size: Annotated[int, typer.Option(help="Articles per nlp.pipe batch.")] = 64,
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
    from .batch.driver import run
    from .batch.engines import default_workers
    from .batch.options import RunOptions
    from .batch.readers import ReadOptions

    for item in inputs:
        if item != "-" and not Path(item).exists():
            raise typer.BadParameter(f"{item} does not exist", param_hint="INPUTS")
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
    options = RunOptions(
        model=model,
        force=force,
        excel=excel,
        batch_size=batch_size,
        read=read,
        engine=engine,
        workers=workers or default_workers(),
        scheduler=scheduler,
    )
    show_progress = not quiet and console.is_terminal
    try:
        summary = _run_with_progress(inputs, out, options) if show_progress else run(inputs, out, options=options)
    except PipelineError as err:
        fail(err)
    if not quiet:
        console.print(summary.line(), highlight=False, soft_wrap=True)
    raise typer.Exit(code=summary.exit_code)


def _run_with_progress(inputs: list[str], out: Path, options: RunOptions) -> RunSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch.driver import run
    from .batch.readers import read_records

    # Counting the inputs first reads them twice, but gives the bar an end and the ETA a meaning.
    total = sum(1 for _ in read_records(inputs, options.read)) if "-" not in inputs else None
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[wps]:>8,.0f} words/s"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = bar.add_task("articles", total=total, wps=0.0)
        state = {"words": 0.0}
        start = time.perf_counter()

        def advance(articles: int, words: int) -> None:
            state["words"] += words
            bar.update(task, advance=articles, wps=state["words"] / max(time.perf_counter() - start, 1e-9))

        return run(inputs, out, options=options, progress=advance)


@app.command()
def show(
    file: Annotated[Path, typer.Argument(help="One article (.txt) to show.", exists=True, dir_okay=False)],
    model: ModelOption = None,
) -> None:
    """Print one article with its entities highlighted in the terminal."""
    from rich.text import Text

    from .batch.readers import Article, read_txt_article
    from .nlp.build import build_pipeline

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


@app.command()
def report(
    out_dir: Annotated[Path, typer.Argument(help="The output folder of a `run`.", exists=True, file_okay=False)],
    output: Annotated[
        Optional[Path], typer.Option(help="Where to write the HTML. Default: OUT_DIR/report.html.")
    ] = None,
) -> None:
    """Write one self-contained HTML report of a run: charts, counts and the failed articles."""
    from .explore.report import write_report

    path = write_report(out_dir, output)
    console.print(f"Wrote {path}")


@app.command("train")
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

    from .nlp.loading import SETTINGS_PATH, default_model_name, models_dir, resolve_model
    from .training.train import CONFIG_PATH, TrainOptions, train

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


@app.command("evaluate")
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
    from .nlp.loading import load
    from .training.scoring import evaluate, format_table

    try:
        nlp = load(model)
        result = evaluate(nlp, file, limit=limit)
    except PipelineError as err:
        fail(err)
    console.print(format_table(result), highlight=False)
    out = json_path or Path(file.name.split(".")[0] + ".scores.json")
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    console.print(f"Wrote {out}")


@app.command("vectors")
def vectors_cli(
    sources: Annotated[
        list[str],
        typer.Argument(
            help="Raw text folders or files (.txt/.txt.gz, one paragraph a line), each optionally with its own "
            "word budget as PATH:WORDS."
        ),
    ],
    output: Annotated[Path, typer.Option(help="Folder for the spaCy pipeline that holds only the vectors.")],
    words: Annotated[int, typer.Option(help="Words to take from a source without its own budget.")] = 6_000_000,
    germeval_copies: Annotated[
        int, typer.Option(help="Add the GermEval train sentences (data/germeval2014) as raw text this many times.")
    ] = 0,
    dim: Annotated[int, typer.Option(help="Vector width.")] = 100,
    bucket: Annotated[int, typer.Option(help="Floret hash buckets (rows of the table).")] = 75_000,
    epoch: Annotated[int, typer.Option(help="Training epochs.")] = 5,
    threads: Annotated[int, typer.Option(help="Training threads.")] = 2,
) -> None:
    """Train floret subword vectors on raw German text, for `de-entities train --vectors`."""
    from thinc.api import Config

    from .nlp.loading import SETTINGS_PATH
    from .training.vectors import build_vectors

    log_to_console()
    budgets = []
    for source in sources:
        path, _, budget = source.rpartition(":") if source.rpartition(":")[2].isdigit() else (source, "", "")
        budgets.append((Path(path), int(budget) if budget else words))
    train_text = Path(Config().from_disk(SETTINGS_PATH)["data"]["train"]) if germeval_copies else None
    build_vectors(
        budgets,
        output,
        germeval=train_text,
        copies=germeval_copies,
        dim=dim,
        bucket=bucket,
        epoch=epoch,
        threads=threads,
    )
    console.print(f"Saved vectors to {output}")


@app.command("pretrain")
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

    from .nlp.loading import default_model_name, resolve_model
    from .training.pretrain import pretrain, write_raw_jsonl
    from .training.train import CONFIG_PATH

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


def main() -> None:
    app()


if __name__ == "__main__":
    main()
