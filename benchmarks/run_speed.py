"""End-to-end words per second of the batch run, against the model alone and the tokenizer alone.

Usage:
    python benchmarks/run_speed.py ../shared/corpora/10kgnad/articles.csv [--model NAME_OR_PATH] [--limit N]

The whole job (read the `category;'text'` CSV, normalise, tokenise, sentences, NER, canonical forms, write all
tables) runs into a temporary folder with `--force`, in one process. In the same run the script times the NER
model alone (`nlp.pipe` of the bare model) and spaCy's tokenizer alone on the same texts, each as one cold pass
over the corpus (see benchmarks/speed.py for why cold). Words are non-space tokens of spaCy's tokenizer.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import spacy

from pipeline.batch import RunOptions, run
from pipeline.batch.readers import Article, ReadOptions, read_records
from pipeline.nlp.build import build_pipeline
from pipeline.nlp.loading import load_model
from pipeline.training.speed import count_words


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="10kGNAD articles.csv (category;'text')")
    parser.add_argument("--model", default=None, help="spaCy pipeline name or path (default: the shipped one)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = parser.parse_args()

    read = ReadOptions(delimiter=";", quotechar="'", header=False, text_field="1")
    records = [r for r in read_records([args.corpus], read) if isinstance(r, Article)][: args.limit]
    texts = [r.text for r in records]
    words = count_words(spacy.blank("de").tokenizer.pipe(texts))

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps({"id": r.id, "text": r.text}) + "\n" for r in records), encoding="utf-8")

        start = time.perf_counter()
        for _ in spacy.blank("de").tokenizer.pipe(texts):
            pass
        tokenizer_s = time.perf_counter() - start

        nlp = load_model(args.model)  # the model alone; `full` below is the run's pipeline
        start = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=64):
            pass
        model_s = time.perf_counter() - start

        full = build_pipeline(args.model)
        start = time.perf_counter()
        summary = run([corpus], Path(tmp) / "out", nlp=full, options=RunOptions(force=True))
        end_to_end_s = time.perf_counter() - start

    result = {
        "articles": len(texts),
        "words": words,
        "tokenizer_words_per_s": round(words / tokenizer_s),
        "model_alone_words_per_s": round(words / model_s),
        "end_to_end_words_per_s": round(words / end_to_end_s),
        "end_to_end_share_of_model": round(model_s / end_to_end_s, 4),
        "processing_words_per_s_in_run": round(summary.words_per_s),
        "pipeline": full.pipe_names,
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
