"""Normalise article text before tokenisation.

spaCy components run after the tokenizer and cannot change `doc.text`, so normalisation wraps the tokenizer:
`doc.text` is then the normalised text, and every offset in the tables refers to it. The clean-up is a
composition of small `str -> str` functions, in the manner of textacy's preprocessing.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

SOFT_HYPHEN = "\u00ad"
# Invisible characters that only split words: zero-width space, word joiner, byte-order mark.
INVISIBLE_RE = re.compile("[\u200b\u2060\ufeff]")
# Horizontal spaces of other widths (no-break, thin, figure, ideographic, ...) and tabs become a plain space.
ODD_SPACE_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
# Line and paragraph separators and carriage returns become newlines, so paragraphs stay paragraphs.
ODD_BREAK_RE = re.compile("\r\n|[\r\u2028\u2029\u0085\x0b\x0c]")


def nfc(text: str) -> str:
    """Compose characters, so "a" + combining diaeresis and "ä" are the same string."""
    return unicodedata.normalize("NFC", text)


def remove_soft_hyphens(text: str) -> str:
    return text.replace(SOFT_HYPHEN, "")


def remove_invisible(text: str) -> str:
    return INVISIBLE_RE.sub("", text)


def normalise_whitespace(text: str) -> str:
    return ODD_SPACE_RE.sub(" ", ODD_BREAK_RE.sub("\n", text))


def make_normaliser(*, unicode_nfc: bool, soft_hyphens: bool, whitespace: bool) -> Callable[[str], str]:
    """Compose the chosen steps into one function."""
    steps: list[Callable[[str], str]] = []
    if unicode_nfc:
        steps.append(nfc)
    if soft_hyphens:
        steps.append(remove_soft_hyphens)
        steps.append(remove_invisible)
    if whitespace:
        steps.append(normalise_whitespace)

    def normalise(text: str) -> str:
        for step in steps:
            text = step(text)
        return text

    return normalise


class NormalisingTokenizer:
    """A tokenizer that normalises the text first, then hands it to the pipeline's own tokenizer."""

    def __init__(self, tokenizer: Callable[[str], Doc], normalise: Callable[[str], str]) -> None:
        self.tokenizer = tokenizer
        self.normalise = normalise

    def __call__(self, text: str) -> Doc:
        return self.tokenizer(self.normalise(text))

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # Saving and loading go to the wrapped tokenizer, so a pipeline with this wrapper round-trips.
    def to_disk(self, path: str | Path, **kwargs: Any) -> None:
        self.tokenizer.to_disk(path, **kwargs)  # type: ignore[attr-defined]

    def from_disk(self, path: str | Path, **kwargs: Any) -> NormalisingTokenizer:
        self.tokenizer.from_disk(path, **kwargs)  # type: ignore[attr-defined]
        return self

    def to_bytes(self, **kwargs: Any) -> bytes:
        return self.tokenizer.to_bytes(**kwargs)  # type: ignore[attr-defined]

    def from_bytes(self, data: bytes, **kwargs: Any) -> NormalisingTokenizer:
        self.tokenizer.from_bytes(data, **kwargs)  # type: ignore[attr-defined]
        return self
