"""Words per second of the NER model alone, against spaCy's tokenizer alone, in the same run.

Usage:
    python benchmarks/speed.py ../shared/corpora/10kgnad/articles.csv [--model NAME_OR_PATH] [--repeat 3]

The corpus is read from its path and never copied. Words are non-space tokens of spaCy's tokenizer. One
process, `nlp.pipe` without `n_process`.

Every pass is one pass over the corpus with freshly loaded objects ("cold"), as in a real run over new text:
spaCy's tokenizer caches the splits of strings it has seen, so a second pass over the same texts is several
times faster than any real run. The warm tokenizer figure is printed too, for reference. Each figure is
the best of `--repeat` passes, which damps noise from other processes.
"""

from __future__ import annotations

import argparse
import json
import resource
from pathlib import Path

import spacy

from pipeline.batch.readers import Article, ReadOptions, read_records
from pipeline.nlp.loading import load_model
from pipeline.training.speed import best_seconds, count_words


def peak_rss_mb() -> int:
    """The peak resident set size of this process so far; Linux reports it in KiB."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def report(result: dict, json_path: Path | None) -> None:
    """Print the figures, and write them to `json_path` too when given."""
    print(json.dumps(result, indent=2))
    if json_path:
        json_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


def read_10kgnad(path: Path, *, limit: int | None) -> list[str]:
    """The texts of a `category;'text'` file, read by the pipeline's own CSV reader."""
    options = ReadOptions(delimiter=";", quotechar="'", header=False, text_field="1")
    return [r.text for r in read_records([path], options) if isinstance(r, Article)][:limit]


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
    words = count_words(spacy.blank("de").tokenizer.pipe(texts))

    def tokenize_cold() -> None:
        for _ in spacy.blank("de").tokenizer.pipe(texts):
            pass

    warm = spacy.blank("de").tokenizer
    for _ in warm.pipe(texts):
        pass

    def tokenize_warm() -> None:
        for _ in warm.pipe(texts):
            pass

    def annotate_cold() -> None:
        nlp = load_model(args.model)
        for _ in nlp.pipe(texts, batch_size=args.batch_size):
            pass

    # Loading the model is not part of the throughput: time it separately and subtract it.
    load_seconds = best_seconds(lambda: load_model(args.model), repeat=args.repeat)
    tokenizer_wps = words / best_seconds(tokenize_cold, repeat=args.repeat)
    tokenizer_warm_wps = words / best_seconds(tokenize_warm, repeat=args.repeat)
    model_wps = words / (best_seconds(annotate_cold, repeat=args.repeat) - load_seconds)
    nlp = load_model(args.model)
    result = {
        "model": f"{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "pipeline": nlp.pipe_names,
        "articles": len(texts),
        "words": words,
        "tokenizer_words_per_s": round(tokenizer_wps),
        "tokenizer_warm_cache_words_per_s": round(tokenizer_warm_wps),
        "model_words_per_s": round(model_wps),
        "model_share_of_tokenizer": round(model_wps / tokenizer_wps, 4),
        "peak_rss_mb": peak_rss_mb(),
    }
    report(result, args.json)


if __name__ == "__main__":
    main()
