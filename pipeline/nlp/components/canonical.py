"""Canonical form of each entity mention: one name per real-world thing within an article.

"Putins", "Putin" and "Wladimir Putin" all get "Wladimir Putin"; "belarussische" gets "Belarus";
"Kreml-Sprecher" gets "Kreml". The kind of mention (`name`, `derived`, `part`) comes from its GermEval type.
The stage may also change a label and a type: mentions that end with one canonical name get one label, and a
demonym tagged as a name becomes a derived mention. The entity then keeps the model's label in
`ent._.model_label` and says who decided in `ent._.label_source` (`model`, `article` or `lexicon`).
The decisions are in `pipeline.names.rules`, the word lists in `data/lexicon/`.

The component owns its word lists, as spaCy's `span_ruler` owns its patterns: `initialize()` takes them from
`[initialize.components.canonical]` (by default the lists shipped with de-entities, through the registered
function `de_entities.lexicon.v1`), and `to_disk`/`to_bytes` write them into a saved pipeline, so that
`spacy.load` of that pipeline needs no data from elsewhere.

The stage reads a little of the text around each entity, which the rules cannot see: it cuts an entity at a
line break (no mention runs over a paragraph break), joins a first name to the surname that follows a quoted
nickname ("Franz „Kaiser“ Beckenbauer", tagged as "Franz" and "Beckenbauer"), and marks a short form in
brackets right after a name ("Europäische Fußball-Union (UEFA)").
"""

# No `from __future__ import annotations` here: spaCy validates `initialize()`'s settings against its
# signature with pydantic, which needs the annotations as types, not strings.
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.training import Example

from ...errors import Errors, PipelineError
from ...labels import COARSE_OF_BASE, FINE_OF_COARSE, KINDS, kind_of
from ...names.lexicon import Lexicon, load_lexicon
from ...names.lexicon_bytes import lexicon_from_bytes, lexicon_to_bytes
from ...names.rules import CLOSE_QUOTES, OPEN_QUOTES, Mention, clean_words, genitive_position, is_noun, resolve

# Between two parts of a person's name: a quoted nickname of up to four words ("„Kaiser“", "'Tiger'").
NICKNAME_GAP_RE = re.compile(
    rf"^\s*[{OPEN_QUOTES}']\s*[^\s{OPEN_QUOTES}{CLOSE_QUOTES}]+(?:\s+[^\s{OPEN_QUOTES}{CLOSE_QUOTES}]+){{0,3}}"
    rf"\s*[{CLOSE_QUOTES}]\s*$"
)
# After a span that ends inside a quoted nickname ("Oliver „Titan"): the rest of it, then the surname.
NICKNAME_REST_RE = re.compile(rf"^[^\n{OPEN_QUOTES}{CLOSE_QUOTES}]{{0,40}}?[{CLOSE_QUOTES}]\s+([A-ZÄÖÜ][\w-]+)")
# Between a name and its short form: an opening bracket, maybe after the name's closing quote.
BRACKET_GAP_RE = re.compile(rf"^[\s{CLOSE_QUOTES}]*\($")


def ensure_extensions() -> None:
    if not Span.has_extension("canonical"):
        Span.set_extension("canonical", default=None)
    if not Span.has_extension("kind"):
        Span.set_extension("kind", getter=mention_kind)
    for name in ("model_label", "label_source", "fine_type"):
        if not Span.has_extension(name):
            Span.set_extension(name, default=None)


SUFFIX_OF_KIND = {kind: suffix for suffix, kind in KINDS.items()}
BASE_OF_COARSE = {coarse: base for base, coarse in COARSE_OF_BASE.items()}


def fine_type(label: str, kind: str) -> str:
    """The GermEval type of a coarse label and a kind: (LOC, derived) -> LOCderiv; other schemes' labels as is."""
    base = BASE_OF_COARSE.get(label)
    return base + SUFFIX_OF_KIND[kind] if base else label


def mention_kind(span: Span) -> str:
    """`name`, `derived` or `part`, from the span's GermEval fine type."""
    fine = span._.fine_type if Span.has_extension("fine_type") else None
    fine = fine or FINE_OF_COARSE.get(span.label_, "")
    try:
        return kind_of(fine)
    except ValueError:
        return "name"


