"""Corpus-wide tables built from the per-article results: the entity index, entity co-occurrence, and the
names each corpus entity appears under (aliases) or could be (ambiguous short forms)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import combinations, repeat
from operator import itemgetter
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from .rows import Row
from .schemas import PLACE_COLUMNS

IdOf = Callable[[str, str], str]  # (label, canonical) -> entity ID
# An entity of an article as the corpus identity needs it: (label, canonical name, mentions).
EntityName = tuple[str, str, int]


class EntityIndex:
    """One row per distinct entity in the corpus, fed one article at a time."""

    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.surface: dict[str, Counter[str]] = defaultdict(Counter)
        self.places: dict[str, Counter[tuple[Any, ...]]] = defaultdict(Counter)

    def add_places(self, entities: Iterable[Row]) -> None:
        """Count the GeoNames link that one article gave each of its entities (an unlinked one counts not)."""
        for e in entities:
            if e.get("link"):
                self.places[e["entity_id"]][tuple(e[c] for c in PLACE_COLUMNS)] += 1

    def place(self, eid: str) -> Row:
        """An entity's link in the index: the one most of its articles chose; none on a tie."""
        ranked = self.places[eid].most_common(2) if eid in self.places else []
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return dict.fromkeys(PLACE_COLUMNS)
        return dict(zip(PLACE_COLUMNS, ranked[0][0], strict=True))

    def add(self, mentions: Iterable[Row], *, date: str | None) -> None:
        seen_here: set[str] = set()
        for m in mentions:
            eid = m["entity_id"]
            row = self.rows.setdefault(
                eid,
                {
                    "entity_id": eid,
                    "canonical": m["canonical"],
                    "label": m["label"],
                    "articles": 0,
                    "mentions": 0,
                    "first_date": None,
                    "last_date": None,
                },
            )
            row["mentions"] += 1
            self.surface[eid][m["text"]] += 1
            if eid not in seen_here:
                seen_here.add(eid)
                row["articles"] += 1
                if date:
                    row["first_date"] = min(filter(None, [row["first_date"], date]))
                    row["last_date"] = max(filter(None, [row["last_date"], date]))

    def table(self) -> list[Row]:
        """Rows by number of mentions, then ID; surface forms most frequent first."""
        rows = []
        for eid, row in self.rows.items():
            forms = sorted(self.surface[eid].items(), key=lambda item: (-item[1], item[0]))
            rows.append({**row, "surface_forms": " | ".join(form for form, _ in forms), **self.place(eid)})
        return sorted(rows, key=lambda r: (-r["mentions"], r["entity_id"]))


class Cooccurrence:
    """Pairs of entities that occur in the same sentence, and in the same article, with counts."""

    def __init__(self) -> None:
        self.sentences: Counter[tuple[str, str]] = Counter()
        self.articles: Counter[tuple[str, str]] = Counter()
        self.names: dict[str, str] = {}

    def add(self, mentions: Iterable[Row]) -> None:
        by_sentence: dict[int, set[str]] = defaultdict(set)
        in_article: set[str] = set()
        for m in mentions:
            self.names[m["entity_id"]] = m["canonical"]
            by_sentence[m["sentence"]].add(m["entity_id"])
            in_article.add(m["entity_id"])
        for ids in by_sentence.values():
            self.sentences.update(combinations(sorted(ids), 2))
        self.articles.update(combinations(sorted(in_article), 2))

    def table(self) -> pd.DataFrame:
        """Pairs by sentences, then articles, then IDs. Built by column and sorted by numpy: it is the largest
        corpus table (every pair of entities of each article). Each entity's ID and name become Arrow strings
        once, and the pairs refer to them by their rank among the IDs, which sorts as the IDs do."""
        ids = sorted(self.names)
        rank = {eid: i for i, eid in enumerate(ids)}
        pairs = list(self.articles)
        n = len(pairs)
        firsts = np.fromiter(map(rank.__getitem__, map(itemgetter(0), pairs)), dtype=np.int64, count=n)
        seconds = np.fromiter(map(rank.__getitem__, map(itemgetter(1), pairs)), dtype=np.int64, count=n)
        sentences = np.fromiter(map(self.sentences.get, pairs, repeat(0, n)), dtype=np.int64, count=n)
        articles = np.fromiter(self.articles.values(), dtype=np.int64, count=n)
        order = np.lexsort((seconds, firsts, -articles, -sentences))
        firsts, seconds = firsts[order], seconds[order]
        id_strings = pa.array(ids, type=pa.large_string())
        names = pa.array([self.names[eid] for eid in ids], type=pa.large_string())
        columns = {
            "entity_a": id_strings.take(firsts),
            "entity_b": id_strings.take(seconds),
            "canonical_a": names.take(firsts),
            "canonical_b": names.take(seconds),
            "sentences": sentences[order],
            "articles": articles[order],
        }
        return pa.table(columns).to_pandas()


# The other entities kept per person's name as its context across the corpus: enough to find a shared one.
MAX_TOGETHER = 500


class NameCounts:
    """How often each article-level entity (label, canonical name) occurs: mentions and articles.

    The run counts these while the articles are processed (`pipeline.batch.collect`); the corpus identity is
    resolved from their keys. For a person's name it also keeps the other entities of its articles
    (`together`), the context that a merge across articles asks for (`pipeline.names.identity.resolve_corpus`).
    """

    def __init__(self) -> None:
        self.mentions: Counter[tuple[str, str]] = Counter()
        self.articles: Counter[tuple[str, str]] = Counter()
        self.together: dict[tuple[str, str], set[tuple[str, str]]] = {}

    def add(self, entities: Iterable[Mapping[str, Any]]) -> None:
        """Count one article's entity rows."""
        self.add_names((e["label"], e["canonical"], e["mentions"]) for e in entities)

    def add_names(self, names: Iterable[EntityName]) -> None:
        """Count one article's entities, given as (label, canonical name, mentions). The articles must come
        in input order: the context kept per person (`together`) is capped, so it depends on the order."""
        keys = set()
        for label, canonical, mentions in names:
            key = (label, canonical)
            self.mentions[key] += mentions
            self.articles[key] += 1
            keys.add(key)
        for key in keys:
            if key[0] == "PER":
                together = self.together.setdefault(key, set())
                if len(together) < MAX_TOGETHER:
                    together.update(keys - {key})

    def aliases(self, corpus_of: Callable[[tuple[str, str]], tuple[str, str]], ids: IdOf) -> list[Row]:
        """One row per corpus entity and article-level name it appears under (its own name included)."""
        rows: dict[tuple[str, str], Row] = {}
        for key, n in self.mentions.items():
            eid = ids(*corpus_of(key))
            row = rows.setdefault((eid, key[1]), {"entity_id": eid, "alias": key[1], "mentions": 0, "articles": 0})
            row["mentions"] += n
            row["articles"] += self.articles[key]
        return sorted(rows.values(), key=lambda r: (r["entity_id"], -r["mentions"], r["alias"]))

    def ambiguous(self, candidates: dict[tuple[str, str], list[str]], ids: IdOf) -> list[Row]:
        """The short forms that fit several names and so stay entities of their own."""
        rows = [
            {
                "alias": name,
                "label": label,
                "entity_id": ids(label, name),
                "candidates": " | ".join(names),
                "candidate_ids": " | ".join(ids(label, n) for n in names),
                "mentions": self.mentions[(label, name)],
                "articles": self.articles[(label, name)],
            }
            for (label, name), names in candidates.items()
        ]
        return sorted(rows, key=lambda r: (-r["mentions"], r["label"], r["alias"]))
