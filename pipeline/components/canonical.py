"""Canonical form of each entity mention.

For now the canonical form is the mention's own text, with the kind of mention (`name`, `derived`, `part`)
taken from its GermEval type; German-aware base forms and alias merging come later, in this same stage.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..labels import kind_of
from .fine_types import FINE_OF_COARSE


def ensure_extensions() -> None:
    if not Span.has_extension("canonical"):
        Span.set_extension("canonical", default=None)
    if not Span.has_extension("kind"):
        Span.set_extension("kind", getter=mention_kind)


def mention_kind(span: Span) -> str:
    """`name`, `derived` or `part`, from the span's GermEval fine type."""
    fine = span._.fine_type if Span.has_extension("fine_type") else None
    fine = fine or FINE_OF_COARSE.get(span.label_, "")
    try:
        return kind_of(fine)
    except ValueError:
        return "name"


class Canonical:
    """Set `ent._.canonical` on every entity."""

    def __init__(self, nlp: Language, name: str = "canonical") -> None:
        self.name = name
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        for ent in doc.ents:
            ent._.canonical = " ".join(ent.text.split())
        return doc
