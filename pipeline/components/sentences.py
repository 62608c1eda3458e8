"""Sentence boundaries: spaCy's rule-based sentencizer, plus a boundary at every paragraph break.

News paragraphs often end without punctuation (headlines, datelines), so a line break must also end a
sentence. A pipeline that already has a parser or a senter keeps its own boundaries: see `pipeline.cfg`.
"""

from __future__ import annotations

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
        for token in doc[1:]:
            previous = doc[token.i - 1]
            # A newline is either in the whitespace after the previous token or a whitespace token itself.
            if "\n" in previous.whitespace_ or (previous.is_space and "\n" in previous.text):
                token.is_sent_start = True
            elif token.is_space:
                token.is_sent_start = False
        return doc
