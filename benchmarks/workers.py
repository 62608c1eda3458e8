"""`--workers 2` against `--workers 1`, whole command, start-up included.

Usage:
    python benchmarks/workers.py ../shared/corpora/10kgnad/articles.csv [--copies 3] [--repeat 2] [--dask]

The corpus is written `--copies` times over as JSONL with distinct IDs (3 copies of 10kGNAD: 3,084 articles).
Each run is `de-entities run corpus.jsonl --out NEW -q --workers N` in a fresh process; the two (or, with
`--dask`, four) settings alternate within each repeat, and the medians and the speed-up are printed. The
outputs of all settings are compared file by file.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

from commands import cli, load_average, median, read_corpus, timed, write_jsonl


def digest(folder: Path) -> dict[str, str]:
    """A hash of every output file except run.json, whose timings differ by nature."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "run.json")
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path, help="10kGNAD articles.csv (category;'text') or JSONL")
    parser.add_argument("--copies", type=int, default=3, help="copies of the corpus, with distinct IDs")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each setting; medians are reported")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N articles of each copy")
    parser.add_argument("--dask", action="store_true", help="also run --engine dask with 1 and 2 workers")
    args = parser.parse_args()
    settings = {"workers_1": ["--workers", "1"], "workers_2": ["--workers", "2"]}
    if args.dask:
        settings["dask_1"] = ["--engine", "dask", "--workers", "1"]
        settings["dask_2"] = ["--engine", "dask", "--workers", "2"]
    times: dict[str, list[float]] = {name: [] for name in settings}
    loads = [load_average()]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        n = write_jsonl(read_corpus(args.corpus, limit=args.limit), corpus, copies=args.copies)
        digests = {}
        for i in range(args.repeat):
            for name, extra in settings.items():
                out = Path(tmp) / f"{name}-{i}"
                times[name].append(timed([*cli(), "run", str(corpus), "--out", str(out), "-q", *extra]))
                digests[name] = digest(out)
            loads.append(load_average())
            print(json.dumps({k: round(v[-1], 2) for k, v in times.items()}), file=sys.stderr, flush=True)
    seconds = {name: median(v) for name, v in times.items()}
    reference = digests["workers_1"]
    result = {
        "articles": n,
        "repeats": args.repeat,
        "load_average": [round(x, 2) for x in loads],
        "seconds_median": {k: round(v, 2) for k, v in seconds.items()},
        "seconds_all": {k: [round(x, 2) for x in v] for k, v in times.items()},
        "speedup_workers_2": round(seconds["workers_1"] / seconds["workers_2"], 3),
        "identical_to_workers_1": {name: d == reference for name, d in digests.items()},
    }
    if args.dask:
        result["speedup_dask_2"] = round(seconds["workers_1"] / seconds["dask_2"], 3)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
