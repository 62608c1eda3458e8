"""German-aware base forms and alias merging for entity mentions: the logic of the canonical stage.

Each decision rests on evidence, never on blind suffix stripping:

- a genitive `-s`/`-es` is removed only if the shorter form is seen in the same article, is a genitive in the
  noun table (Kremls -> Kreml), or is at least as frequent as the longer one in 30 million words of German
  (Putins -> Putin, but Paris, Hans, Klaus, Mercedes and Los Angeles stay whole);
- an inflected adjective before a noun gets the strong nominative ending of that noun's gender
  (am Schwarzen Meer -> Schwarzes Meer, der Europäischen Union -> Europäische Union), and only if the
  adjective is a frequent lower-case word, so that names like "Zürcher" are left alone;
- derived words and inhabitant nouns map to their place through the demonym lexicon, also behind a compass
  or stance prefix (ostfranzösisch -> Frankreich, proisraelisch -> Israel), an inhabitant noun through its
  adjective (Mexikaner, mexikanisch -> Mexiko), two hyphenated adjectives to the first (türkisch-syrisch ->
  Türkei), a derived or part word with an adjective tail to its place (russischsprachig -> Russland,
  europaweit -> Europa), and the -er forms of places to the place (Wülfrather -> Wülfrath);
- a name is written one way: without quote marks, brackets or a quoted nickname, without a role noun in front
  (Sängerin Adele -> Adele), with the full stop of an abbreviation or a regnal number and without that of a
  sentence (Benedikt XVI -> Benedikt XVI., FC Schalke 04. -> FC Schalke 04).
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
# A noun in front of a name other than a person's must be this frequent to count as a role noun ("Konzern").
MIN_ROLE_COUNT = 20
# A compound's tail must be this frequent to count as a part whose initial an acronym may take.
MIN_PART_COUNT = 50
ACRONYM_RE = re.compile(r"^[A-ZÄÖÜ]{2,6}$")
NUMERAL_RE = re.compile(r"^(?:[IVXLC]+\.?|\d{1,3}\.)$")
ROMAN_RE = re.compile(r"^[IVXLC]+$")
# A short form in brackets: one word of letters that starts with a capital and has another (EL, BdB, UEFA).
SHORT_FORM_RE = re.compile(r"^[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{1,7}$")
# Quote marks that open a quoted stretch, and those that close one: straight double, German, English and
# guillemets in both directions. An apostrophe (' or \u2019) closes a stretch only inside one: elsewhere it
# marks a genitive (Paris') or belongs to the name (O'Neill).
OPEN_QUOTES = '"\u201e\u201a\u201c\u2018\u00bb\u00ab\u203a\u2039'
CLOSE_QUOTES = "\"\u201c\u201d\u2018\u2019\u00ab\u00bb\u2039\u203a'"
BRACKETS = "()[]{}"
# Compass prefixes of derived words: "ostfranzösisch" is French, "süddeutsch" German. Longest first.
COMPASS = ("nordost", "nordwest", "südost", "südwest", "nord", "süd", "ost", "west", "mittel", "zentral")
# Prefixes of a stance towards a place ("proisraelisch", "antieuropäisch", "paneuropäisch"): the word still
# derives from the place, as behind a compass prefix.
STANCE = ("anti", "pro", "pan")
# An inhabitant noun is its adjective's stem plus one of these (Argentin-ier, Kolumbian-er, Bulgar-e), so the
# adjective list also knows the inhabitants it lacks.
INHABITANT_SUFFIXES = ("ier", "er", "e")
# Adjective tails after a derived word or a place ("russischsprachig", "türkischstämmig", "europaweit"): the
# word is a part mention of that place.
DERIVED_TAILS = ("sprachig", "stämmig")
PLACE_TAILS = ("weit",)


def genitive_base(
    word: str,
    *,
    seen: set[str],
    lexicon: Lexicon,
    genitive: bool = False,
    position: bool = False,
    multiword: bool = False,
    label: str = "",
    known_person: bool = False,
    agreement: bool = True,
    prenominal: bool = False,
) -> str:
    """The nominative of a name that may carry a genitive ending, decided from evidence.

    `genitive` is the model's morphology, where the pipeline has a morphologizer (de_core_news_sm does):
    with it, a shorter form that the corpus knows at all is enough. `position` says the word stands where a
    genitive stands (before a noun, after a noun or `des`). The last word of a multi-word name keeps its -s
    unless the bare form occurs in the article ("Mats Hummels", "Las Vegas"), and a person's name needs the
    bare form or a genitive position ("Hummels spielte" stays whole). `known_person`: the surname of a person
    whose first name is a known one ("Gerhard Schröders Rede"), decided as a one-word name, which before a
    noun (`prenominal`) also loses an -s that the word counts know no better than the bare form ("Heidi Klums
    Show"; after a noun it may be an apposition: "Sprecherin Judith Rakers"). `agreement`: another word of a
    multi-word name shows the genitive too (`shows_genitive`).
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
        # Only a common noun's genitive ("des Weißen Hauses") may lose its -s without the bare form, only if
        # the bare noun is at least as frequent ("Haus" is also the genitive of the rare "Hau"), and only if the
        # rest of the name agrees ("General Motors" stays whole).
        noun = lexicon.genitives.get(word)
        if label == "PER" or not agreement or noun not in candidates or lexicon.count(noun) < lexicon.count(word):
            return word
        return noun
    if label == "PER" and not (position or genitive):
        return word
    if known_person and prenominal and lexicon.count(word) <= lexicon.count(word[:-1]):
        return word[:-1]
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


def adjective_stem(word: str, lexicon: Lexicon) -> str | None:
    """The stem of `word` if it is an inflected adjective, else None.

    The word counts tell: the lower-case forms of the stem (-e, -en, -er, -es, -em) occur often enough, and
    either three of them do, or two including the word's own and the -e form. So "Schwarzen", "Europäischen",
    "Norddeutsche" are adjectives, and "Werder" (werde, werden: a verb) and "Unter" (unten, unter) are not.
    """
    for ending in ADJECTIVE_ENDINGS:
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)].lower()
            counts = {e: lexicon.count(stem + e) for e in ADJECTIVE_ENDINGS}
            forms = sum(1 for c in counts.values() if c)
            attested = forms >= 3 or (forms == 2 and counts[ending] > 0 and counts["e"] > 0)
            return word[: -len(ending)] if attested and sum(counts.values()) >= MIN_ADJECTIVE_COUNT else None
    return None


