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
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from .lexicon import Lexicon, Place

ADJECTIVE_ENDINGS = ("en", "em", "er", "es", "e")
STRONG_NOMINATIVE = {"m": "er", "f": "e", "n": "es", "pl": "e"}
# An adjective form must be this frequent in lower case to count as an adjective.
MIN_ADJECTIVE_COUNT = 20
# A compound's tail must be this frequent to count as a part whose initial an acronym may take.
MIN_PART_COUNT = 50
ACRONYM_RE = re.compile(r"^[A-ZÄÖÜ]{2,6}$")
NUMERAL_RE = re.compile(r"^(?:[IVXLC]+\.?|\d{1,3}\.)$")


def genitive_base(
    word: str,
    *,
    seen: set[str],
    lexicon: Lexicon,
    genitive: bool = False,
    position: bool = False,
    multiword: bool = False,
    label: str = "",
) -> str:
    """The nominative of a name that may carry a genitive ending, decided from evidence.

    `genitive` is the model's morphology, where the pipeline has a morphologizer (de_core_news_sm does):
    with it, a shorter form that the corpus knows at all is enough. `position` says the word stands where a
    genitive stands (before a noun, after a noun or `des`). The last word of a multi-word name keeps its -s
    unless the bare form occurs in the article ("Mats Hummels", "Las Vegas"), and a person's name needs the
    bare form or a genitive position ("Hummels spielte" stays whole).
    """
    if word.endswith(("'", "\u2019")) and len(word) > 2:
        return word[:-1]  # Paris', Klaus': the apostrophe marks a genitive of a name ending in s
    if not word.endswith("s") or len(word) <= 3:
        return word
    candidates = [word[:-1]] + ([word[:-2]] if word.endswith("es") and len(word) > 4 else [])
    for candidate in candidates:
        if candidate in seen:
            return candidate
    if multiword and not genitive:
        # Only a common noun's genitive ("des Weißen Hauses") may lose its -s without the bare form, and only
        # if the bare noun is at least as frequent ("Haus" is also the genitive of the rare "Hau").
        noun = lexicon.genitives.get(word)
        if label == "PER" or noun not in candidates or lexicon.count(noun) < lexicon.count(word):
            return word
        return noun
    if label == "PER" and not (position or genitive):
        return word
    # The corpus decides: "Putin" is more frequent than "Putins", but "Han" is rarer than "Hans".
    count = 0 if genitive else lexicon.count(word)
    supported = [
        c
        for c in candidates
        if (lexicon.count(c) > 0 or lexicon.genitives.get(word) == c) and lexicon.count(c) >= count
    ]
    return max(supported, key=lexicon.count) if supported else word


def is_noun(word: str, lexicon: Lexicon) -> bool:
    """A capitalised common noun of the noun table in any number or case, also as the end of a compound
    ("Sprecher", "Parteikollegen")."""
    if not word[:1].isupper():
        return False
    for i in range(0, max(1, len(word) - 3)):
        tail = word[i:].capitalize() if i else word
        if tail in lexicon.genus or tail in lexicon.plurals or tail in lexicon.genitives:
            return True
    return False


def genitive_position(before: str, after: str, lexicon: Lexicon) -> bool:
    """Whether a name between these words stands where a genitive does: "Putins Sprecher", "die Hilfe
    Putins", "des Kremls"."""
    return before in ("des", "eines") or is_noun(after, lexicon) or is_noun(before, lexicon)


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


def is_numeral(word: str) -> bool:
    """A regnal number or ordinal that belongs to a name: "II.", "XVI.", "2."."""
    return bool(NUMERAL_RE.match(word))


def base_name(
    words: list[str],
    *,
    seen: set[str],
    lexicon: Lexicon,
    label: str,
    genitive: bool = False,
    position: bool = False,
) -> str:
    """The canonical base form of a name mention given as words."""
    while len(words) > 1 and words[0] in lexicon.determiners:
        words = words[1:]
    if len(words) > 1 and words[-1] in ("'", "\u2019"):
        words = [*words[:-2], words[-2] + words[-1]]  # the tokenizer splits "Paris'" into "Paris" "'"
    if label == "PER":
        while len(words) > 1 and words[0] in lexicon.titles:
            words = words[1:]
    if is_numeral(words[-1]):
        return " ".join(words)  # "Johannes Paul II.", "Benedikt XVI.": nothing to strip
    last = genitive_base(
        words[-1],
        seen=seen,
        lexicon=lexicon,
        genitive=genitive,
        position=position,
        multiword=len(words) > 1,
        label=label,
    )
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


