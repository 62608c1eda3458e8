"""Words per second of the NER model alone, against spaCy's tokenizer alone, in the same run.

Usage:
    python benchmarks/speed.py ../shared/corpora/10kgnad/articles.csv [--model NAME_OR_PATH] [--repeat 3]

The corpus is read from its path and never copied. Words are non-space tokens of spaCy's tokenizer.
Each figure is the best of `--repeat` passes, which damps noise from other processes on the machine.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from pathlib import Path

import pipeline


def read_10kgnad(path: Path, *, limit: int | None) -> list[str]:
    """Read the texts of a `category;'text'` file."""
    texts = []
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter=";", quotechar="'"):
            if len(row) >= 2 and row[1].strip():
                texts.append(row[1])
            if limit and len(texts) >= limit:
                break
    return texts


def best_rate(run, words: int, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return words / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="10kGNAD articles.csv (category;'text')")
    parser.add_argument("--model", default=None, help="spaCy pipeline name or path (default: the shipped one)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles")
    parser.add_argument("--repeat", type=int, default=3, help="passes per measurement; the best is reported")
    parser.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = parser.parse_args()

    texts = read_10kgnad(args.corpus, limit=args.limit)
    nlp = pipeline.load(args.model)
    words = sum(1 for doc in nlp.tokenizer.pipe(texts) for token in doc if not token.is_space)

    def tokenize() -> None:
        for _ in nlp.tokenizer.pipe(texts):
            pass

    def annotate() -> None:
        for _ in nlp.pipe(texts, batch_size=args.batch_size):
            pass

    tokenizer_wps = best_rate(tokenize, words, args.repeat)
    model_wps = best_rate(annotate, words, args.repeat)
    result = {
        "model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "pipeline": nlp.pipe_names,
        "articles": len(texts),
        "words": words,
        "tokenizer_words_per_s": round(tokenizer_wps),
        "model_words_per_s": round(model_wps),
        "model_share_of_tokenizer": round(model_wps / tokenizer_wps, 4),
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
