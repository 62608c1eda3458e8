"""Peak resident memory of one model: load it once, run `nlp.pipe` over the first N 10kGNAD articles.

Usage:
    python benchmarks/peak_rss.py ../shared/corpora/10kgnad/articles.csv --model accurate [--limit 100]

Prints the peak RSS (Linux `ru_maxrss`) after reading the texts, after loading the model and after the run.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from speed import peak_rss_mb, read_10kgnad, report

from pipeline.nlp.loading import load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="10kGNAD articles.csv (category;'text')")
    parser.add_argument("--model", default=None, help="model name or path (default: the shipped fast one)")
    parser.add_argument("--limit", type=int, default=100, help="use only the first N articles")
    parser.add_argument("--batch-size", type=int, default=64, help="nlp.pipe batch size")
    args = parser.parse_args()
    texts = read_10kgnad(args.corpus, limit=args.limit)
    figures = {"texts_mb": peak_rss_mb()}
    nlp = load_model(args.model)  # the model alone
    figures["loaded_mb"] = peak_rss_mb()
    start = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=args.batch_size):
        pass
    figures["seconds"] = round(time.perf_counter() - start, 1)
    figures["peak_rss_mb"] = peak_rss_mb()
    report({"model": args.model or "fast", "articles": len(texts), **figures}, None)


if __name__ == "__main__":
    main()
