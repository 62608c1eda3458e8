"""Measured throughput, shared by the training meta and the scripts in `benchmarks/`."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence

from spacy.language import Language
from spacy.tokens import Doc


def count_words(docs: Iterable[Doc]) -> int:
    """Words are non-space tokens."""
    return sum(1 for doc in docs for token in doc if not token.is_space)


def best_seconds(run: Callable[[], object], *, repeat: int) -> float:
    """The fastest of `repeat` timed calls; the minimum is the least disturbed by other processes."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def pipeline_words_per_second(nlp: Language, texts: Sequence[str], *, repeat: int = 1, batch_size: int = 64) -> float:
    """Words per second of the whole pipeline over `texts` in this process."""
    words = count_words(nlp.make_doc(text) for text in texts)

    def run() -> None:
        for _ in nlp.pipe(texts, batch_size=batch_size):
            pass

    return words / best_seconds(run, repeat=repeat)
