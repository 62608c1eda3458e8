"""spaCy's `MultiHashEmbed` plus one embedding of all word-list flags together.

`MultiHashEmbed` gives every attribute its own table and widens the Maxout that mixes them by `width` per
attribute: seven flags as seven attributes made the fast model's network a quarter slower (untrained, on
GermEval dev sentences: 19,500 words/s without flags, 14,000 with). Here the flags are packed into one
integer per token (bit j set when the j-th flag is), so one table holds a vector per combination of flags
and the Maxout grows by one `width` only (18,400 words/s).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import numpy
from spacy.attrs import IDS
from spacy.ml.staticvectors import StaticVectors
from spacy.tokens import Doc
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ints2d, Ragged

from ..errors import Errors, PipelineError


def flag_ids(flags: Sequence[str | int]) -> list[int]:
    """The bits of `flags` given as `FLAG<n>` names or numbers; only lexeme flags (bits 1 to 63) qualify."""
    ids = []
    for flag in flags:
        flag_id = flag if isinstance(flag, int) else IDS.get(str(flag).upper(), -1)
        if not 1 <= flag_id <= 63:
            raise PipelineError(Errors.E065.format(flag=flag))
        ids.append(flag_id)
    return ids


def FlagFeatureExtractor(attrs: Sequence[str | int], flags: Sequence[str | int]) -> Model[list[Doc], list[Ints2d]]:
    """The `attrs` columns of each doc, then one column with the `flags` packed into the bits of an integer."""
    flag_columns = flag_ids(flags)
    return Model(
        "extract_features_and_flags",
        _extract_forward,
        attrs={"columns": [*attrs, *flag_columns], "n_attrs": len(attrs), "n_flags": len(flag_columns)},
    )


def _extract_forward(
    model: Model[list[Doc], list[Ints2d]], docs: list[Doc], is_train: bool
) -> tuple[list[Ints2d], Callable]:
    columns, n_attrs, n_flags = model.attrs["columns"], model.attrs["n_attrs"], model.attrs["n_flags"]
    weights = numpy.left_shift(numpy.uint64(1), numpy.arange(n_flags, dtype="uint64"))
    features = []
    for doc in docs:
        values = doc.to_array(columns).astype("uint64").reshape((len(doc), len(columns)))
        packed = values[:, n_attrs:] @ weights
        merged = numpy.concatenate([values[:, :n_attrs], packed.reshape((-1, 1))], axis=1)
        features.append(model.ops.asarray2i(cast(Ints2d, merged), dtype="uint64"))

    def backprop(d_features: list[Ints2d]) -> list:
        return []

    return features, backprop


def FlagHashEmbed(
    width: int,
    attrs: Sequence[str | int],
    rows: Sequence[int],
    include_static_vectors: bool,
    flags: Sequence[str | int],
    flag_rows: int,
    encoder_vectors: Model[list[Doc], Ragged] | None = None,
) -> Model[list[Doc], list[Floats2d]]:
    """`spacy.MultiHashEmbed.v2` with one more table, of `flag_rows` rows, for the packed `flags`.

    It follows spaCy's code (spacy/ml/models/tok2vec.py) step by step, the tables' seeds included.
    `encoder_vectors` (`EncoderVectors`) adds its columns to the Maxout's input, beside floret's.
    """
    if len(rows) != len(attrs):
        raise ValueError(f"Mismatched lengths: {len(rows)} vs {len(attrs)}")
    table_rows = [*rows, flag_rows]
    embeddings: list[Model[Ints2d, Floats2d]] = [
        HashEmbed(width, n_rows, column=i, seed=8 + i, dropout=0.0) for i, n_rows in enumerate(table_rows)
    ]
    concat_size = width * (len(embeddings) + include_static_vectors)
    if encoder_vectors is not None:
        concat_size += encoder_vectors.get_dim("nO")
    max_out: Model[Ragged, Ragged] = with_array(Maxout(width, concat_size, nP=3, dropout=0.0, normalize=True))
    extract: Model[list[Doc], Ragged] = chain(
        FlagFeatureExtractor(attrs, flags),
        cast(Model[list[Ints2d], Ragged], list2ragged()),
        with_array(concatenate(*embeddings)),
    )
    inputs: list[Model[list[Doc], Ragged]] = [extract]
    if include_static_vectors:
        inputs.append(StaticVectors(width, dropout=0.0))
    if encoder_vectors is not None:
        inputs.append(encoder_vectors)
    # One input keeps the layer tree of a model trained without the extra inputs, so that it loads unchanged.
    joined = inputs[0] if len(inputs) == 1 else concatenate(*inputs)
    return chain(joined, max_out, ragged2list())
