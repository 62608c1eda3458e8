from __future__ import annotations

import pandas as pd
import pytest
from conftest import MentionRow

from pipeline.errors import PipelineError
from pipeline.tables.schemas import ALIASES, AMBIGUOUS, ARTICLES, ENTITIES, MENTIONS, empty, validate


def test_valid_table_keeps_string_ids(mention_row: MentionRow) -> None:
    df = validate(pd.DataFrame([mention_row()]), MENTIONS)
    assert df["article_id"].tolist() == ["007"]
    assert list(df.columns) == list(MENTIONS.columns)


def test_all_failures_are_reported_at_once(mention_row: MentionRow) -> None:
    df = pd.DataFrame([mention_row(label="GPE"), mention_row(kind="other"), mention_row(start=9, end=3)])
    with pytest.raises(PipelineError, match=r"\[E030\].*mentions") as info:
        validate(df, MENTIONS)
    message = str(info.value)
    assert "GPE" in message and "other" in message and "end must be after start" in message


def test_column_order_is_enforced(mention_row: MentionRow) -> None:
    df = pd.DataFrame([mention_row()])[list(reversed(MENTIONS.columns))]
    with pytest.raises(PipelineError):
        validate(df, MENTIONS)


def test_entity_counts_must_add_up() -> None:
    row = {
        "article_id": "a",
        "entity_id": "LOC-1",
        "canonical": "Belarus",
        "label": "LOC",
        "mentions": 3,
        "name_mentions": 1,
        "derived_mentions": 1,
        "part_mentions": 0,
        "first_start": 0,
        "surface_forms": "Belarus | belarussische",
        "article_entity_id": "LOC-1",
        "article_canonical": "Belarus",
    }
    with pytest.raises(PipelineError, match="sum"):
        validate(pd.DataFrame([row]), ENTITIES)


def test_empty_tables_validate() -> None:
    for schema in (MENTIONS, ENTITIES, ARTICLES, ALIASES, AMBIGUOUS):
        assert list(validate(empty(schema), schema).columns) == list(schema.columns)
