"""Show coarse labels on entities and keep the GermEval type in `ent._.fine_type`.

The NER model predicts the 12 GermEval types (`LOC`, `LOCderiv`, `LOCpart`, ...), so that a name
("Belarus") can be told from a derived word ("belarussische") and from a compound ("Kreml-Sprecher").
Standard spaCy tools such as displaCy expect PER, LOC, ORG and MISC, so this component rewrites each
entity's label to the coarse one and stores the fine type on the span.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ...labels import COARSE_LABELS, FINE_OF_COARSE, FINE_TYPES, coarse_label


def ensure_extensions() -> None:
    """Register `Span._.fine_type`; safe to call more than once."""
    if not Span.has_extension("fine_type"):
        Span.set_extension("fine_type", default=None)


class FineTypes:
    """Rewrite GermEval labels to coarse labels and record the fine type on each entity span."""

    def __init__(self, nlp: Language, name: str = "fine_types", *, keep_unknown: bool = True) -> None:
        """
        Args:
            nlp: the pipeline.
            name: the component's name.
            keep_unknown: keep entities whose label is neither a GermEval type nor a coarse label (for
                example `GPE` from an English-style model), with the label as their fine type. If False,
                they are dropped.
        """
        self.name = name
        self.keep_unknown = keep_unknown
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        ents = []
        fine_types = []
        for ent in doc.ents:
            label = ent.label_
            if label in FINE_TYPES:
                coarse, fine = coarse_label(label), label
            elif label in COARSE_LABELS:
                coarse, fine = label, FINE_OF_COARSE[label]
            elif self.keep_unknown:
                coarse, fine = label, label
            else:
                continue
            ents.append(Span(doc, ent.start, ent.end, label=coarse, kb_id=ent.kb_id, span_id=ent.id))
            fine_types.append(fine)
        doc.ents = ents
        # Span extensions live in doc.user_data keyed by offsets and label, so they must be set on spans
        # equal to those that `doc.ents` hands out later.
        for ent, fine in zip(doc.ents, fine_types, strict=True):
            ent._.fine_type = fine
        return doc
