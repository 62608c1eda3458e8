"""A frozen table of static word vectors distilled from the accurate model's encoder, beside floret.

The fast model cannot afford the encoder at run time, but a look-up of what the encoder "knows" about a word
costs almost nothing. The table (`de-entities encoder-vectors`, pipeline/training/encoder_vectors.py) holds
one low-dimensional vector per word form, keyed by spaCy's hash of the exact text. It is read when the
pipeline is initialised and then kept inside the tok2vec, as `E5Features` keeps its tuned layers, so a saved
model never reads the file again. A word outside the table gets zeros and a 0 in the last column, which tells
the next layer to trust floret's subwords alone: the table alone lost 6 points, because a third of the
entity words are not in any table of a size we can ship.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from pathlib import Path
from typing import cast

import numpy as np
from spacy.attrs import ORTH
from spacy.tokens import Doc
from thinc.api import Model
from thinc.types import Floats2d, Ints1d, Ragged

from ..errors import Errors, PipelineError


def read_table(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The sorted uint64 keys and float16 vectors of a table file (.npz with `keys` and `vectors`)."""
    if not path.is_file():
        raise PipelineError(Errors.E100.format(path=path, reason="no such file"))
    try:
        with np.load(path) as data:
            keys, vectors = np.asarray(data["keys"], dtype=np.uint64), np.asarray(data["vectors"], dtype=np.float16)
    except (OSError, KeyError, ValueError) as err:
        raise PipelineError(Errors.E100.format(path=path, reason=str(err)[:200])) from err
    if keys.ndim != 1 or vectors.ndim != 2 or len(keys) != len(vectors) or np.any(keys[1:] <= keys[:-1]):
        raise PipelineError(Errors.E100.format(path=path, reason="keys must be sorted, unique, one per vector row"))
    return keys, vectors


def EncoderVectors(path: Path | None, width: int, dropout: float = 0.0) -> Model[list[Doc], Ragged]:
    """Per token the table's `width` columns (zeros when the word is not in it) and an in-table indicator.

    `path` is read at initialisation; a loaded model takes the table from its own bytes instead. In training,
    each token's row is dropped with probability `dropout`: the table holds every training word, so without
    it the model never sees a word outside the table and learns to miss the entities that are (the first
    run lost 4 points of recall on dev, where a third of the entity words are not in the table).
    """
    if not 0.0 <= dropout < 1.0:
        raise PipelineError(Errors.E100.format(path=path, reason=f"dropout {dropout} is not in [0, 1)"))
    return Model(
        "encoder_vectors",
        _forward,
        init=_init,
        dims={"nO": width + 1},
        attrs={"path": str(path) if path else "", "table": b"", "dropout": dropout},
    )


def _init(model: Model, X: list[Doc] | None = None, Y: Ragged | None = None) -> Model:
    path = model.attrs["path"]
    if not path:
        raise PipelineError(Errors.E100.format(path="(none)", reason="set [paths] encoder_vectors to a table file"))
    keys, vectors = read_table(Path(path))
    if vectors.shape[1] != model.get_dim("nO") - 1:
        reason = f"the table has {vectors.shape[1]} columns, the config says width = {model.get_dim('nO') - 1}"
        raise PipelineError(Errors.E100.format(path=path, reason=reason))
    buffer = io.BytesIO()
    # Stored as one byte string in the model's attrs: thinc writes attrs with the weights, and float16 halves
    # the size a float32 parameter would take.
    np.savez(buffer, keys=keys, vectors=vectors)
    model.attrs["table"] = buffer.getvalue()
    return model


@functools.lru_cache(maxsize=2)
def _arrays(table: bytes) -> tuple[np.ndarray, np.ndarray]:
    """The keys and vectors of a table's bytes, once per process: bytes keep their hash once computed.

    The vectors stay float16 (each found row is widened exactly when it is copied out): as float32 the table
    would take 26 MB more of every worker's memory.
    """
    with np.load(io.BytesIO(table)) as data:
        return data["keys"], data["vectors"]


def _table(model: Model) -> tuple[np.ndarray, np.ndarray]:
    if not model.attrs["table"]:
        raise PipelineError(Errors.E100.format(path="the model", reason="the table was never initialised"))
    return _arrays(model.attrs["table"])


def _forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Ragged, Callable]:
    keys, vectors = _table(model)
    lengths = np.array([len(doc) for doc in docs], dtype="int32")
    width = vectors.shape[1]
    out = np.zeros((int(lengths.sum()), width + 1), dtype="float32")
    if len(out) and len(keys):
        orths = np.concatenate([doc.to_array([ORTH]).reshape(-1) for doc in docs]).astype(np.uint64)
        rows = np.minimum(np.searchsorted(keys, orths), len(keys) - 1)
        found = keys[rows] == orths
        if is_train and model.attrs["dropout"]:
            # numpy's global generator, which spaCy seeds from [training] seed: the same seed, the same model.
            found &= np.random.random_sample(len(found)) >= model.attrs["dropout"]
        out[found, :width] = vectors[rows[found]]
        out[found, width] = 1.0
    ragged = Ragged(model.ops.asarray2f(cast(Floats2d, out)), model.ops.asarray1i(cast(Ints1d, lengths)))

    def backprop(d_ragged: Ragged) -> list:
        return []

    return ragged, backprop