def word_initials(word: str, lexicon: Lexicon) -> set[str]:
    """The letters a word can give an acronym: its initial, or the initials of its compound parts too
    (Volkspartei -> V or VP, Norddeutscher -> N or ND)."""
    found = _INITIALS.get(word)
    if found is None:
        found = _INITIALS[word] = _word_initials(word, lexicon.genus, lexicon.counts)
    return found


# Initials per word: the same words come back in every acronym test of a corpus. One lexicon per process.
_INITIALS: dict[str, set[str]] = {}


def _word_initials(word: str, genus: dict[str, str], counts: dict[str, int]) -> set[str]:
    if len(word) > 1 and word.isupper():
        return {word}  # an acronym inside a name gives all its letters ("AM von Pios" is no "AP")
    options = {word[0].upper()}
    # Parts of at least four letters: shorter tails ("Ion" in "Bundestagsfraktion") are chance words.
    for i in range(3, len(word) - 3):
        tail = word[i:]
        # A part counts when it is a noun of the noun table or a frequent word ("deutscher").
        if tail.capitalize() in genus or counts.get(tail.lower(), 0) >= MIN_PART_COUNT:
            options |= {word[0].upper() + rest for rest in _word_initials(tail, genus, counts)}
    return options


def is_acronym_of(acronym: str, name: str, lexicon: Lexicon) -> bool:
    """Whether `acronym` is made of the initials of `name`'s words or of their compound parts; lower-case
    words ("für", "der") may be left out."""
    words = [w for w in re.split(r"[\s-]+", name) if w]
    if len(words) < 2 or len(acronym) > 8:
        return False
    target = acronym.upper()
    ends = {0}  # positions in the acronym reachable after the words so far
    for word in words:
        options = word_initials(word, lexicon)
        reached = {end + len(o) for end in ends for o in options if target.startswith(o, end)}
        ends = reached | (ends if word[:1].islower() else set())
        if not ends:
            return False
    return len(target) in ends


def initials(name: str) -> str:
    return "".join(part[0] for part in re.split(r"[\s-]+", name) if part[:1].isupper())


def numeral_extension(name: str, others: Iterable[str]) -> str | None:
    """The one other name that is `name` plus a regnal number ("Johannes Paul" -> "Johannes Paul II.")."""
    found = {o for o in others if o.startswith(name + " ") and all(is_numeral(w) for w in o[len(name) :].split())}
    return found.pop() if len(found) == 1 else None


@dataclass
class Mention:
    text: str
    label: str
    kind: str
    base: str = ""
    group: int = -1
    words: list[str] = field(default_factory=list)
    genitive: bool = False  # the model's morphology says the last word is in the genitive case
    position: bool = False  # the mention stands where a genitive does (see `genitive_position`)
    model_label: str = ""  # the label the model gave; `label` is the one decided for the article
    label_source: str = "model"  # model, article (decided from the article's mentions) or lexicon

    def __post_init__(self) -> None:
        self.model_label = self.model_label or self.label


def resolve(mentions: list[Mention], lexicon: Lexicon) -> list[str]:
    """Base forms, labels and alias groups of one article's mentions; returns the canonical name of each.

    Labels may change: a word-list demonym becomes a derived mention of its place, an inflected form of a
    person's name becomes that person, and all mentions that end with one canonical name get one label.
    """
    seen = {word for m in mentions if m.kind == "name" for word in m.words if not word.endswith("s")}
    seen |= {m.text for m in mentions if m.kind == "name" and not m.text.endswith("s")}
    for m in mentions:
        set_base(m, seen, lexicon)
    relabel_parts(mentions, lexicon)
    relabel_persons(mentions, seen, lexicon)
    canonical = merge_aliases(mentions, lexicon)
    if vote_labels(mentions, canonical):
        canonical = merge_aliases(mentions, lexicon)
    return canonical


def set_base(m: Mention, seen: set[str], lexicon: Lexicon) -> None:
    m.base = m.text
    if m.kind == "name":
        # A demonym tagged as a name ("Belarussen" as LOC, "Dortmunder" as ORG) still means its place: the
        # word list knows it better than the model.
        found = derived_base(m.text, lexicon) if len(m.words) == 1 and m.label != "PER" else None
        if found and found[0] != m.text:
            m.kind, m.base, m.label, m.label_source = "derived", found[0], found[1], "lexicon"
            return
        m.base = base_name(m.words, seen=seen, lexicon=lexicon, label=m.label, genitive=m.genitive, position=m.position)
    elif m.kind == "derived":
        found = derived_base(m.text, lexicon)
        if found:
            m.base = found[0]
    else:
        m.base = part_base(m.text, lexicon) or m.text


