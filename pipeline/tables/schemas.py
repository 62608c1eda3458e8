"""The declared schema of every output table: column order, types and allowed values.

Every writer validates its table against one of these before writing. Validation is lazy: one report lists
every bad cell, not only the first. IDs are strings throughout, so `007` never turns into `7`.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from ..errors import Errors, PipelineError
from ..labels import COARSE_LABELS, FINE_TYPES, KINDS

# The pipeline config drops labels outside these (fine_types.keep_unknown = false), so any model's output,
# de_core_news_sm's included, fits the same tables.
LABELS = pa.Check.isin(COARSE_LABELS)
FINE = pa.Check.isin(FINE_TYPES)
MENTION_KINDS = tuple(KINDS.values())
NON_NEGATIVE = pa.Check.ge(0)
NON_EMPTY = pa.Check.str_length(min_value=1)


def _string(*checks: pa.Check, nullable: bool = False) -> pa.Column:
    return pa.Column(str, checks=list(checks), nullable=nullable, coerce=True)


def _count() -> pa.Column:
    return pa.Column("int64", checks=NON_NEGATIVE, coerce=True)


def _positive() -> pa.Column:
    """A count that is at least 1: an entity or pair is only listed where it occurs."""
    return pa.Column("int64", checks=pa.Check.ge(1), coerce=True)


# How a place was linked to GeoNames (`pipeline.places.linker`): the name's only candidate, the largest by far,
# or the one the article's other places support.
LINK_METHODS = ("unique", "population", "context")


def _place_columns() -> dict[str, pa.Column]:
    """The GeoNames link of a LOC entity (issue 24); empty for every other entity and where nothing decides."""
    return {
        "geonames_id": _string(pa.Check.str_matches(r"^[0-9]+$"), nullable=True),
        "country_code": _string(pa.Check.str_matches(r"^[A-Z]{2}$"), nullable=True),
        "latitude": pa.Column(float, checks=pa.Check.in_range(-90, 90), nullable=True, coerce=True),
        "longitude": pa.Column(float, checks=pa.Check.in_range(-180, 180), nullable=True, coerce=True),
        "link": _string(pa.Check.isin(LINK_METHODS), nullable=True),
    }


PLACE_COLUMNS = tuple(_place_columns())


def _unset(column: pd.Series) -> pd.Series:
    return column.fillna("").astype(str) == ""


PLACE_CHECKS = [
    pa.Check(lambda df: _unset(df["geonames_id"]) == _unset(df["link"]), error="a link has a GeoNames ID and a method"),
    pa.Check(lambda df: _unset(df["link"]) | (df["label"] == "LOC"), error="only LOC entities are linked"),
]

# Who decided a mention's label: the NER model, the article (one label for all mentions of one canonical
# name, or an inflected form of a person's name) or the word lists (a demonym tagged as a name).
LABEL_SOURCES = ("model", "article", "lexicon")

# `entity_id` and `canonical` are the corpus identity (`pipeline.names.identity`) in every table of a run;
# `article_entity_id` and `article_canonical` keep what the article alone decided, so each merge across
# articles can be traced.
MENTIONS = pa.DataFrameSchema(
    {
        "article_id": _string(NON_EMPTY),
        "sentence": _count(),
        "start": _count(),
        "end": _count(),
        "text": _string(NON_EMPTY),
        "label": _string(LABELS),
        "model_label": _string(),
        "label_source": _string(pa.Check.isin(LABEL_SOURCES)),
        "fine_type": _string(FINE),
        "kind": _string(pa.Check.isin(MENTION_KINDS)),
        "canonical": _string(NON_EMPTY),
        "entity_id": _string(NON_EMPTY),
        "article_canonical": _string(NON_EMPTY),
        "article_entity_id": _string(NON_EMPTY),
    },
    checks=pa.Check(lambda df: df["end"] > df["start"], error="end must be after start"),
    strict=True,
    ordered=True,
    name="mentions",
)

ENTITIES = pa.DataFrameSchema(
    {
        "article_id": _string(NON_EMPTY),
        "entity_id": _string(NON_EMPTY),
        "canonical": _string(NON_EMPTY),
        "label": _string(LABELS),
        "mentions": _positive(),
        "name_mentions": _count(),
        "derived_mentions": _count(),
        "part_mentions": _count(),
        "first_start": _count(),
        "surface_forms": _string(NON_EMPTY),
        "article_entity_id": _string(NON_EMPTY),
        "article_canonical": _string(NON_EMPTY),
        **_place_columns(),
    },
    checks=[
        pa.Check(
            lambda df: df["mentions"] == df["name_mentions"] + df["derived_mentions"] + df["part_mentions"],
            error="mentions must be the sum of name, derived and part mentions",
        ),
        *PLACE_CHECKS,
    ],
    strict=True,
    ordered=True,
    name="entities",
)

ARTICLES = pa.DataFrameSchema(
    {
        "article_id": _string(NON_EMPTY),
        "source": _string(),
        "date": _string(nullable=True),
        "title": _string(nullable=True),
        "chars": _count(),
        "tokens": _count(),
        "mentions": _count(),
        "entities": _count(),
        "status": _string(pa.Check.isin(["ok", "error"])),
        "error": _string(nullable=True),
    },
    strict=True,
    ordered=True,
    name="articles",
)

ENTITY_INDEX = pa.DataFrameSchema(
    {
        "entity_id": pa.Column(str, checks=NON_EMPTY, unique=True, coerce=True),
        "canonical": _string(NON_EMPTY),
        "label": _string(LABELS),
        "articles": _positive(),
        "mentions": _positive(),
        "first_date": _string(nullable=True),
        "last_date": _string(nullable=True),
        "surface_forms": _string(NON_EMPTY),
        **_place_columns(),
    },
    checks=PLACE_CHECKS,
    strict=True,
    ordered=True,
    name="entity_index",
)

COOCCURRENCE = pa.DataFrameSchema(
    {
        "entity_a": _string(NON_EMPTY),
        "entity_b": _string(NON_EMPTY),
        "canonical_a": _string(NON_EMPTY),
        "canonical_b": _string(NON_EMPTY),
        "sentences": _count(),
        "articles": _positive(),
    },
    checks=pa.Check(lambda df: df["entity_a"] < df["entity_b"], error="pairs are ordered: entity_a < entity_b"),
    strict=True,
    ordered=True,
    name="cooccurrence",
)


ALIASES = pa.DataFrameSchema(
    {
        "entity_id": _string(NON_EMPTY),
        "alias": _string(NON_EMPTY),
        "mentions": _positive(),
        "articles": _positive(),
    },
    unique=["entity_id", "alias"],
    strict=True,
    ordered=True,
    name="aliases",
)

AMBIGUOUS = pa.DataFrameSchema(
    {
        "alias": _string(NON_EMPTY),
        "label": _string(LABELS),
        "entity_id": _string(NON_EMPTY),
        "candidates": _string(NON_EMPTY),
        "candidate_ids": _string(NON_EMPTY),
        "mentions": _positive(),
        "articles": _positive(),
    },
    strict=True,
    ordered=True,
    name="ambiguous",
)


@dataclass(frozen=True)
class Table:
    """One output table of a run: its file name (without suffix), its schema and the formats it is written in."""

    schema: pa.DataFrameSchema
    formats: tuple[str, ...] = ("csv", "parquet")

    @property
    def name(self) -> str:
        return str(self.schema.name)

    @property
    def files(self) -> tuple[str, ...]:
        """The table's files (or, for a parquet table of many parts, folders) in the output folder."""
        return tuple(f"{self.name}.{suffix}" for suffix in self.formats)


# The registry of the output tables: every place that lists, writes, sweeps or reads tables takes them from here.
# `articles` has no parquet copy: it is the run's index, read line by line (`de-entities show`, `failures`).
TABLES = {
    table.name: table
    for table in (
        Table(MENTIONS),
        Table(ENTITIES),
        Table(ARTICLES, formats=("csv",)),
        Table(ENTITY_INDEX),
        Table(COOCCURRENCE),
        Table(ALIASES),
        Table(AMBIGUOUS),
    )
}
TABLE_NAMES = tuple(TABLES)
TABLE_FILES = tuple(file for table in TABLES.values() for file in table.files)


def empty(schema: pa.DataFrameSchema) -> pd.DataFrame:
    """An empty table with the schema's columns."""
    return pd.DataFrame({name: pd.Series(dtype=object) for name in schema.columns})


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Check `df` against `schema`, coercing types; raise one error that lists every failure."""
    if df.empty:
        df = empty(schema) if not len(df.columns) else df
    try:
        return schema.validate(df, lazy=True)
    except SchemaErrors as err:
        cases = err.failure_cases.head(20).to_string(index=False)
        raise PipelineError(Errors.E030.format(table=schema.name, n=len(err.failure_cases), cases=cases)) from err
