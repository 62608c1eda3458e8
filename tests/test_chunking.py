from __future__ import annotations

import pytest

from pipeline.batch.chunking import split_text

TEXT = ("Erster Satz über Putin. Zweiter Satz über Lukaschenko.\n\n" * 30) + "Ein langer Satz ohne Ende " * 40


@pytest.mark.parametrize("max_length", [50, 120, 500, 10_000])
def test_chunks_cover_text_exactly_within_limit(max_length: int) -> None:
    chunks = list(split_text(TEXT, max_length))
    assert "".join(chunk for _, chunk in chunks) == TEXT
    assert all(len(chunk) <= max_length for _, chunk in chunks)
    for offset, chunk in chunks:
        assert TEXT[offset : offset + len(chunk)] == chunk


def test_prefers_paragraph_breaks() -> None:
    chunks = list(split_text(TEXT, 500))
    assert all(chunk.endswith("\n\n") for _, chunk in chunks[:3])
