"""The `de-entities` command line: thin typer wrappers over the plain functions of the package."""

from __future__ import annotations

import json
import logging
from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

from .errors import PipelineError

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


def fail(err: PipelineError) -> None:
    console.print(f"[red]{err}[/red]")
    raise typer.Exit(code=1)


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="Article .txt files or folders of them.", exists=True)],
    model: ModelOption = None,
) -> None:
    """Print the entities of each article as a table."""
    from .loading import load
    from .readers import iter_txt_articles

    try:
        nlp = load(model)
    except PipelineError as err:
        fail(err)
    for article in iter_txt_articles(paths):
        doc = nlp(article.text)
        counts = Counter((ent.text, ent.label_, ent._.fine_type) for ent in doc.ents)
        table = Table(title=f"{article.id}  {article.date or ''}  {article.title or ''}".strip())
        for column in ("entity", "label", "fine type", "mentions"):
            table.add_column(column)
        for (text, label, fine), n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            table.add_row(text, label, fine, str(n))
        console.print(table)


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

    from .loading import SETTINGS_PATH, default_model_name, models_dir, resolve_model
    from .training import CONFIG_PATH, TrainOptions, train

    logging.basicConfig(level=logging.INFO, format="%(message)s")
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
    from .loading import load
    from .scoring import evaluate, format_table

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
        list[Path], typer.Argument(help="Raw text folders or files (.txt/.txt.gz, one paragraph a line).")
    ],
    output: Annotated[Path, typer.Option(help="Folder for the spaCy pipeline that holds only the vectors.")],
    words: Annotated[int, typer.Option(help="Words to take from each source at most.")] = 6_000_000,
    dim: Annotated[int, typer.Option(help="Vector width.")] = 100,
    bucket: Annotated[int, typer.Option(help="Floret hash buckets (rows of the table).")] = 50_000,
    epoch: Annotated[int, typer.Option(help="Training epochs.")] = 5,
    threads: Annotated[int, typer.Option(help="Training threads.")] = 2,
) -> None:
    """Train floret subword vectors on raw German text, for `de-entities train --vectors`."""
    from .vectors import build_vectors

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    build_vectors(sources, output, words=words, dim=dim, bucket=bucket, epoch=epoch, threads=threads)
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

    from .loading import default_model_name, resolve_model
    from .pretraining import pretrain, write_raw_jsonl
    from .training import CONFIG_PATH

    logging.basicConfig(level=logging.INFO, format="%(message)s")
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
