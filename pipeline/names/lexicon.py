"""German word lists and counts that the canonical-name stage decides from.

All of it is data, read from files: `data/lexicon/` (shipped inside the wheel as `pipeline/lexicon/`) and the
noun table of the `german-nouns` package (Wiktionary, CC BY-SA 4.0), which gives the grammatical gender,
plural and genitive forms of about 100,000 German nouns.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from ..invalidation import files_digest
from ..util import PACKAGE_DIR, open_text
from .lexicon_cache import cache_key, cached


def lexicon_dir() -> Path:
    """The lexicon folder: inside the package in a wheel, else `data/lexicon` of the checkout."""
    for candidate in (PACKAGE_DIR / "lexicon", PACKAGE_DIR.parent / "data" / "lexicon"):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR.parent / "data" / "lexicon"


def _rows(path: Path) -> list[list[str]]:
    with open_text(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]


@dataclass(frozen=True)
class Place:
    base: str
    label: str


@dataclass
class Lexicon:
    """Everything the canonical stage looks up."""

    derived: dict[str, Place] = field(default_factory=dict)  # lower-case adjective stem -> place
    inhabitants: dict[str, Place] = field(default_factory=dict)  # inhabitant noun -> place
    aliases: dict[str, Place] = field(default_factory=dict)  # short form -> canonical name
    determiners: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()
    counts: dict[str, int] = field(default_factory=dict)  # word -> frequency in raw German text
    genus: dict[str, str] = field(default_factory=dict)  # noun (nominative singular) -> m, f, n
    plurals: frozenset[str] = frozenset()  # nominative plural forms of nouns
    genitives: dict[str, str] = field(default_factory=dict)  # genitive singular form -> nominative
    # Every form of the common nouns of the noun table: the entries tagged as first names, surnames, proper
    # names or places are left out, so "Kicker" and "Planeten" are in it and "Gerhard" is not.
    common: frozenset[str] = frozenset()
    first_names: frozenset[str] = frozenset()  # first names: faker's locales and the noun table's `Vorname`
    person_names: frozenset[str] = frozenset()  # first and last names (the fast model's `person` list)
    places: frozenset[str] = frozenset()  # GeoNames cities and countries (the fast model's `place` list)
    abbreviations: frozenset[str] = frozenset()  # words whose full stop is their own: "Inc.", "Corp.", "Dr."
    locatives: frozenset[str] = frozenset()  # prepositions before a place, not a club: "in", "nach", "aus"
    # The digest of the files it was read from (`invalidation.files_digest`): the pipeline digest takes it from
    # the canonical component, so a result made with other word lists is never reused, wherever they came from.
    digest: str = ""

    def count(self, word: str) -> int:
        return self.counts.get(word, 0)


def read_nouns(lexicon: Lexicon) -> None:
    """Fill gender, plural and genitive tables from the german-nouns package."""
    from german_nouns.config import CSV_FILE_PATH

    genus: dict[str, str] = {}
    plurals: set[str] = set()
    genitives: dict[str, str] = {}
    common: set[str] = set()
    first_names: set[str] = set()
    with open(CSV_FILE_PATH, encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        col = {name: i for i, name in enumerate(header)}
        plural_cols = [i for name, i in col.items() if name.startswith("nominativ plural")]
        genitive_cols = [i for name, i in col.items() if name.startswith("genitiv singular")]
        # Columns after `genus ...` hold the forms: "nominativ singular", "dativ plural 2", ...
        form_cols = [i for name, i in col.items() if name.split(" ")[0].endswith("tiv")]
        for row in reader:
            lemma, gender = row[col["lemma"]], row[col["genus"]]
            if gender in ("m", "f", "n"):
                genus.setdefault(lemma, gender)
            plurals.update(row[i] for i in plural_cols if i < len(row) and row[i])
            for i in genitive_cols:
                if i < len(row) and row[i] and row[i] != lemma:
                    genitives.setdefault(row[i], lemma)
            tags = set(row[col["pos"]].split(","))
            if "Vorname" in tags:
                first_names.add(lemma)
            elif not tags & PROPER_TAGS:
                common.update(w for w in (lemma, *(row[i] for i in form_cols if i < len(row))) if w[:1].isupper())
    lexicon.genus, lexicon.plurals, lexicon.genitives = genus, frozenset(plurals - set(genus)), genitives
    lexicon.common = frozenset(common)
    lexicon.first_names = lexicon.first_names | first_names


def load_lexicon(folder: Path | None = None) -> Lexicon:
    """Read the lexicon once per process (and folder): `load_lexicon()` and `load_lexicon(None)` share it."""
    return _load_lexicon(folder or lexicon_dir())


# Tags of the noun table's entries that are names, not common nouns.
PROPER_TAGS = frozenset({"Vorname", "Nachname", "Eigenname", "Toponym", "Straßenname"})
LEXICON_FILES = (
    "demonyms.tsv",
    "aliases.tsv",
    "determiners.txt",
    "titles.txt",
    "word_counts.tsv.gz",
    "first_names.txt.gz",
    "person_names.txt.gz",
    "places.txt.gz",
    "org_words.tsv",
    "locatives.txt",
)


def lexicon_sources(folder: Path | None = None) -> list[Path]:
    from german_nouns.config import CSV_FILE_PATH

    return [(folder or lexicon_dir()) / name for name in LEXICON_FILES] + [Path(CSV_FILE_PATH)]


def lexicon_stamp(folder: Path | None = None) -> str:
    """Changes whenever a file the lexicon is read from changes."""
    return cache_key(lexicon_sources(folder))


@cache
def _load_lexicon(folder: Path) -> Lexicon:
    # "lexicon.v2": the pickles of older versions lack the digest, and a stamp of the same files would find them.
    return cached("lexicon.v2", lexicon_sources(folder), lambda: _parse_lexicon(folder))


def _parse_lexicon(folder: Path) -> Lexicon:
    lexicon = Lexicon()
    for form, base, label, kind in _rows(folder / "demonyms.tsv"):
        target = lexicon.derived if kind == "adjective" else lexicon.inhabitants
        target[form] = Place(base, label)
    lexicon.aliases = {form: Place(base, label) for form, base, label in _rows(folder / "aliases.tsv")}
    lexicon.determiners = frozenset(row[0] for row in _rows(folder / "determiners.txt"))
    lexicon.titles = frozenset(row[0] for row in _rows(folder / "titles.txt"))
    lexicon.counts = {row[0]: int(row[1]) for row in _rows(folder / "word_counts.tsv.gz") if len(row) == 2}
    lexicon.first_names = frozenset(row[0] for row in _rows(folder / "first_names.txt.gz"))
    lexicon.person_names = frozenset(row[0] for row in _rows(folder / "person_names.txt.gz"))
    lexicon.places = frozenset(row[0] for row in _rows(folder / "places.txt.gz"))
    lexicon.abbreviations = frozenset(
        [word for word, kind in _rows(folder / "org_words.tsv") if kind == "legal" and word.endswith(".")]
        + [title for title in lexicon.titles if title.endswith(".")]
    )
    lexicon.locatives = frozenset(row[0] for row in _rows(folder / "locatives.txt"))
    read_nouns(lexicon)
    lexicon.digest = files_digest(lexicon_sources(folder))
    return lexicon
