"""Peak memory of the batch run as the corpus grows: 1k, 10k and 100k articles.

Usage:
    python benchmarks/memory.py [--sizes 1000 10000 100000] [--workers 1] [--sentences 2]

The synthetic corpora are built from real German text: sentences of the GermEval 2014 dev split shipped in
data/ (CC BY 4.0), `--sentences` per article, cycled in a fixed order. Each size runs `de-entities run` in a
fresh process; the figure is that process tree's peak resident set size (the largest single process, as
reported by the kernel for the waited-for children).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

from pipeline.training.germeval import read_sentences

REPO = Path(__file__).parent.parent
DEV = REPO / "data" / "germeval2014" / "NER-de-dev.tsv.gz"


def write_corpus(path: Path, articles: int, sentences_per_article: int) -> int:
    texts = [" ".join(s.words) for s in read_sentences(DEV)]
    words = 0
    source = cycle(texts)
    with open(path, "w", encoding="utf-8") as f:
        for i in range(articles):
            text = " ".join(islice(source, sentences_per_article))
            words += len(text.split())
            f.write(json.dumps({"id": f"a{i:07d}", "text": text}, ensure_ascii=False) + "\n")
    return words


def measure(size: int, *, workers: int, sentences: int, tmp: Path) -> dict[str, float]:
    corpus = tmp / f"corpus-{size}.jsonl"
    words = write_corpus(corpus, size, sentences)
    out = tmp / f"out-{size}"
    command = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "--out", str(out), "--quiet"]
    command += ["--workers", str(workers)]
    start = time.perf_counter()
    # Each size in its own child of a fresh helper process, so ru_maxrss is that run's peak only.
    helper = (
        "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    result = subprocess.run([sys.executable, "-c", helper, *command], capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - start
    peak_kb = int(result.stdout.strip().splitlines()[-1])
    return {"articles": size, "words": words, "seconds": round(seconds, 1), "peak_rss_mb": round(peak_kb / 1024, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--sentences", type=int, default=2, help="sentences per synthetic article")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            print(json.dumps(measure(size, workers=args.workers, sentences=args.sentences, tmp=Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
