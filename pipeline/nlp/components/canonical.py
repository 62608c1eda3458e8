"""Canonical form of each entity mention: one name per real-world thing within an article.

"Putins", "Putin" and "Wladimir Putin" all get "Wladimir Putin"; "belarussische" gets "Belarus";
"Kreml-Sprecher" gets "Kreml". The kind of mention (`name`, `derived`, `part`) comes from its GermEval type.
The stage may also change a label and a type: mentions that end with one canonical name get one label, and a
demonym tagged as a name becomes a derived mention. The entity then keeps the model's label in
`ent._.model_label` and says who decided in `ent._.label_source` (`model`, `article` or `lexicon`).
The decisions are in `pipeline.names.rules`, the word lists in `data/lexicon/`.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...labels import COARSE_OF_BASE, FINE_OF_COARSE, KINDS, kind_of
from ...names.lexicon import Lexicon, load_lexicon
from ...names.rules import Mention, genitive_position, resolve


def ensure_extensions() -> None:
    if not Span.has_extension("canonical"):
        Span.set_extension("canonical", default=None)
    if not Span.has_extension("kind"):
        Span.set_extension("kind", getter=mention_kind)
    for name in ("model_label", "label_source", "fine_type"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


SUFFIX_OF_KIND = {kind: suffix for suffix, kind in KINDS.items()}
BASE_OF_COARSE = {coarse: base for base, coarse in COARSE_OF_BASE.items()}


def fine_type(label: str, kind: str) -> str:
    """The GermEval type of a coarse label and a kind: (LOC, derived) -> LOCderiv; other schemes' labels as is."""
    base = BASE_OF_COARSE.get(label)
    return base + SUFFIX_OF_KIND[kind] if base else label


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
        # Looked up once per entity: each `ent._` and `ent.text` builds a new object.
        kinds = [ent._.kind for ent in ents]
        # Words as written, so that "XVI." stays one word whatever the tokenizer made of it.
        words_of = [ent.text.split() for ent in ents]
        # A model without a morphologizer gives no case; the genitive is then found from the words alone.
        has_morph = doc.has_annotation("MORPH")
        mentions = [
            Mention(
                text=" ".join(words),
                label=ent.label_,
                kind=kind,
                words=words,
                genitive=has_morph and "Gen" in ent[-1].morph.get("Case", []),
                position=genitive_position(
                    doc[ent.start - 1].text if ent.start > 0 else "",
                    doc[ent.end].text if ent.end < len(doc) else "",
                    self.lexicon,
                ),
            )
            for ent, kind, words in zip(ents, kinds, words_of, strict=True)
        ]
        canonical = resolve(mentions, self.lexicon)
        fine = [
            ent._.fine_type if m.label == m.model_label and m.kind == kind else fine_type(m.label, m.kind)
            for ent, m, kind in zip(ents, mentions, kinds, strict=True)
        ]
        if any(m.label != m.model_label for m in mentions):
            # A span's label cannot change: the entities are made anew, and their extensions set again,
            # since spaCy keys span extensions by offsets and label.
            doc.ents = [
                Span(doc, e.start, e.end, label=m.label, kb_id=e.kb_id, span_id=e.id)
                for e, m in zip(ents, mentions, strict=True)
            ]
        for ent, m, name, f in zip(doc.ents, mentions, canonical, fine, strict=True):
            ext = ent._
            ext.fine_type = f
            ext.canonical = name
            ext.model_label = m.model_label
            ext.label_source = m.label_source
        return doc
