"""Turn the entities of a doc into rows: one per mention and one per distinct entity.

The rows follow the schemas in `pipeline.schemas`, without `article_id`, which the batch run adds because a
doc does not know which article it came from.
"""

from __future__ import annotations

import hashlib
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from .canonical import ensure_extensions as ensure_canonical

Row = dict[str, Any]


def entity_id(label: str, canonical: str) -> str:
    """A stable ID from label and canonical name, the same in every article and every run."""
    digest = hashlib.sha1(f"{label}\t{canonical}".encode()).hexdigest()[:12]
    return f"{label}-{digest}"


def mention_rows(doc: Doc) -> list[Row]:
    """One row per entity mention, with sentence index and character offsets into `doc.text`."""
    sentence_of = {}
    if doc.has_annotation("SENT_START"):
        for i, sent in enumerate(doc.sents):
            sentence_of[sent.start] = i
    rows = []
    sentence = 0
    for ent in doc.ents:
        if sentence_of:
            sentence = sentence_of[ent.sent.start]
        canonical = ent._.canonical or ent.text
        rows.append(
            {
                "sentence": sentence,
                "start": ent.start_char,
                "end": ent.end_char,
                "text": ent.text,
                "label": ent.label_,
                "fine_type": ent._.fine_type or ent.label_,
                "kind": ent._.kind,
                "canonical": canonical,
                "entity_id": entity_id(ent.label_, canonical),
            }
        )
    return rows


def entity_rows(mentions: list[Row]) -> list[Row]:
    """Group mention rows by entity, in order of first mention."""
    entities: dict[str, Row] = {}
    surface: dict[str, dict[str, None]] = {}
    for m in mentions:
        row = entities.get(m["entity_id"])
        if row is None:
            row = entities[m["entity_id"]] = {
                "entity_id": m["entity_id"],
                "canonical": m["canonical"],
                "label": m["label"],
                "mentions": 0,
                "name_mentions": 0,
                "derived_mentions": 0,
                "part_mentions": 0,
                "first_start": m["start"],
            }
            surface[m["entity_id"]] = {}
        row["mentions"] += 1
        row[f"{m['kind']}_mentions"] += 1
        row["first_start"] = min(row["first_start"], m["start"])
        surface[m["entity_id"]][m["text"]] = None
    for eid, row in entities.items():
        row["surface_forms"] = " | ".join(surface[eid])
    return list(entities.values())


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