def relabel_parts(mentions: list[Mention], lexicon: Lexicon) -> None:
    """A compound tagged as a name whose head is a name of the article and whose tail is a common noun
    ("Kreml-Erklärung" beside "Kreml") is a part mention of that name."""
    named = {m.base: m.label for m in mentions if m.kind == "name" and "-" not in m.text}
    for m in mentions:
        if m.kind != "name" or len(m.words) != 1 or m.text.count("-") != 1:
            continue
        head, tail = m.text.split("-")
        if head in named and is_noun(tail, lexicon):
            m.kind, m.base, m.label, m.label_source = "part", head, named[head], "article"


def relabel_persons(mentions: list[Mention], seen: set[str], lexicon: Lexicon) -> None:
    """An inflected form of a person's name ("Putins" tagged LOC beside "Wladimir Putin") is that person,
    unless its bare form is a mention with another label ("Porsches" beside the company "Porsche")."""
    persons = {m.base for m in mentions if m.label == "PER" and m.kind == "name"}
    surnames = persons | {p.split()[-1] for p in persons}
    bare = {m.text: m.label for m in mentions if m.kind == "name"}
    for m in mentions:
        if m.kind != "name" or m.label == "PER" or len(m.words) != 1:
            continue
        base = genitive_base(m.text, seen=seen | surnames, lexicon=lexicon)
        if base != m.text and base in surnames and bare.get(base, "PER") == "PER":
            m.label, m.base, m.label_source = "PER", base, "article"


def vote_labels(mentions: list[Mention], canonical: list[str]) -> bool:
    """Give all mentions of one canonical name one label; returns whether any label changed.

    The label of the name mentions wins, then that of the bare mentions (the uninflected form, which the
    model labels best), then the majority of all; a tie goes to the earliest mention.
    """
    groups: dict[str, list[Mention]] = {}
    for m, name in zip(mentions, canonical, strict=True):
        groups.setdefault(name, []).append(m)
    changed = False
    for name, members in groups.items():
        if len({m.label for m in members}) < 2:
            continue
        label = majority([m for m in members if m.kind == "name"])
        label = label or majority([m for m in members if m.text == name]) or majority(members)
        label = label or members[0].label
        for m in members:
            if m.label != label:
                m.label, m.label_source, changed = label, "article", True
    return changed


def majority(members: list[Mention]) -> str | None:
    """The most frequent label, or None if there is none or a tie."""
    counts = Counter(m.label for m in members).most_common()
    if not counts or (len(counts) > 1 and counts[0][1] == counts[1][1]):
        return None
    return counts[0][0]


def merge_aliases(mentions: list[Mention], lexicon: Lexicon | None = None) -> list[str]:
    """Group mentions of one thing and name each group by its fullest name form."""
    keys = sorted({(m.label, m.base) for m in mentions}, key=lambda k: (-len(k[1].split()), -len(k[1]), k))
    parent = {key: key for key in keys}

    def find(key: tuple[str, str]) -> tuple[str, str]:
        while parent[key] != key:
            key = parent[key]
        return key

    names = {(m.label, m.base) for m in mentions if m.kind == "name"}
    # A name without its regnal number joins the name with it: "Johannes Paul" -> "Johannes Paul II.".
    for label, base in keys:
        extended = numeral_extension(base, (k[1] for k in names if k[0] == label))
        if extended:
            parent[find((label, base))] = find((label, extended))
    for label, base in keys:
        tokens = base.split()
        if label == "PER" and len(tokens) == 1:
            # A surname joins the one full name that ends in it; with two (Hans and Eva Müller, George Bush
            # and George W. Bush) it joins none.
            fulls = {find(k) for k in names if k[0] == "PER" and len(k[1].split()) > 1 and surname(k[1]) == base}
            if len(fulls) == 1:
                parent[find((label, base))] = fulls.pop()
        elif label != "PER" and ACRONYM_RE.match(base):
            longs = {
                k for k in names if k[0] == label and len(k[1].split()) > 1 and acronym_matches(base, k[1], lexicon)
            }
            if len(longs) == 1:
                parent[find((label, base))] = find(next(iter(longs)))
        elif label == "ORG" and len(tokens) == 1:
            # "Schalke" and "Schalke 04", "Dortmund" and "Borussia Dortmund", "Mercedes" and "Mercedes-Benz":
            # a one-word organisation joins the one longer organisation name that contains the word.
            longer = {k for k in names if k[0] == "ORG" and k[1] != base and base in re.split(r"[\s-]+", k[1])}
            if len(longer) == 1:
                parent[find((label, base))] = find(next(iter(longer)))
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


def surname(name: str) -> str:
    """The last word of a person's name that is not a regnal number."""
    words = [w for w in name.split() if not is_numeral(w)] or name.split()
    return words[-1]


def acronym_matches(acronym: str, name: str, lexicon: Lexicon | None) -> bool:
    if lexicon is None:
        return initials(name) == acronym
    return is_acronym_of(acronym, name, lexicon)