def adjective_nominative(word: str, gender: str, lexicon: Lexicon) -> str:
    """`Schwarzen` before a neuter noun -> `Schwarzes`; a word that is no adjective is returned unchanged."""
    stem = adjective_stem(word, lexicon)
    return stem + STRONG_NOMINATIVE[gender] if stem else word


def shows_genitive(words: list[str], before: str, lexicon: Lexicon) -> bool:
    """Whether a multi-word name is in the genitive by more than its last word's -s: it follows "des" or
    "eines", or an inflected adjective in it ends in -en ("des Weißen Hauses"; not "General Motors")."""
    if before in ("des", "eines"):
        return True
    return any(w[:1].isupper() and w.endswith("en") and adjective_stem(w, lexicon) for w in words[:-1])


def is_numeral(word: str) -> bool:
    """A regnal number or ordinal that belongs to a name: "II.", "XVI.", "2."."""
    return bool(NUMERAL_RE.match(word))


def is_short_form(word: str) -> bool:
    """A word that can be a bracketed short form: letters only, two capitals at least ("EL", "BdB", "UEFA")."""
    return bool(SHORT_FORM_RE.match(word)) and sum(ch.isupper() for ch in word) >= 2


def clean_words(words: list[str], *, label: str) -> tuple[list[str], str]:
    """A mention's words without quote marks and brackets, and the short form in brackets at its end, if any.

    A quoted stretch after a person's first word is a nickname and goes ("Franz „Kaiser“ Beckenbauer" ->
    Franz Beckenbauer), also when the model's span ends inside it ("Oliver „Titan"); in other names the
    quoted words stay and only lose their marks ("„NATO Response Force“"). A short form in brackets at the
    end is returned apart ("Bund für Umwelt und Naturschutz Deutschland (BUND)"); other bracketed words lose
    the brackets ("Frankfurt (Oder)" -> Frankfurt Oder).
    """
    short = ""
    if len(words) > 1 and words[-1][:1] == "(" and words[-1][-1:] == ")" and is_short_form(words[-1][1:-1]):
        short, words = words[-1][1:-1], words[:-1]
    kept: list[str] = []
    quoted = False
    for word in words:
        # A straight apostrophe opens a quote only before a capital: "'Tiger'", not the clitic in "There 's".
        opens = not quoted and (word[:1] in OPEN_QUOTES or (word[:1] == "'" and word[1:2].isupper()))
        inside = quoted or opens
        bare = word.strip(OPEN_QUOTES + CLOSE_QUOTES if inside else OPEN_QUOTES).strip(BRACKETS)
        if inside:
            # A stretch ends at a word that closes it, or that opens and closes it: „Kaiser“.
            body = word[1:] if opens else word
            quoted = not (body and body[-1] in CLOSE_QUOTES)
        nickname = inside and label == "PER" and bool(kept)
        if bare and not nickname:
            kept.append(bare)
    if kept:
        kept[0] = kept[0].lstrip(".,;:")  # a stray sign the tokenizer left in front: ".Austal"
    kept = [w for w in kept if w]
    if not kept:
        kept = [w.strip(OPEN_QUOTES + CLOSE_QUOTES + BRACKETS) or w for w in words]
    return kept, short


