"""Every spaCy factory of the project, registered in one place.

The same factories are listed under `[project.entry-points.spacy_factories]` (and the tokenizer under
`spacy_tokenizers`) in `pyproject.toml`, so that `spacy.load()` of a saved pipeline finds them without
importing this package first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from spacy.language import Language
from spacy.util import registry

from ..names.lexicon import load_lexicon
from .components.canonical import Canonical
from .components.fine_types import FineTypes
from .components.normalise import NormalisingTokenizer, make_normaliser
from .components.sentences import Sentences
from .components.tables import Tables


@registry.tokenizers("de_entities.NormalisingTokenizer.v1")
def make_normalising_tokenizer(
    unicode_nfc: bool = True, soft_hyphens: bool = True, whitespace: bool = True
) -> Callable[[Language], NormalisingTokenizer]:
    normalise = make_normaliser(unicode_nfc=unicode_nfc, soft_hyphens=soft_hyphens, whitespace=whitespace)

    def create(nlp: Language) -> NormalisingTokenizer:
        # Wrap the pipeline's own tokenizer when there is one (a loaded model), else spaCy's default.
        base = getattr(nlp, "tokenizer", None)
        if base is None:
            base = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        elif isinstance(base, NormalisingTokenizer):
            base = base.tokenizer
        return NormalisingTokenizer(base, normalise)

    return create


@Language.factory(
    "de_entities_sentences",
    assigns=["token.is_sent_start"],
    default_config={"punct_chars": None},
)
def make_sentences(nlp: Language, name: str, punct_chars: list[str] | None) -> Sentences:
    return Sentences(nlp, name, punct_chars=punct_chars)


@Language.factory(
    "de_entities_fine_types",
    requires=["doc.ents"],
    assigns=["doc.ents", "span._.fine_type"],
    default_config={"keep_unknown": True},
)
def make_fine_types(nlp: Language, name: str, keep_unknown: bool) -> FineTypes:
    return FineTypes(nlp, name, keep_unknown=keep_unknown)


@Language.factory(
    "de_entities_canonical",
    requires=["doc.ents", "span._.fine_type"],
    assigns=["span._.canonical"],
    default_config={"lexicon_dir": None},
)
def make_canonical(nlp: Language, name: str, lexicon_dir: str | None) -> Canonical:
    return Canonical(nlp, name, lexicon=load_lexicon(Path(lexicon_dir) if lexicon_dir else None))


@Language.factory(
    "de_entities_tables",
    requires=["doc.ents", "token.is_sent_start", "span._.canonical"],
    assigns=["doc._.mentions", "doc._.entities"],
)
def make_tables(nlp: Language, name: str) -> Tables:
    return Tables(nlp, name)
