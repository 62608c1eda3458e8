"""Link the places of an article to GeoNames, preferring no link to a wrong one.

Only LOC entities are linked, by their canonical name in the corpus identity, so derived and part mentions
(Moskauer, US-Präsident) link through the place they resolve to; a name the model typed PER or ORG never is.
For each name the gazetteer gives its candidates, and:

1. a name that is a country's or a continent's is that country or continent, even where a city has it as an
   alternate name (Luxemburg, Mexiko, Singapur);
2. one candidate: linked (`unique`);
3. several: each weighs its population, ten times that if it lies in a country of the article's other places
   (the countries of the places it names that have one candidate). The heaviest is linked if it weighs at
   least five times the next: `population` if it is also the largest by five times without the article's
   help (Paris in France, not in Texas; Frankfurt am Main, not an der Oder), else `context` (Tuzla in Bosnia
   beside a Bosnian, not the Tuzla of Cyprus). Otherwise the name stays unlinked (Korea, Alexandria).

The weights (`CONTEXT_WEIGHT`, `MARGIN`) were set before the gold set was scored, not fitted to it.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import Warnings
from .gazetteer import Gazetteer, Place, load_places

Row = dict[str, Any]

LINK_COLUMNS = ("geonames_id", "country_code", "latitude", "longitude", "link")
LINK_METHODS = ("unique", "population", "context")
# A candidate in a country of the article's other places counts this many times its population.
CONTEXT_WEIGHT = 10.0
# The chosen place must weigh this many times the next candidate, or the name stays unlinked.
MARGIN = 5.0
NO_LINK: Row = dict.fromkeys(LINK_COLUMNS)


@dataclass(frozen=True, slots=True)
class Link:
    place: Place
    method: str

    def columns(self) -> Row:
        return {
            "geonames_id": self.place.geonames_id,
            "country_code": self.place.country_code or None,
            "latitude": self.place.latitude,
            "longitude": self.place.longitude,
            "link": self.method,
        }


def preferred(candidates: Iterable[Place]) -> list[Place]:
    """The candidates that count: the countries and continents of that name if any, else its cities."""
    places = list(candidates)
    areas = [p for p in places if p.kind != "city"]
    return areas or places


def decide(candidates: list[Place], context: set[str]) -> Link | None:
    """The link of a name with several candidates, given the countries of the article's other places."""

    def weight(place: Place) -> float:
        return max(place.population, 1) * (CONTEXT_WEIGHT if place.country_code in context else 1.0)

    def clear(ranked: list[Place], key: Any) -> bool:
        return key(ranked[0]) >= MARGIN * key(ranked[1])

    def size(place: Place) -> float:
        return float(max(place.population, 1))

    by_weight = sorted(candidates, key=lambda p: (-weight(p), p.geonames_id))
    if not clear(by_weight, weight):
        return None
    by_size = sorted(candidates, key=lambda p: (-size(p), p.geonames_id))
    best = by_weight[0]
    method = "population" if by_size[0] is best and clear(by_size, size) else "context"
    return Link(best, method)


def link_names(names: Iterable[str], gazetteer: Gazetteer) -> dict[str, Link]:
    """The links of one article's place names (the canonical names of its LOC entities)."""
    candidates = {name: preferred(gazetteer.candidates(name)) for name in names}
    links = {name: Link(places[0], "unique") for name, places in candidates.items() if len(places) == 1}
    context = {link.place.country_code for link in links.values() if link.place.country_code}
    for name, places in candidates.items():
        if len(places) > 1:
            link = decide(places, context)
            if link is not None:
                links[name] = link
    return links


def link_entities(rows: list[Row], gazetteer: Gazetteer | None) -> list[Row]:
    """One article's entity rows with the link columns: its LOC entities linked where the rules decide, every
    other row (and every row without a gazetteer) with empty ones."""
    if gazetteer is None:
        return [{**row, **NO_LINK} for row in rows]
    links = link_names({row["canonical"] for row in rows if row["label"] == "LOC"}, gazetteer)
    out = []
    for row in rows:
        link = links.get(row["canonical"]) if row["label"] == "LOC" else None
        out.append({**row, **(link.columns() if link else NO_LINK)})
    return out


class RunLinker:
    """The linking step of a run: its gazetteer, loaded once per process, and what it linked and how long it
    took (loading included), for `run.json`."""

    def __init__(self) -> None:
        started = time.perf_counter()
        self.data = load_places()
        self.seconds = time.perf_counter() - started
        self.entities = 0  # LOC entities of the articles (one per article and name)
        self.linked = 0

    def link(self, rows: list[Row]) -> list[Row]:
        started = time.perf_counter()
        rows = link_entities(rows, self.data.gazetteer)
        self.entities += sum(1 for row in rows if row["label"] == "LOC")
        self.linked += sum(1 for row in rows if row["link"])
        self.seconds += time.perf_counter() - started
        return rows

    def warning(self) -> str | None:
        """[W002] when there is no place data, saying why."""
        return None if self.data.reason is None else Warnings.W002.format(reason=self.data.reason)

    def info(self) -> Row:
        return {
            "source": self.data.source or None,
            "warning": self.warning(),
            "loc_entities": self.entities,
            "linked": self.linked,
            "seconds": round(self.seconds, 3),
        }