def owns_full_stop(word: str, lexicon: Lexicon) -> bool:
    """Whether the full stop at the end of `word` is its own: a regnal number (XVI.), an abbreviation of the
    word lists (Inc., Dr.), an initial (S.) or a word with inner stops (e.V., U.S.)."""
    stem = word[:-1]
    return (
        bool(ROMAN_RE.match(stem))
        or word in lexicon.abbreviations
        or (len(stem) == 1 and stem.isalpha())
        or "." in stem
    )


def full_stops(words: list[str], *, label: str, lexicon: Lexicon) -> list[str]:
    """The last word with its own full stop and without a sentence's: one spelling for one name.

    "FC Schalke 04." at the end of a sentence is FC Schalke 04; "Benedikt XVI" (a person's regnal number, which
    German writes with a stop) is Benedikt XVI.; "Google Inc" is Google Inc., as the abbreviation list writes it.
    """
    last = words[-1]
    if last.endswith(".") and len(last) > 1 and not owns_full_stop(last, lexicon):
        last = last[:-1]
    elif len(words) > 1 and ((label == "PER" and ROMAN_RE.match(last)) or last + "." in lexicon.abbreviations):
        last += "."
    return [*words[:-1], last]


def is_common_noun(word: str, lexicon: Lexicon) -> bool:
    """A common noun of the noun table in any form, also as the last part of a compound ("Löwen-Keeper",
    "Bundestrainer"); a word of the name lists is none ("Kaiser" and "Bayer" are surnames too), nor is an
    inflected adjective ("Schwarzen", which the table has as a noun too)."""
    if not word[:1].isupper() or word in lexicon.first_names or word in lexicon.person_names:
        return False
    if adjective_stem(word, lexicon):
        return False
    head = word.rsplit("-", 1)[-1]
    if head[:1].upper() + head[1:] in lexicon.common:
        return True
    # A closed compound whose last part is a common noun, if German text knows the compound ("Bundestrainer";
    # not a name that ends like a noun by chance: "Hewadchan").
    return lexicon.count(word) > 0 and any(word[i:].capitalize() in lexicon.common for i in range(1, len(word) - 3))


def strip_role_noun(words: list[str], *, label: str, lexicon: Lexicon, named: set[tuple[str, str]]) -> list[str]:
    """A name without the common noun in front of it: "Sängerin Adele" -> Adele, "Planeten Mars" -> Mars.

    The rest must be a name: for a person, its first word is a first name or surname of the word lists; for
    other names, the noun is a frequent word (not a rare one such as "Borussia") and the rest is a name of the
    article with the same label (`named`: "Konzern Siemens" beside "Siemens-Chef"), or a place of the word
    list that is no common noun when the whole is none. A regnal name keeps its title ("Kaiser Wilhelm II."),
    and a noun that is itself a place stays ("Bad Homburg").
    """
    if len(words) < 2 or not words[1][:1].isupper() or not is_common_noun(words[0], lexicon):
        return words
    rest = words[1:]
    if any(is_numeral(w) for w in rest):
        return words
    remainder = " ".join(rest)
    if label == "PER" and noun_gender(words[0], lexicon) == "n":
        # A role names a person, who is he or she: a neuter noun in front of a person's name is a first name
        # that is also a word ("Matt Brammeier", "Romani Rose"); the neuter roles are titles ("Model").
        return words
    if label == "PER":
        evidence = rest[0] in lexicon.person_names or rest[0] in lexicon.first_names or (label, remainder) in named
    elif words[0] in lexicon.places or lexicon.count(words[0]) < MIN_ROLE_COUNT:
        evidence = False
    else:
        whole = " ".join(words)
        evidence = (label, remainder) in named or (
            label == "LOC"
            and remainder in lexicon.places
            and whole not in lexicon.places
            and remainder not in lexicon.common
        )
    return rest if evidence else words


