"""German-aware base forms and alias merging for entity mentions: the logic of the canonical stage.

Each decision rests on evidence, never on blind suffix stripping:

- a genitive `-s`/`-es` is removed only if the shorter form is seen in the same article, is a genitive in the
  noun table (Kremls -> Kreml), or is at least as frequent as the longer one in 30 million words of German
  (Putins -> Putin, but Paris, Hans, Klaus, Mercedes and Los Angeles stay whole);
- an inflected adjective before a noun gets the strong nominative ending of that noun's gender
  (am Schwarzen Meer -> Schwarzes Meer, der Europäischen Union -> Europäische Union), and only if the
  adjective is a frequent lower-case word, so that names like "Zürcher" are left alone;
- derived words and inhabitant nouns map to their place through the demonym lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .lexicon import Lexicon, Place

ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
STRONG_NOMINATIVE = {"m": "er", "f": "e", "n": "es", "pl": "e"}
# An adjective form must be this frequent in lower case to count as an adjective.
MIN_ADJECTIVE_COUNT = 20
ACRONYM_RE = re.compile(r"^[A-ZÄÖÜ]{2,6}$")


def genitive_base(word: str, *, seen: set[str], lexicon: Lexicon, genitive: bool = False) -> str:
    """The nominative of a name that may carry a genitive ending, decided from evidence.

    `genitive` is the model's morphology, where the pipeline has a morphologizer (de_core_news_sm does):
    with it, a shorter form that the corpus knows at all is enough.
    """
    if word.endswith(("'", "\u2019")) and len(word) > 2:
        return word[:-1]  # Paris', Klaus': the apostrophe marks a genitive of a name ending in s
    if not word.endswith("s") or len(word) <= 3:
        return word
    candidates = [word[:-1]] + ([word[:-2]] if word.endswith("es") and len(word) > 4 else [])
    for candidate in candidates:
        if candidate in seen:
            return candidate
    # The corpus decides: "Putin" is more frequent than "Putins", but "Han" is rarer than "Hans".
    count = 0 if genitive else lexicon.count(word)
    supported = [
        c
        for c in candidates
        if (lexicon.count(c) > 0 or lexicon.genitives.get(word) == c) and lexicon.count(c) >= count
    ]
    return max(supported, key=lexicon.count) if supported else word


def noun_gender(noun: str, lexicon: Lexicon) -> str | None:
    if noun in lexicon.genus:
        return lexicon.genus[noun]
    if noun in lexicon.plurals:
        return "pl"
    # Compounds take the gender of their last part: "Bundesrepublik" like "Republik".
    for i in range(1, len(noun) - 2):
        tail = noun[i:].capitalize()
        if tail in lexicon.genus:
            return lexicon.genus[tail]
    return None


def adjective_nominative(word: str, gender: str, lexicon: Lexicon) -> str:
    """`Schwarzen` before a neuter noun -> `Schwarzes`; an unknown word is returned unchanged."""
    for ending in ADJECTIVE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            if sum(lexicon.count(stem.lower() + e) for e in ADJECTIVE_ENDINGS) >= MIN_ADJECTIVE_COUNT:
                return stem + STRONG_NOMINATIVE[gender]
            return word
    return word


def base_name(words: list[str], *, seen: set[str], lexicon: Lexicon, label: str, genitive: bool = False) -> str:
    """The canonical base form of a name mention given as words."""
    while len(words) > 1 and words[0] in lexicon.determiners:
        words = words[1:]
    if len(words) > 1 and words[-1] in ("'", "\u2019"):
        words = [*words[:-2], words[-2] + words[-1]]  # the tokenizer splits "Paris'" into "Paris" "'"
    if label == "PER":
        while len(words) > 1 and words[0] in lexicon.titles:
            words = words[1:]
    last = genitive_base(words[-1], seen=seen, lexicon=lexicon, genitive=genitive)
    words = [*words[:-1], last]
    if label != "PER" and len(words) > 1:
        gender = noun_gender(last, lexicon)
        if gender:
            words = [adjective_nominative(w, gender, lexicon) if w[:1].isupper() else w for w in words[:-1]] + [last]
    name = " ".join(words)
    alias = lexicon.aliases.get(name)
    return alias.base if alias else name


def _inflected_lookup(word: str, endings: tuple[str, ...], table: dict[str, Place]) -> Place | None:
    """The entry of `word` or of `word` minus one of the inflection `endings`, tried in order."""
    for ending in endings:
        if word.endswith(ending):
            stem = word[: -len(ending)] if ending else word
            if stem in table:
                return table[stem]
    return None


def derived_base(text: str, lexicon: Lexicon) -> tuple[str, str] | None:
    """The place a derived word refers to: `belarussische` -> (Belarus, LOC); None if unknown."""
    word = text.strip()
    place = _inflected_lookup(word.lower(), ("", "e", "en", "em", "er", "es"), lexicon.derived)
    place = place or _inflected_lookup(word, ("", "n", "en", "s", "in", "innen"), lexicon.inhabitants)
    return (place.base, place.label) if place else None


def part_base(text: str, lexicon: Lexicon) -> str | None:
    """The name inside a hyphenated compound: `Kreml-Sprecher` -> Kreml, `US-Außenminister` -> USA."""
    if "-" not in text:
        return None
    head = text.split("-")[0]
    if not head[:1].isupper():
        return None
    alias = lexicon.aliases.get(head)
    return alias.base if alias else head


def initials(name: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s-]+", name) if part[:1].isupper())


@dataclass
class Mention:
    text: str
    label: str
    kind: str
    base: str = ""
    group: int = -1
    words: list[str] = field(default_factory=list)
    genitive: bool = False  # the model's morphology says the last word is in the genitive case


def resolve(mentions: list[Mention], lexicon: Lexicon) -> list[str]:
    """Base forms and alias groups of one article's mentions; returns the canonical name of each mention."""
    seen = {word for m in mentions if m.kind == "name" for word in m.words if not word.endswith("s")}
    seen |= {m.text for m in mentions if m.kind == "name" and not m.text.endswith("s")}
    for m in mentions:
        m.base = m.text
        if m.kind == "name":
            m.base = base_name(m.words, seen=seen, lexicon=lexicon, label=m.label, genitive=m.genitive)
            # An inhabitant noun tagged as a name ("Belarussen" as LOC) still means its place.
            found = derived_base(m.text, lexicon) if len(m.words) == 1 and m.label == "LOC" else None
            if found and m.base not in seen:
                m.base = found[0]
        elif m.kind == "derived":
            found = derived_base(m.text, lexicon)
            if found:
                m.base = found[0]
        else:
            m.base = part_base(m.text, lexicon) or m.text
    return merge_aliases(mentions)