# The file of the word lists in the component's folder of a saved pipeline.
LEXICON_FILE = "lexicon.msgpack"


class Canonical:
    """Set `ent._.canonical` on every entity."""

    def __init__(self, nlp: Language, name: str = "canonical", *, lexicon: Lexicon | None = None) -> None:
        """
        Args:
            nlp: the pipeline.
            name: the component's name.
            lexicon: the word lists; None until `initialize()` or `from_disk()`/`from_bytes()` gives them.
        """
        self.name = name
        self._lexicon = lexicon
        ensure_extensions()

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            raise PipelineError(Errors.E004.format(name=self.name))
        return self._lexicon

    @property
    def data_digest(self) -> str:
        """The digest of the word lists' files (`Lexicon.digest`), for the pipeline digest."""
        return self.lexicon.digest

    def initialize(
        self,
        get_examples: Callable[[], Iterable[Example]] | None = None,
        *,
        nlp: Language | None = None,
        lexicon: Callable[[], Lexicon] | None = None,
    ) -> None:
        """Take the word lists, from `[initialize.components.<name>]` when `nlp.initialize()` calls this.

        Args:
            get_examples: unused; spaCy passes it to every component.
            nlp: unused; spaCy passes it to every component.
            lexicon: a function that reads the word lists (`de_entities.lexicon.v1` gives one for a folder);
                None: the lists shipped with de-entities. A function, not the lists: spaCy's validation of
                these settings would turn a dataclass into a dict.
        """
        self._lexicon = lexicon() if lexicon is not None else load_lexicon()

    def to_bytes(self, *, exclude: Iterable[str] = ()) -> bytes:
        return lexicon_to_bytes(self.lexicon)

    def from_bytes(self, data: bytes, *, exclude: Iterable[str] = ()) -> "Canonical":
        self._lexicon = lexicon_from_bytes(data)
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        # spaCy hands each component a folder of its own (`<pipeline>/<name>`), as the span_ruler gets one.
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / LEXICON_FILE).write_bytes(self.to_bytes(exclude=exclude))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "Canonical":
        source = Path(path) / LEXICON_FILE
        self._lexicon = lexicon_from_bytes(source.read_bytes(), source=str(source))
        return self

    def __call__(self, doc: Doc) -> Doc:
        lexicon = self.lexicon  # once per doc: it is a property that checks the component was initialised
        ents = list(doc.ents)
        split = self.split_at_breaks(doc, ents, lexicon)
        if split is not None:
            doc.ents = ents = [span for span, _ in split]
            for ent, (_, piece_type) in zip(ents, split, strict=True):
                ent._.fine_type = piece_type
        # Looked up once per entity: each `ent._` and `ent.text` builds a new object.
        kinds = [ent._.kind for ent in ents]
        texts = [ent.text for ent in ents]
        # Words as written, so that "XVI." stays one word whatever the tokenizer made of it.
        cleaned = [clean_words(own.split(), label=ent.label_) for ent, own in zip(ents, texts, strict=True)]
        words_of = [found[0] for found in cleaned]
        shorts = [found[1] for found in cleaned]
        # `doc.text` joins every token anew at each call: read it once.
        text = doc.text if ents else ""
        join_nicknames(text, ents, texts, words_of)
        # A model without a morphologizer gives no case; the genitive is then found from the words alone.
        has_morph = doc.has_annotation("MORPH")
        mentions = [
            Mention(
                text=" ".join(words),
                label=ent.label_,
                kind=kind,
                words=words,
                genitive=has_morph and "Gen" in ent[-1].morph.get("Case", []),
                position=genitive_position(
                    doc[ent.start - 1].text if ent.start > 0 else "",
                    doc[ent.end].text if ent.end < len(doc) else "",
                    lexicon,
                ),
                before=doc[ent.start - 1].lower_ if ent.start > 0 else "",
                after=doc[ent.end].text if ent.end < len(doc) else "",
                prenominal=ent.end < len(doc) and is_noun(doc[ent.end].text, lexicon),
                short_of=i - 1 if i and follows_in_brackets(text, ents[i - 1], ent) else -1,
                short_form=short,
            )
            for i, (ent, kind, words, short) in enumerate(zip(ents, kinds, words_of, shorts, strict=True))
        ]
        canonical = resolve(mentions, lexicon)
        fine = [
            ent._.fine_type if m.label == m.model_label and m.kind == kind else fine_type(m.label, m.kind)
            for ent, m, kind in zip(ents, mentions, kinds, strict=True)
        ]
        if any(m.label != m.model_label for m in mentions):
            # A span's label cannot change: the entities are made anew, and their extensions set again,
            # since spaCy keys span extensions by offsets and label.
            doc.ents = [
                Span(doc, e.start, e.end, label=m.label, kb_id=e.kb_id, span_id=e.id)
                for e, m in zip(ents, mentions, strict=True)
            ]
        for ent, m, name, f in zip(doc.ents, mentions, canonical, fine, strict=True):
            ext = ent._
            ext.fine_type = f
            ext.canonical = name
            ext.model_label = m.model_label
            ext.label_source = m.label_source
        return doc

    def split_at_breaks(self, doc: Doc, ents: list[Span], lexicon: Lexicon) -> list[tuple[Span, str]] | None:
        """The entities cut at line breaks, each piece with its entity's type; None if none runs over one.

        A title followed by a blank line can end up in one span with the first word of the next paragraph
        ("Paris\\n\\nDie"), a name at the end of a paragraph with the break ("FC Schalke 04.\\n\\n"). Pieces with
        no letter or digit, or only a determiner ("Die"), are dropped; the others stay entities of their own.
        """
        if not any("\n" in ent.text for ent in ents):
            return None
        pieces: list[tuple[Span, str]] = []
        for ent in ents:
            fine = ent._.fine_type or ent.label_
            if "\n" not in ent.text:
                pieces.append((ent, fine))
                continue
            start = ent.start
            for i in range(ent.start, ent.end + 1):
                if i < ent.end and "\n" not in doc[i].text:
                    continue
                piece = doc[start:i]
                words = [t.text for t in piece if not t.is_space]
                if any(ch.isalnum() for w in words for ch in w) and not (
                    len(words) == 1 and words[0].lower() in lexicon.determiners
                ):
                    while piece and piece[-1].is_space:
                        piece = piece[:-1]
                    pieces.append((Span(doc, piece.start, piece.end, label=ent.label_, kb_id=ent.kb_id), fine))
                start = i + 1
        return pieces


