"""Turn the entities of a doc into rows: one per mention and one per distinct entity.

The rows follow the schemas in `pipeline.tables.schemas`, without `article_id`, which the batch run adds
because a doc does not know which article it came from, and with the article's identity only: the batch run
adds the corpus identity once every article is done.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right

from spacy.language import Language
from spacy.tokens import Doc

from ...tables.rows import MentionRow, entity_rows
from .canonical import ensure_extensions as ensure_canonical


def entity_id(label: str, canonical: str) -> str:
    """A stable ID from label and canonical name, the same in every article and every run."""
    digest = hashlib.sha1(f"{label}\t{canonical}".encode()).hexdigest()[:12]
    return f"{label}-{digest}"


def mention_rows(doc: Doc) -> list[MentionRow]:
    """One row per entity mention, with sentence index and character offsets into `doc.text`."""
    # Sentence starts in order, searched by bisection: `ent.sent` walks back token by token for each entity.
    starts = [sent.start for sent in doc.sents] if doc.has_annotation("SENT_START") else [0]
    rows: list[MentionRow] = []
    for ent in doc.ents:
        sentence = bisect_right(starts, ent.start) - 1
        ext = ent._  # one extension accessor per entity: each `ent._` builds a new one
        label, text = ent.label_, ent.text
        canonical = ext.canonical or text
        rows.append(
            {
                "sentence": sentence,
                "start": ent.start_char,
                "end": ent.end_char,
                "text": text,
                "label": label,
                "model_label": ext.model_label or label,
                "label_source": ext.label_source or "model",
                "fine_type": ext.fine_type or label,
                "kind": ext.kind,
                "canonical": canonical,
                "entity_id": entity_id(label, canonical),
            }
        )
    return rows


class Tables:
    """Store the mention and entity rows of a doc in `doc._.mentions` and `doc._.entities`."""

    def __init__(self, nlp: Language, name: str = "tables") -> None:
        self.name = name
        ensure_canonical()
        for attr in ("mentions", "entities"):
            if not Doc.has_extension(attr):
                Doc.set_extension(attr, default=None)

    def __call__(self, doc: Doc) -> Doc:
        mentions = mention_rows(doc)
        doc._.mentions = mentions
        doc._.entities = entity_rows(mentions)
        return doc
