"""Every spaCy factory of the project, registered in one place.

The same factories are listed under `[project.entry-points.spacy_factories]` (the tokenizer under
`spacy_tokenizers`, the encoder's layers under `spacy_architectures`, the word-list flags under
`spacy_callbacks`, the word lists' reader under `spacy_misc`) in `pyproject.toml`, so that `spacy.load()` of
a saved pipeline finds them without importing this package first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import Model
from thinc.types import Floats2d, Ragged

from ..names.lexicon import Lexicon, load_lexicon
from .components.canonical import Canonical
from .components.fine_types import FineTypes
from .components.normalise import NormalisingTokenizer, make_normaliser
from .components.sentences import Sentences
from .components.tables import Tables
from .encoder.features import E5Features, FeatureEmbed
from .encoder_vectors import EncoderVectors
from .flag_embed import FlagHashEmbed
from .wordlists import add_lexicon_flags, check_flags


@registry.tokenizers("de_entities.NormalisingTokenizer.v1")
def make_normalising_tokenizer(
    unicode_nfc: bool = True,
    soft_hyphens: bool = True,
    whitespace: bool = True,
    base: Callable[[Language], Any] | None = None,
) -> Callable[[Language], NormalisingTokenizer]:
    """Normalise the text, then tokenise it with `base` (a tokenizer block of its own, the model's), else with
    the pipeline's tokenizer where there is one, else with spaCy's default for the language."""
    normalise = make_normaliser(unicode_nfc=unicode_nfc, soft_hyphens=soft_hyphens, whitespace=whitespace)

    def create(nlp: Language) -> NormalisingTokenizer:
        wrapped = base(nlp) if base is not None else getattr(nlp, "tokenizer", None)
        if wrapped is None:
            wrapped = registry.tokenizers.get("spacy.Tokenizer.v1")()(nlp)
        elif isinstance(wrapped, NormalisingTokenizer):
            wrapped = wrapped.tokenizer
        return NormalisingTokenizer(wrapped, normalise)

    return create


@registry.callbacks("de_entities.lexicon_flags.v1")
def make_lexicon_flags(flags: dict[str, int]) -> Callable[[Language], Language]:
    """An `[nlp.after_creation]` callback: one lexeme flag per word list (see `wordlists.py`).

    Args:
        flags: word list name -> flag bit (19 to 63), read by the tok2vec as `FLAG<bit>`.
    """
    check_flags(flags)

    def add_flags(nlp: Language) -> Language:
        return add_lexicon_flags(nlp, dict(flags))

    return add_flags


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
)
def make_canonical(nlp: Language, name: str) -> Canonical:
    # No data here: `initialize()` or `from_disk()` gives the component its word lists, so building a pipeline
    # from a saved config reads nothing outside it.
    return Canonical(nlp, name)


@registry.misc("de_entities.lexicon.v1")
def make_lexicon(folder: Path | None = None) -> Callable[[], Lexicon]:
    """The canonical stage's word lists, for `[initialize.components.canonical]`: a function that reads them.

    Args:
        folder: the folder of the word lists (demonyms, aliases, determiners, titles, word counts, ...); None:
            the lists shipped with de-entities.
    """

    def read() -> Lexicon:
        return load_lexicon(folder)

    return read


@Language.factory(
    "de_entities_tables",
    requires=["doc.ents", "token.is_sent_start", "span._.canonical"],
    assigns=["doc._.mentions", "doc._.entities"],
)
def make_tables(nlp: Language, name: str) -> Tables:
    return Tables(nlp, name)


@registry.architectures("de_entities.E5Features.v1")
def make_e5_features(
    layers: list[int], context: str = "sentence", mix: bool = False, tuned: Path | None = None
) -> Model[list[Doc], list[Floats2d]]:
    """multilingual-e5-small vectors per token: the mean (or, with `mix`, a learned mix) of `layers`.

    `tuned`: an ONNX file of fine-tuned layers, read at initialisation and then kept inside the model.
    """
    return E5Features(layers, context=context, mix=mix, tuned=tuned)


@registry.architectures("de_entities.FeatureEmbed.v1")
def make_feature_embed(
    width: int,
    embed: Model[list[Doc], list[Floats2d]],
    features: Model[list[Doc], list[Floats2d]],
    maxout_pieces: int = 3,
    dropout: float | None = None,
) -> Model[list[Doc], list[Floats2d]]:
    """spaCy's embedding concatenated with `features`, then a Maxout back to the tok2vec `width`."""
    return FeatureEmbed(width, embed, features, maxout_pieces=maxout_pieces, dropout=dropout)


@registry.architectures("de_entities.FlagHashEmbed.v1")
def make_flag_hash_embed(
    width: int,
    attrs: list[str],
    rows: list[int],
    include_static_vectors: bool,
    flags: list[str],
    flag_rows: int,
    encoder_vectors: Model[list[Doc], Ragged] | None = None,
) -> Model[list[Doc], list[Floats2d]]:
    """spaCy's MultiHashEmbed.v2 plus one table for the word-list `flags` (FLAG<n>), packed into one value, and
    optionally the static word vectors distilled from the encoder (`de_entities.EncoderVectors.v1`)."""
    return FlagHashEmbed(width, attrs, rows, include_static_vectors, flags, flag_rows, encoder_vectors)


@registry.architectures("de_entities.EncoderVectors.v1")
def make_encoder_vectors(path: Path | None, width: int, dropout: float = 0.0) -> Model[list[Doc], Ragged]:
    """A frozen table of `width`-dimensional word vectors from the accurate model's encoder, read from `path`
    at initialisation and kept inside the model; in training a token's row is dropped with `dropout`."""
    return EncoderVectors(path, width, dropout)
