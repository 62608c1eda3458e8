"""Canonical form of each entity mention: one name per real-world thing within an article.

"Putins", "Putin" and "Wladimir Putin" all get "Wladimir Putin"; "belarussische" gets "Belarus";
"Kreml-Sprecher" gets "Kreml". The kind of mention (`name`, `derived`, `part`) comes from its GermEval type.
The decisions are in `pipeline.names.rules`, the word lists in `data/lexicon/`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...labels import FINE_OF_COARSE, kind_of
from ...names.lexicon import Lexicon, load_lexicon
from ...names.rules import Mention, resolve


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

    def __init__(self, nlp: Language, name: str = "canonical", *, lexicon: Lexicon | None = None) -> None:
        self.name = name
        self.lexicon = lexicon or load_lexicon()
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        mentions = [
            Mention(
                text=" ".join(ent.text.split()),
                label=ent.label_,
                kind=ent._.kind,
                words=[t.text for t in ent],
                genitive="Gen" in ent[-1].morph.get("Case", []),
            )
            for ent in ents
        ]
        for ent, canonical in zip(ents, resolve(mentions, self.lexicon), strict=True):
            ent._.canonical = canonical
        return doc