def merge_aliases(mentions: list[Mention]) -> list[str]:
    """Group mentions of one thing and name each group by its fullest name form."""
    keys = sorted({(m.label, m.base) for m in mentions}, key=lambda k: (-len(k[1].split()), -len(k[1]), k))
    parent = {key: key for key in keys}

    def find(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            key = parent[key]
        return key

    names = {(m.label, m.base) for m in mentions if m.kind == "name"}
    for label, base in keys:
        tokens = base.split()
        if label == "PER" and len(tokens) == 1:
            # A surname joins the one full name that ends in it; with two (Hans and Eva Müller) it joins none.
            fulls = {k for k in names if k[0] == "PER" and len(k[1].split()) > 1 and k[1].split()[-1] == base}
            firsts = {k[1].split()[0] for k in fulls}
            if fulls and len(firsts) == 1:
                longest = max(fulls, key=lambda k: (len(k[1].split()), len(k[1])))
                parent[find((label, base))] = find(longest)
        elif label != "PER" and ACRONYM_RE.match(base):
            longs = {k for k in names if k[0] == label and len(k[1].split()) > 1 and initials(k[1]) == base}
            if len(longs) == 1:
                parent[find((label, base))] = find(next(iter(longs)))
        elif label == "ORG" and len(tokens) == 1:
            # "Schalke" and "Schalke 04", "Dortmund" and "Borussia Dortmund", "Mercedes" and "Mercedes-Benz":
            # a one-word organisation joins the one longer organisation name that contains the word.
            longer = {k for k in names if k[0] == "ORG" and k[1] != base and base in re.split(r"[\s-]+", k[1])}
            if len(longer) == 1:
                parent[find((label, base))] = find(next(iter(longer)))
    # A full name that extends another full name (Alexander Lukaschenko / Alexander G. Lukaschenko) joins it.
    for label, base in keys:
        tokens = base.split()
        if label == "PER" and len(tokens) > 1:
            for other in keys:
                o = other[1].split()
                if other[0] == "PER" and len(o) > len(tokens) and o[0] == tokens[0] and o[-1] == tokens[-1]:
                    parent[find((label, base))] = find(other)
                    break
    groups: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for key in keys:
        groups.setdefault(find(key), []).append(key)
    canonical = {}
    for members in groups.values():
        named = [k for k in members if k in names] or members
        fullest = max(named, key=lambda k: (len(k[1].split()), len(k[1]), k[1]))
        for key in members:
            canonical[key] = fullest[1]
    return [canonical[(m.label, m.base)] for m in mentions]