def base_name(
    words: list[str],
    *,
    seen: set[str],
    lexicon: Lexicon,
    label: str,
    genitive: bool = False,
    position: bool = False,
    before: str = "",
    named: set[tuple[str, str]] | None = None,
    prenominal: bool = False,
) -> str:
    """The canonical base form of a name mention given as words (`clean_words` done).

    `before` is the word before the mention in lower case, `prenominal` says a noun follows it; `named`
    holds the (label, text) of the article's name mentions and the heads of its part mentions, the evidence
    that a role noun's rest is a name.
    """
    while len(words) > 1 and words[0] in lexicon.determiners:
        words = words[1:]
    if len(words) > 1 and words[-1] in ("'", "\u2019"):
        words = [*words[:-2], words[-2] + words[-1]]  # the tokenizer splits "Paris'" into "Paris" "'"
    if label == "PER":
        while len(words) > 1 and words[0] in lexicon.titles:
            words = words[1:]
    words = strip_role_noun(words, label=label, lexicon=lexicon, named=named or set())
    words = full_stops(words, label=label, lexicon=lexicon)
    if is_numeral(words[-1]):
        return " ".join(words)  # "Johannes Paul II.", "Benedikt XVI.": nothing to strip
    known_person = label == "PER" and len(words) > 1 and words[0] in lexicon.first_names
    last = genitive_base(
        words[-1],
        seen=seen,
        lexicon=lexicon,
        genitive=genitive,
        position=position,
        multiword=len(words) > 1 and not known_person,
        label=label,
        known_person=known_person,
        agreement=shows_genitive(words, before, lexicon),
        prenominal=prenominal,
    )
    words = [*words[:-1], last]
    if label != "PER" and len(words) > 1:
        words = inflect_head(words, lexicon)
    name = " ".join(words)
    alias = lexicon.aliases.get(name)
    return alias.base if alias else name


def inflect_head(words: list[str], lexicon: Lexicon) -> list[str]:
    """The adjectives of a name's head phrase in the strong nominative of its noun: "Schwarzen Meer" ->
    Schwarzes Meer. The head phrase ends before the first lower-case word: in "Partei der Europäischen
    Linken" it is "Partei", and the genitive attribute after it keeps its endings."""
    end = next((i for i, w in enumerate(words) if not w[:1].isupper()), len(words))
    if end < 2:
        return words
    gender = noun_gender(words[end - 1], lexicon)
    if not gender:
        return words
    head = [adjective_nominative(w, gender, lexicon) for w in words[: end - 1]]
    return [*head, *words[end - 1 :]]


def _inflected_lookup(word: str, endings: tuple[str, ...], table: dict[str, Place]) -> Place | None:
    """The entry of `word` or of `word` minus one of the inflection `endings`, tried in order."""
    for ending in endings:
        if word.endswith(ending):
            stem = word[: -len(ending)] if ending else word
            if stem in table:
                return table[stem]
    return None


ADJECTIVE_FORMS = ("", "e", "en", "em", "er", "es")
INHABITANT_FORMS = ("", "n", "en", "s", "in", "innen")


def derived_base(text: str, lexicon: Lexicon, *, places: set[str] | None = None) -> tuple[str, str] | None:
    """The place a derived word refers to: `belarussische` -> (Belarus, LOC); None if unknown.

    The demonym list decides, also behind a compass prefix ("ostfranzösischen" -> Frankreich, unless the list
    has the prefixed form: "südafrikanisch" -> Südafrika). Given `places` (the article's place names; the
    word list of places is asked too), the -er form of a place is that place: "Wülfrather" -> Wülfrath,
    "Dürener" -> Düren, "New Yorker" -> New York.
    """
    word = text.strip()
    place = _derived_place(word, lexicon)
    if place is None:
        lower = word.lower()
        prefix = next((p for p in COMPASS + STANCE if lower.startswith(p) and len(lower) > len(p) + 3), "")
        if prefix:
            place = _inflected_lookup(lower[len(prefix) :].lstrip("-"), ADJECTIVE_FORMS, lexicon.derived)
    if place is None and "-" in word:
        place = _adjective_pair(word.lower(), lexicon)
    if place is not None:
        return place.base, place.label
    if places is not None:
        found = place_of_er_form(word, lexicon, places)
        if found:
            return found, "LOC"
    return None


