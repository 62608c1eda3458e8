"""Split articles longer than spaCy's `max_length` at paragraph or sentence boundaries."""

from __future__ import annotations

import re
from collections.abc import Iterator

# Preferred cut points, best first: a paragraph break, a line break, the end of a sentence, any space.
BOUNDARIES = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?]\s"), re.compile(r"\s"))


def _cut_point(text: str, start: int, limit: int) -> int:
    window = text[start : start + limit]
    for pattern in BOUNDARIES:
        cuts = [m.end() for m in pattern.finditer(window)]
        # Ignore cuts in the first half, which would make many tiny chunks.
        good = [c for c in cuts if c > limit // 2]
        if good:
            return start + good[-1]
    return start + limit


def split_text(text: str, max_length: int) -> Iterator[tuple[int, str]]:
    """Yield (offset, chunk) pairs that cover `text` exactly, each chunk at most `max_length` characters."""
    start = 0
    while len(text) - start > max_length:
        end = _cut_point(text, start, max_length)
        yield start, text[start:end]
        start = end
    yield start, text[start:]
