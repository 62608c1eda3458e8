"""Helpers shared by the whole-command benchmarks: corpora as JSONL, timed commands in fresh processes.

Every figure of these benchmarks is the wall time of a fresh process, start-up included, as a user sees it.
"""

from __future__ import annotations

import json
import os
import resource
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
    return timed_cpu(command, env=env)[0]


def timed_cpu(command: list[str], *, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user and system, of the command and every process it waited for) of a
    command in a fresh process; it must succeed. On a machine that other work keeps busy, CPU seconds vary
    less than wall seconds, but they count work on a second core as a cost, never as a gain."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env={**os.environ, **(env or {})})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(values: list[float]) -> float:
    return statistics.median(values)


def load_average() -> float:
    return os.getloadavg()[0]
