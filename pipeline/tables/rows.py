"""The rows of the per-article tables, as plain dicts: a doc's mentions and the entities they group into.

The `tables` component makes them for one doc; the batch run groups the entities again only for an article
that went through the pipeline in chunks.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


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
