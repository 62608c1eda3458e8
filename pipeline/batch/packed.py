"""A doc after the model as plain data, for the process that runs the pipeline's last stages
(`pipeline.batch.second_core`): the text, each token's offset, length, trailing space and sentence start,
the entities with their labels, IDs and GermEval types, and the morphology if the model sets it. `unpack`
makes the doc again from the same words, so that the last stages see what they would have seen."""

from __future__ import annotations

from typing import NamedTuple

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc, Span

from ..nlp.components.canonical import Canonical
from ..nlp.components.tables import Tables

# The stages that may run in the child, by class: each reads only the text, the tokens, the sentence
# starts, the morphology and the entities with their labels, IDs and `fine_type`, which `pack` carries.
MOVABLE = (Canonical, Tables)


class PackedDoc(NamedTuple):
    """A doc after the model, as plain data that pickles fast."""

    text: str
    tokens: numpy.ndarray  # per token: character offset, length, trailing space, sentence start
    sentences: bool  # whether the sentence starts are set
    ents: list[tuple[int, int, str, str, str, str | None]]  # start, end, label, kb_id, id, fine_type
    morphs: list[str] | None  # per token, where the model sets morphology


# An article after the model: its chunks' offsets and docs, or the exception that the model raised on it.
ModelPart = list[tuple[int, PackedDoc]] | Exception


def last_stages(nlp: Language) -> list[str]:
    """The names of the components at the end of `nlp` that the child may run (none: it is not used)."""
    names: list[str] = []
    for name, component in reversed(nlp.pipeline):
        if not isinstance(component, MOVABLE):
            break
        names.insert(0, name)
    return names


def pack(doc: Doc, text: str | None = None) -> PackedDoc:
    """A doc after the model as plain data (`unpack` makes it again).

    `text` is the text the doc was made from, if known: `doc.text` joins every token anew. A text whose
    length is not the doc's is not taken.
    """
    sentences = doc.has_annotation("SENT_START")
    morphs = [str(token.morph) for token in doc] if doc.has_annotation("MORPH") else None
    ents = [(e.start, e.end, e.label_, e.kb_id_, e.id_, e._.fine_type) for e in doc.ents]
    tokens = doc.to_array([IDX, LENGTH, SPACY, SENT_START]).astype(numpy.int32)
    end = int(tokens[-1, 0] + tokens[-1, 1] + tokens[-1, 2]) if len(doc) else 0
    if text is None or len(text) != end:
        text = doc.text
    return PackedDoc(text, tokens, sentences, ents, morphs)


def unpack(nlp: Language, packed: PackedDoc) -> Doc:
    """The doc again, with the same words, spaces, sentence starts, morphology and entities."""
    text, tokens = packed.text, packed.tokens
    words = [
        text[start : start + length] for start, length in zip(tokens[:, 0].tolist(), tokens[:, 1].tolist(), strict=True)
    ]
    doc = Doc(
        nlp.vocab,
        words=words,
        spaces=tokens[:, 2].astype(bool).tolist(),
        sent_starts=tokens[:, 3].tolist() if packed.sentences else None,
        morphs=packed.morphs,
    )
    doc.ents = [
        Span(doc, start, end, label=label, kb_id=kb, span_id=id_) for start, end, label, kb, id_, _ in packed.ents
    ]
    # Span extensions are keyed by offsets and label: set on the spans that `doc.ents` hands out.
    for ent, (*_, fine) in zip(doc.ents, packed.ents, strict=True):
        ent._.fine_type = fine
    return doc
