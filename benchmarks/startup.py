"""Start-up: `de-entities --help`, and a run on one short article, each in a fresh process.

Usage:
    python benchmarks/startup.py [--repeat 5]

The run uses the command's defaults (`--workers` = the cores) into a new folder each time. Medians of
`--repeat` wall times are printed.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from commands import cli, load_average, median, timed

ARTICLE = {"id": "kurz", "text": "Angela Merkel traf am Montag in Paris den französischen Präsidenten Macron."}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs of each command; medians are reported")
    args = parser.parse_args()
    times: dict[str, list[float]] = {"help": [], "one_article_run": []}
    load = load_average()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "one.jsonl"
        corpus.write_text(json.dumps(ARTICLE, ensure_ascii=False) + "\n", encoding="utf-8")
        for i in range(args.repeat):
            times["help"].append(timed([*cli(), "--help"]))
            times["one_article_run"].append(timed([*cli(), "run", str(corpus), "--out", f"{tmp}/out-{i}", "-q"]))
    result = {
        "load_average": [round(load, 2), round(load_average(), 2)],
        "seconds_median": {k: round(median(v), 2) for k, v in times.items()},
        "seconds_all": {k: [round(x, 2) for x in v] for k, v in times.items()},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