def _derived_place(word: str, lexicon: Lexicon) -> Place | None:
    """The place of an adjective or an inhabitant noun in the demonym list, also of an inhabitant noun that
    only its adjective is listed for ("Mexikanern" through "mexikanisch")."""
    place = _inflected_lookup(word.lower(), ADJECTIVE_FORMS, lexicon.derived)
    place = place or _inflected_lookup(word, INHABITANT_FORMS, lexicon.inhabitants)
    # A place's own name is no inhabitant noun, though it may end like one (the town Rheine, not "rheinisch").
    if place is not None or not word[:1].isupper() or word in lexicon.places:
        return place
    for ending in INHABITANT_FORMS:
        noun = word[: len(word) - len(ending)] if ending else word
        if not ending or word.endswith(ending):
            for suffix in INHABITANT_SUFFIXES:
                if noun.endswith(suffix) and len(noun) > len(suffix) + 1:
                    found = lexicon.derived.get(noun[: -len(suffix)].lower() + "isch")
                    if found is not None:
                        return found
    return None


def _adjective_pair(lower: str, lexicon: Lexicon) -> Place | None:
    """The first place of hyphenated derived adjectives ("türkisch-syrischen" -> Türkei), as a part mention
    takes the head of its compound; None unless every part is a derived adjective."""
    parts = lower.split("-")
    last = _inflected_lookup(parts[-1], ADJECTIVE_FORMS, lexicon.derived)
    if last is None or not all(p in lexicon.derived for p in parts[:-1]):
        return None
    return lexicon.derived[parts[0]]


def tail_place(word: str, lexicon: Lexicon) -> str | None:
    """The place of a word made of a derived word or a place and an adjective tail: "russischsprachige" ->
    Russland, "türkischstämmigen" -> Türkei, "österreichweit" -> Österreich (only a place the word lists know:
    "bundesweit" and "weltweit" have none)."""
    stem = word.lower()
    for ending in ADJECTIVE_FORMS:
        if ending and stem.endswith(ending) and stem[: -len(ending)].endswith(DERIVED_TAILS + PLACE_TAILS):
            stem = stem[: -len(ending)]
            break
    for tail in DERIVED_TAILS:
        if stem.endswith(tail):
            place = lexicon.derived.get(stem[: -len(tail)])
            return place.base if place else None
    for tail in PLACE_TAILS:
        if stem.endswith(tail):
            head = stem[: -len(tail)].capitalize()
            known = head in lexicon.places or any(p.base == head for p in lexicon.derived.values())
            return head if known else None
    return None


def place_of_er_form(word: str, lexicon: Lexicon, places: set[str]) -> str | None:
    """The place whose -er form `word` is, if the article or the word list of places knows it: Wülfrath(er),
    Schalke(r), Düren(er), Bremen (Bremer), Dresden (Dresdner), Sauerland (Sauerländer); also of a woman or
    women from there (Hollabrunnerin, Kölnerinnen) and in the dative plural (Wülfrathern)."""
    for ending in ("innen", "in", "n"):
        if word.endswith("er" + ending):
            word = word[: -len(ending)]
            break
    if not word[:1].isupper() or not word.endswith("er") or len(word) < 5:
        return None
    stem = word[:-2]
    candidates = [stem, word[:-1], stem + "en"]
    if word.endswith("ner"):
        candidates.append(word[:-3] + "en")
    for umlaut, plain in (("ä", "a"), ("ö", "o"), ("ü", "u")):
        i = stem.rfind(umlaut)
        if i >= 0:
            candidates.append(stem[:i] + plain + stem[i + 1 :])
    return next((c for c in candidates if c in places or c in lexicon.places), None)


def part_base(text: str, lexicon: Lexicon) -> str | None:
    """The name inside a hyphenated compound: `Kreml-Sprecher` -> Kreml, `US-Außenminister` -> USA.

    The head is the first part: a longer head helps as often as it harms (`Nina-Hagen-Band` and `Hartz-IV-System`
    against `EU-USA-Abkommen` and `MPC-Österreich-Tochter` on 10kGNAD), so it was left out."""
    head = text.split("-")[0]
    # A name starts with a capital, or has one inside (iPhone, eBay); a lower-case word does not head a name.
    if not any(ch.isupper() for ch in head):
        return None
    alias = lexicon.aliases.get(head)
    return alias.base if alias else head


