"""Raw German text for vectors and pretraining: one paragraph a line, in plain or gzipped UTF-8 files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from ..util import open_text


def iter_raw_lines(path: Path) -> Iterator[str]:
    """Yield the non-empty, stripped lines of one file (`.gz` is decompressed on the fly)."""
    with open_text(path) as f:
        for line in f:
            line = line.strip()
            if line:
                yield line


def iter_paragraphs(source: Path, *, words: int | None, min_words: int = 1) -> Iterator[str]:
    """Yield paragraphs of a file or of a folder's `*.txt*` files until about `words` words are taken.

    Args:
        source: a file, or a folder whose `*.txt` and `*.txt.gz` files are read in name order.
        words: the word budget for this source, counted on whitespace; None takes every paragraph.
        min_words: skip shorter paragraphs, such as headings and stage directions.
    """
    files = sorted(source.glob("*.txt*")) if source.is_dir() else [source]
    taken = 0
    for path in files:
        for line in iter_raw_lines(path):
            n = len(line.split())
            if n < min_words:
                continue
            yield line
            taken += n
            if words is not None and taken >= words:
                return
