"""The rows of the per-article tables, as typed dicts: a doc's mentions and the entities they group into.

The `tables` component makes them for one doc; the batch run groups the entities again only for an article
that went through the pipeline in chunks.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict

# A row of any table, as the writers take it (`pipeline.tables.schemas` checks its columns).
Row = dict[str, Any]


class MentionRow(TypedDict):
    """One mention of a doc: the `mentions` table's columns without `article_id` and the corpus identity."""

    sentence: int
    start: int
    end: int
    text: str
    label: str
    model_label: str
    label_source: str
    fine_type: str
    kind: str
    canonical: str
    entity_id: str


class EntityRow(TypedDict):
    """One entity of a doc: the `entities` table's columns without `article_id`, the corpus identity and the
    place link (`surface_forms` is filled in once every mention is counted)."""

    entity_id: str
    canonical: str
    label: str
    mentions: int
    name_mentions: int
    derived_mentions: int
    part_mentions: int
    first_start: int
    surface_forms: NotRequired[str]


KIND_COUNTS = {"name": "name_mentions", "derived": "derived_mentions", "part": "part_mentions"}


def entity_rows(mentions: list[MentionRow]) -> list[EntityRow]:
    """Group mention rows by entity, in order of first mention."""
    entities: dict[str, EntityRow] = {}
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
        row[KIND_COUNTS[m["kind"]]] += 1  # type: ignore[literal-required]
        row["first_start"] = min(row["first_start"], m["start"])
        surface[m["entity_id"]][m["text"]] = None
    for eid, row in entities.items():
        row["surface_forms"] = " | ".join(surface[eid])
    return list(entities.values())
