"""Words per second of our models against the reference pipeline, timed on the same texts in the same run.

Usage:
    python benchmarks/reference.py ../shared/corpora/10kgnad/articles.csv --model accurate [--model fast]
        [--limit 100] [--repeat 3]

The reference is spaCy's untrained default NER pipeline: `spacy.blank("de")`, `add_pipe("ner")` with the 4
labels PER, LOC, ORG, MISC, and `initialize()`. Its weights are random, but its cost is that of any trained
spaCy CNN NER pipeline with default settings, and it installs everywhere, so every speed figure of this
project is given as a ratio to it.

Each pass loads its pipeline afresh (untimed) and runs `nlp.pipe` once over all texts, because spaCy's
tokenizer caches the strings it has seen and a second pass over the same texts is no real run. The passes of
the reference and the models alternate, so that a change in the machine's load hits them alike; the best pass
of each is reported. Words are non-space tokens of spaCy's German tokenizer.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path

import spacy
from spacy.language import Language
from speed import peak_rss_mb, read_10kgnad, report

from pipeline.nlp.loading import load_model
from pipeline.training.speed import count_words

LABELS = ("PER", "LOC", "ORG", "MISC")


def reference_pipeline() -> Language:
    nlp = spacy.blank("de")
    ner = nlp.add_pipe("ner")
    for label in LABELS:
        ner.add_label(label)  # type: ignore[attr-defined]
    nlp.initialize()
    return nlp


def timed_pass(make: Callable[[], Language], texts: list[str], batch_size: int) -> float:
    nlp = make()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=batch_size):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="10kGNAD articles.csv (category;'text')")
    parser.add_argument("--model", action="append", default=None, help="model name or path (repeatable)")
    parser.add_argument("--limit", type=int, default=100, help="use only the first N articles")
    parser.add_argument("--repeat", type=int, default=3, help="passes per pipeline; the best is reported")
    parser.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this JSON file")
    args = parser.parse_args()
    models = args.model or ["fast"]

    texts = read_10kgnad(args.corpus, limit=args.limit)
    words = count_words(spacy.blank("de").tokenizer.pipe(texts))
    makers: dict[str, Callable[[], Language]] = {"reference": reference_pipeline}
    for name in models:
        makers[name] = lambda name=name: load_model(name)  # the model alone, as the reference is
    best = {name: float("inf") for name in makers}
    for _ in range(args.repeat):
        for name, make in makers.items():
            best[name] = min(best[name], timed_pass(make, texts, args.batch_size))
    reference_wps = words / best["reference"]
    result = {
        "articles": len(texts),
        "words": words,
        "reference_words_per_s": round(reference_wps),
        "models": {
            name: {
                "words_per_s": round(words / best[name]),
                "ratio_to_reference": round(words / best[name] / reference_wps, 4),
            }
            for name in models
        },
        # It covers every pipeline loaded.
        "peak_rss_mb": peak_rss_mb(),
    }
    report(result, args.json)


if __name__ == "__main__":
    main()