def join_nicknames(text: str, ents: list[Span], texts: list[str], words_of: list[list[str]]) -> None:
    """Give both parts of a person's name split by a quoted nickname the whole name, in place.

    "Franz „Kaiser“ Beckenbauer" tagged as "Franz" and "Beckenbauer": both get Franz Beckenbauer. A span that
    ends inside the nickname ("Oliver „Titan") takes the surname after it, tagged or not.
    """
    for i, ent in enumerate(ents):
        if ent.label_ != "PER":
            continue
        nxt = ents[i + 1] if i + 1 < len(ents) and ents[i + 1].label_ == "PER" else None
        if nxt is not None and NICKNAME_GAP_RE.match(text[ent.end_char : nxt.start_char]):
            words_of[i] = words_of[i + 1] = [*words_of[i], *words_of[i + 1]]
            continue
        own = texts[i]
        opened = max(own.rfind(q) for q in OPEN_QUOTES)
        if opened <= 0 or any(q in own[opened + 1 :] for q in CLOSE_QUOTES):
            continue
        rest = NICKNAME_REST_RE.match(text[ent.end_char : ent.end_char + 80])
        if rest is None:
            continue
        surname_start = ent.end_char + rest.start(1)
        if nxt is not None and nxt.start_char == surname_start:
            words_of[i] = words_of[i + 1] = [*words_of[i], *words_of[i + 1]]
        else:
            words_of[i] = [*words_of[i], rest.group(1)]


def follows_in_brackets(text: str, previous: Span, ent: Span) -> bool:
    """Whether `ent` stands alone in brackets right after `previous` in the doc's `text`: "Europäische
    Fußball-Union (UEFA)"."""
    if not BRACKET_GAP_RE.match(text[previous.end_char : ent.start_char]):
        return False
    return text[ent.end_char : ent.end_char + 8].lstrip(" ").startswith(")")
