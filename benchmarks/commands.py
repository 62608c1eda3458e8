"""Helpers shared by the whole-command benchmarks: corpora as JSONL, timed commands in fresh processes.

Every figure of these benchmarks is the wall time of a fresh process, start-up included, as a user sees it.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from pipeline.batch.readers import Article, ReadOptions, read_records

# The 10kGNAD file is `category;'text'` without a header.
GNAD = ReadOptions(delimiter=";", quotechar="'", header=False, text_field="1")


def cli() -> list[str]:
    """The `de-entities` command of this environment (the console script if installed, else `python -m`)."""
    script = Path(sys.executable).parent / "de-entities"
    return [str(script)] if script.exists() else [sys.executable, "-m", "pipeline.cli"]


def read_corpus(path: Path, *, limit: int | None = None) -> list[Article]:
    options = GNAD if path.suffix == ".csv" else ReadOptions()
    return [r for r in read_records([path], options) if isinstance(r, Article)][:limit]


def write_jsonl(articles: list[Article], path: Path, *, copies: int = 1) -> int:
    """Write the articles `copies` times with distinct IDs; returns the number written."""
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for copy in range(copies):
            for a in articles:
                article_id = a.id if copies == 1 else f"{copy}-{a.id}"
                f.write(json.dumps({"id": article_id, "text": a.text}, ensure_ascii=False) + "\n")
                n += 1
    return n


def timed(command: list[str], *, env: dict[str, str] | None = None) -> float:
    """Wall seconds of a command in a fresh process; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    return time.perf_counter() - start


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_average() -> float:
    return os.getloadavg()[0]