def is_name_part(word: str, lexicon: Lexicon) -> bool:
    """A part of a hyphenated compound that can be a name: capitalised and no form of a common noun of the noun
    table (as a whole word: "Jenewein" is a name, though it ends in "Wein")."""
    return word[:1].isupper() and (word not in lexicon.common or word in lexicon.person_names)


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
    before: str = ""  # the word before the mention, in lower case
    after: str = ""  # the word after the mention
    prenominal: bool = False  # a noun follows the mention: "Heidi Klums Show"
    short_of: int = -1  # the index of the mention this one follows in brackets: "Europäische Linke (EL)"
    short_form: str = ""  # a short form in brackets at the end of this mention's own span

    def __post_init__(self) -> None:
        self.model_label = self.model_label or self.label


def resolve(mentions: list[Mention], lexicon: Lexicon) -> list[str]:
    """Base forms, labels and alias groups of one article's mentions; returns the canonical name of each.

    Labels may change: a word-list demonym becomes a derived mention of its place, an inflected form of a
    person's name becomes that person, and all mentions that end with one canonical name get one label.
    """
    seen = {word for m in mentions if m.kind == "name" for word in m.words if not word.endswith("s")}
    seen |= {m.text for m in mentions if m.kind == "name" and not m.text.endswith("s")}
    named = {(m.label, m.text) for m in mentions if m.kind == "name"}
    named |= {(m.label, m.text.split("-")[0]) for m in mentions if m.kind == "part"}
    places = {m.text for m in mentions if m.kind == "name" and m.label == "LOC"}
    for m in mentions:
        set_base(m, seen, lexicon, named=named, places=places)
    link_short_forms(mentions, lexicon)
    relabel_clubs(mentions, lexicon)
    relabel_parts(mentions, lexicon)
    relabel_persons(mentions, seen, lexicon)
    canonical = merge_aliases(mentions, lexicon)
    if vote_labels(mentions, canonical):
        canonical = merge_aliases(mentions, lexicon)
    return canonical


def set_base(
    m: Mention,
    seen: set[str],
    lexicon: Lexicon,
    *,
    named: set[tuple[str, str]] | None = None,
    places: set[str] | None = None,
) -> None:
    m.base = m.text
    if (
        m.kind == "part"
        and m.label == "PER"
        and "-" in m.text
        and all(is_name_part(p, lexicon) for p in m.text.split("-"))
    ):
        # A person's compound of names alone is a double surname ("Belakowitsch-Jenewein"), not a part mention.
        m.kind, m.label_source = "name", "article"
    if m.kind == "name":
        # A demonym tagged as a name ("Belarussen" as LOC, "Dortmunder" as ORG) still means its place: the
        # word list knows it better than the model.
        found = derived_base(m.text, lexicon) if len(m.words) == 1 and m.label != "PER" else None
        if found and found[0] != m.text:
            m.kind, m.base, m.label, m.label_source = "derived", found[0], found[1], "lexicon"
            return
        m.base = base_name(
            m.words,
            seen=seen,
            lexicon=lexicon,
            label=m.label,
            genitive=m.genitive,
            position=m.position,
            before=m.before,
            named=named,
            prenominal=m.prenominal,
        )
    elif m.kind == "derived":
        found = derived_base(m.text, lexicon, places=places or set())
        m.base = found[0] if found else place_tail(m, lexicon) or m.text
    else:
        m.base = part_base(m.text, lexicon) or place_tail(m, lexicon) or m.text


def place_tail(m: Mention, lexicon: Lexicon) -> str | None:
    """The place of an adjective tail ("russischsprachige"), only in a derived or part mention the model typed
    LOC: typed MISC or as a name ("deutschsprachigen") it may mean the language, not the place."""
    return tail_place(m.text, lexicon) if m.label == "LOC" else None


