"""Sentence boundaries: spaCy's rule-based sentencizer, plus a boundary at every paragraph break.

News paragraphs often end without punctuation (headlines, datelines), so a line break must also end a
sentence. A pipeline that already has a parser or a senter keeps its own boundaries: see `pipeline.cfg`.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc


class Sentences:
    """Set `token.is_sent_start` from punctuation and line breaks."""

    def __init__(self, nlp: Language, name: str = "sentences", *, punct_chars: list[str] | None = None) -> None:
        self.name = name
        self.sentencizer = Sentencizer(name=name, punct_chars=punct_chars)

    def __call__(self, doc: Doc) -> Doc:
        doc = self.sentencizer(doc)
        # Line breaks are always whitespace tokens of their own, so only those need a look.
        for i in numpy.flatnonzero(doc.to_array(IS_SPACE)):
            token = doc[int(i)]
            if token.i > 0:
                token.is_sent_start = False
            if "\n" in token.text and token.i + 1 < len(doc):
                doc[token.i + 1].is_sent_start = True
        return doc
