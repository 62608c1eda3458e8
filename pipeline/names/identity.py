"""One identity across the corpus: which article-level entities name the same thing.

Each article resolves its own mentions (`rules.resolve`); an article that says only "Obama" cannot know that
another one says "Barack Obama". After all articles, the distinct (label, canonical name) pairs of the whole
corpus are resolved here, with the same rules as in an article but over the corpus:

- a surname joins the one full name of a person that ends in it ("Obama" -> "Barack Obama"), unless it is a
  known first name (a "Karl" in a court report is not the minister "Maria Karl"), and, where the corpus can
  tell, only when the two share context: some other entity that occurs in their articles and in more than one
  article of the corpus ("Schneider" beside Bayer Leverkusen is not "Maria Schneider" beside Paris). Where
  either side has no such entity (a one-line article), the name alone decides;
- an acronym joins the one longer name of its label whose initials, or the initials of its compound parts,
  it is ("ÖVP" -> "Österreichische Volkspartei");
- a name without its regnal number joins the one name with it ("Johannes Paul" -> "Johannes Paul II.");
- when a short form fits several names ("Bush": "George Bush" and "George W. Bush"), it stays its own entity
  and is listed as ambiguous; two full names are never merged.

The result depends only on the set of names, never on the order of the articles, so any order of processing,
any number of workers and any engine give the same tables; a rerun that adds articles resolves again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from .lexicon import Lexicon
from .rules import ACRONYM_RE, is_acronym_of, numeral_extension, surname

Key = tuple[str, str]  # (label, canonical name)


@dataclass
class CorpusIdentity:
    """The corpus identity of each article-level entity, and the short forms that fit several names."""

    of: dict[Key, Key] = field(default_factory=dict)
    ambiguous: dict[Key, list[str]] = field(default_factory=dict)  # short form -> the names it could be

    def __call__(self, key: Key) -> Key:
        return self.of.get(key, key)


def context_of(
    key: Key, together: Mapping[Key, Collection[Key]], articles: Mapping[Key, int], *, apart: set[Key]
) -> set[Key]:
    """The entities `key` occurs with that tell something: those in more than one article, less `apart`."""
    return {k for k in together.get(key, ()) if articles.get(k, 0) > 1 and k not in apart}


def resolve_corpus(
    keys: Iterable[Key],
    lexicon: Lexicon,
    *,
    together: Mapping[Key, Collection[Key]] | None = None,
    articles: Mapping[Key, int] | None = None,
) -> CorpusIdentity:
    """Map every (label, canonical) of the corpus to its corpus identity.

    `together` gives, for each person's name, the other entities of the articles it occurs in, and `articles`
    how many articles each entity occurs in (`pipeline.tables.corpus.NameCounts` collects both); without them
    a surname joins its full name on the names alone.
    """
    keys = sorted(set(keys))
    identity = CorpusIdentity()
    full: dict[str, set[str]] = {}  # label -> multi-word names
    for label, name in keys:
        if len(name.split()) > 1:
            full.setdefault(label, set()).add(name)
    # Indexes, so that each short form is compared with a few names, not all of them: a corpus has many.
    by_surname: dict[str, set[str]] = {}  # surname -> full names of persons
    for n in full.get("PER", ()):
        by_surname.setdefault(surname(n), set()).add(n)
    by_initial: dict[tuple[str, str], set[str]] = {}  # (label, first letter; "" if lower-case) -> names
    for label, names in full.items():
        for n in names:
            by_initial.setdefault((label, n[0].upper() if n[0].isupper() else ""), set()).add(n)
    # A name and its extension by a regnal number start with the same word.
    by_first_word: dict[tuple[str, str], set[str]] = {}
    for label, names in full.items():
        for n in names:
            by_first_word.setdefault((label, n.split()[0]), set()).add(n)
    # First the names without a regnal number, so that "Wojtyła" can find "Johannes Paul II." through them.
    for label, name in keys:
        if len(name.split()) > 1:
            extended = numeral_extension(name, by_first_word.get((label, name.split()[0]), ()))
            if extended:
                identity.of[(label, name)] = (label, extended)
    for label, name in keys:
        if len(name.split()) != 1:
            continue
        if label == "PER":
            if name in lexicon.first_names:
                continue  # a first name alone says too little to join a person of another article
            candidates = by_surname.get(name, set())
        elif ACRONYM_RE.match(name):
            # The first letter must match before the costlier test of compound parts: a corpus has many names.
            first = by_initial.get((label, name[0]), set()) | by_initial.get((label, ""), set())
            candidates = {n for n in first if is_acronym_of(name, n, lexicon)}
        else:
            continue
        targets = {identity((label, n))[1] for n in candidates}
        if len(targets) == 1 and label == "PER" and together is not None and articles is not None:
            fulls = {(label, n) for n in candidates}
            apart = {(label, name), *fulls}
            own = context_of((label, name), together, articles, apart=apart)
            theirs = set().union(*(context_of(k, together, articles, apart=apart) for k in fulls))
            if own and theirs and not own & theirs:
                continue  # both articles say enough to tell, and they share nothing: another person
        if len(targets) == 1:
            identity.of[(label, name)] = (label, targets.pop())
        elif len(targets) > 1:
            identity.ambiguous[(label, name)] = sorted(targets)
    return identity