def link_short_forms(mentions: list[Mention], lexicon: Lexicon) -> None:
    """A short form in brackets right after a name is that name, also where its letters are not the name's
    initials ("Europäische Fußball-Union (UEFA)", "Partei der Europäischen Linken (EL)"); so is every other
    mention of it in the article, and every compound it heads ("EL-Vorstand"). It takes the name's label.

    Not after a person (a party: "Franz Josef Jung (CDU)"), and after a place only when it abbreviates it
    ("Berlin (Reuters)" and "Pfaffenhofen (PK)" are datelines with an agency).
    """
    longs: dict[str, Mention] = {}
    for m in mentions:
        if m.short_form and m.kind == "name":
            long, short = m, m.short_form
        elif m.short_of >= 0 and m.label != "PER" and is_short_form(m.text):
            long, short = mentions[m.short_of], m.text
        else:
            continue
        if long.kind != "name" or long.label == "PER":
            continue
        if long.label == "LOC" and not is_acronym_of(short, long.base, lexicon):
            continue
        longs.setdefault(short, long)
    for m in mentions:
        target = longs.get(m.base)
        if target is None or target is m or m.kind == "derived":
            continue
        m.base = target.base
        if m.label != target.label:
            m.label, m.label_source = target.label, "article"


def relabel_clubs(mentions: list[Mention], lexicon: Lexicon) -> None:
    """A place name alone in an article that names a club after it is the club: "Schalke" and "die Bayern"
    beside "FC Schalke 04" and "FC Bayern München" are organisations. Only where exactly one organisation
    name of the article has the word, only in its bare form, and not after a preposition of place ("in
    Bayern" stays the state: `data/lexicon/locatives.txt`), nor in a dateline ("Nürnberg (dpa)")."""
    clubs = {m.base for m in mentions if m.kind == "name" and m.label == "ORG" and len(m.base.split()) > 1}
    if not clubs:
        return
    for m in mentions:
        if m.kind != "name" or m.label != "LOC" or len(m.words) != 1 or m.text != m.base:
            continue
        if m.before in lexicon.locatives or m.after == "(":
            continue
        if len({c for c in clubs if m.base in c.split()}) == 1:
            m.label, m.label_source = "ORG", "article"


def relabel_parts(mentions: list[Mention], lexicon: Lexicon) -> None:
    """A compound tagged as a name whose head is a name of the article and whose tail is a common noun
    ("Kreml-Erklärung" beside "Kreml") is a part mention of that name."""
    named: dict[str, str] = {}
    for m in mentions:
        if m.kind == "name" and "-" not in m.text:
            named.setdefault(m.base, m.label)  # a head with two labels: the earliest, as ties go in `vote_labels`
    for m in mentions:
        if m.kind != "name" or len(m.words) != 1 or m.text.count("-") != 1:
            continue
        head, tail = m.text.split("-")
        if head in named and is_noun(tail, lexicon):
            m.kind, m.base, m.label, m.label_source = "part", head, named[head], "article"


def relabel_persons(mentions: list[Mention], seen: set[str], lexicon: Lexicon) -> None:
    """An inflected form of a person's name ("Putins" tagged LOC beside "Wladimir Putin") is that person,
    unless its bare form is a mention with another label ("Porsches" beside the company "Porsche").

    So is the bare surname of exactly one full name in the article that the model typed LOC or MISC ("Kerry"
    beside "John Kerry"), unless the word lists know it as a place (Washington beside George Washington).
    Not one typed ORG: a company may carry its founder's name (Dell beside Michael Dell)."""
    persons = {m.base for m in mentions if m.label == "PER" and m.kind == "name"}
    surnames = persons | {p.split()[-1] for p in persons}
    full_names = Counter(p.split()[-1] for p in persons if " " in p)
    bare = {m.text: m.label for m in mentions if m.kind == "name"}
    for m in mentions:
        if m.kind != "name" or m.label == "PER" or len(m.words) != 1:
            continue
        base = genitive_base(m.text, seen=seen | surnames, lexicon=lexicon)
        if base != m.text and base in surnames and bare.get(base, "PER") == "PER":
            m.label, m.base, m.label_source = "PER", base, "article"
        elif (
            base == m.text
            and m.label in ("LOC", "MISC")
            and full_names[m.text] == 1
            and m.text not in lexicon.places
            and derived_base(m.text, lexicon) is None
        ):
            m.label, m.label_source = "PER", "article"


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
    bare = {(m.label, m.base) for m in mentions if m.kind == "name" and m.text == m.base}
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
            if not fulls and (label, base) in bare:
                # A first name alone joins the one full name it opens: "Boris" beside "Boris Becker"; written as
                # it is ("Peters" is a surname, not Peter's genitive).
                fulls = {find(k) for k in names if k[0] == "PER" and len(k[1].split()) > 1 and k[1].split()[0] == base}
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
