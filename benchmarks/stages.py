"""The cost of each stage of the batch run, so that the slowest one is known.

Usage:
    python benchmarks/stages.py ../shared/corpora/10kgnad/articles.csv [--limit N] [--model NAME_OR_PATH]

Stages: start-up (importing the batch run and building the pipeline: spaCy, the model, the word lists),
read (CSV parsing), normalise, tokenise, each pipeline component (tok2vec, sentences, ner, fine_types,
canonical, tables), write (each article's text and result file), and the corpus tables (the corpus identity,
every table and each article's entity table, in this process and a forked helper; the names are counted as
the rerun reads the results), timed inside a rerun of `pipeline.run` over the written results. One process
for the stages before the corpus tables.
"""

from __future__ import annotations

import time

STARTED = time.perf_counter()  # before the imports: they are part of the start-up

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

import pipeline.batch.driver as driver  # noqa: E402
from pipeline.batch.options import RunOptions  # noqa: E402
from pipeline.batch.readers import Article, ReadOptions, read_records  # noqa: E402
from pipeline.batch.worker import Runner, article_key  # noqa: E402
from pipeline.nlp.build import build_pipeline  # noqa: E402
from pipeline.tables.output import safe_file_stem  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="10kGNAD articles.csv (category;'text')")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--model", default=None, help="spaCy pipeline name or path (default: the shipped one)")
    args = parser.parse_args()
    seconds: dict[str, float] = {}
    nlp = build_pipeline(args.model)
    seconds["start-up"] = time.perf_counter() - STARTED

    start = time.perf_counter()
    read = ReadOptions(delimiter=";", quotechar="'", header=False, text_field="1")
    articles = [r for r in read_records([args.corpus], read) if isinstance(r, Article)][: args.limit]
    seconds["read"] = time.perf_counter() - start

    normalise = nlp.tokenizer.normalise  # type: ignore[attr-defined]
    start = time.perf_counter()
    texts = [normalise(a.text) for a in articles]
    seconds["normalise"] = time.perf_counter() - start

    start = time.perf_counter()
    docs = [nlp.tokenizer.tokenizer(text) for text in texts]  # type: ignore[attr-defined]
    seconds["tokenise"] = time.perf_counter() - start
    words = sum(1 for doc in docs for token in doc if not token.is_space)

    for name, proc in nlp.pipeline:
        start = time.perf_counter()
        docs = list(proc.pipe(docs, batch_size=64)) if hasattr(proc, "pipe") else [proc(doc) for doc in docs]
        seconds[name] = time.perf_counter() - start

    with tempfile.TemporaryDirectory() as tmp:
        runner = Runner(nlp, Path(tmp), RunOptions())
        batch = []
        for article, text, doc in zip(articles, texts, docs, strict=True):
            result = {"text": text, "tokens": len(doc), "mentions": doc._.mentions, "entities": doc._.entities}
            key = article_key(article, runner.model_fingerprint)
            batch.append((article, safe_file_stem(article.id), key, result))
        start = time.perf_counter()
        for i in range(0, len(batch), 32):
            runner.save(batch[i : i + 32])
        seconds["write"] = time.perf_counter() - start

        # The corpus tables, timed inside a run that finds every article's result written already.
        corpus = Path(tmp) / "corpus.jsonl"
        with open(corpus, "w", encoding="utf-8") as f:
            for a in articles:
                f.write(json.dumps({"id": a.id, "text": a.text, "title": a.title, "date": a.date}) + "\n")
        write_corpus_tables = driver.write_corpus_tables

        def timed_tables(*args: object, **kwargs: object) -> None:
            start = time.perf_counter()
            write_corpus_tables(*args, **kwargs)  # type: ignore[arg-type]
            seconds["corpus tables"] = time.perf_counter() - start

        driver.write_corpus_tables = timed_tables  # type: ignore[assignment]
        summary = driver.run([corpus], Path(tmp), nlp=nlp)
        assert summary.reused == len(articles), "the corpus tables' run processed articles again"

    total = sum(seconds.values())
    report = {
        "articles": len(articles),
        "words": words,
        "stages": {
            name: {"seconds": round(s, 3), "share": round(s / total, 3), "words_per_s": round(words / s) if s else None}
            for name, s in seconds.items()
        },
        "total_words_per_s": round(words / total),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
