"""Build the fast model's encoder word vectors: what the accurate model's tuned encoder makes of each word alone.

Each word of a vocabulary is encoded on its own ("passage: Siemens") by the tuned layers that the accurate
model ships, and its vector (the mean over its pieces of the last layer) is reduced by PCA to a few dozen
columns and stored as float16 (`pipeline/nlp/encoder_vectors.py` reads the table). The tuned layers were
trained to tell entity types apart, so their first principal components carry the encoder's knowledge of
which words name people, places, organisations and other things.

The vocabulary is taken in order of usefulness until the size budget is spent: the GermEval train words, the
person and first names of the word lists, the most frequent words of the raw corpus (`word_counts.tsv.gz`),
then the words of the place names.
"""

from __future__ import annotations

import json
import logging
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.strings import get_string_id

from ..errors import Errors, PipelineError
from ..nlp.encoder.encoder import E5Encoder
from ..nlp.encoder.weights import read_weights
from ..util import open_text
from .germeval import read_sentences

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class VectorOptions:
    max_words: int = 200_000
    width: int = 32
    # Words encoded per call: the encoder packs them into padded batches of its `batch_pieces`.
    chunk: int = 4096


def _names(path: Path) -> Iterator[str]:
    with open_text(path) as lines:
        for line in lines:
            name = line.rstrip("\n").split("\t")[0]
            if name and not name.startswith("#"):
                yield from name.split()


def _counted(path: Path) -> Iterator[str]:
    rows = []
    with open_text(path) as lines:
        for line in lines:
            word, _, count = line.rstrip("\n").partition("\t")
            if word and not word.startswith("#") and count.isdigit():
                rows.append((int(count), word))
    # The file is sorted by count already; sorting again keeps the order a property of the data, not the file.
    yield from (word for _, word in sorted(rows, key=lambda row: (-row[0], row[1])))


def vocabulary(train: Path, lexicon: Path, max_words: int) -> list[str]:
    """The words to encode, most useful first, without repeats, at most `max_words`."""
    train_counts = Counter(word for sentence in read_sentences(train) for word in sentence.words)
    sources: list[Iterable[str]] = [
        (word for word, _ in sorted(train_counts.items(), key=lambda item: (-item[1], item[0]))),
        _names(lexicon / "person_names.txt.gz"),
        _names(lexicon / "first_names.txt.gz"),
        _counted(lexicon / "word_counts.tsv.gz"),
        _names(lexicon / "places.txt.gz"),
    ]
    seen: dict[str, None] = {}
    for source in sources:
        for word in source:
            if len(seen) >= max_words:
                return list(seen)
            if word.strip() and len(word) <= 40:
                seen.setdefault(word, None)
    return list(seen)


def tuned_graph(nlp: Language) -> bytes:
    """The tuned encoder layers (ONNX) stored inside an accurate model's tok2vec."""
    for _name, pipe in nlp.pipeline:
        model = getattr(pipe, "model", None)
        if model is None:
            continue
        for node in model.walk():
            graph = node.attrs.get("tuned")
            if isinstance(graph, bytes) and graph:
                return graph
    raise PipelineError(Errors.E101.format(model=nlp.meta.get("name", "?")))


def encode_words(words: list[str], graph: bytes, chunk: int) -> np.ndarray:
    """(len(words), 384): the tuned encoder's last layer for each word alone, averaged over its pieces."""
    # Bigger padded batches than at run time: the words are short, and memory is no concern here.
    encoder = E5Encoder(read_weights(n_layers=0), layers=[0], graph=graph, batch_pieces=4096)
    out = np.zeros((len(words), encoder.width), dtype=np.float32)
    for start in range(0, len(words), chunk):
        units = [encoder.unit([(word, 0)]) for word in words[start : start + chunk]]
        for row, (unit, vectors) in enumerate(zip(units, encoder.piece_vectors(units), strict=True)):
            out[start + row] = encoder.token_vectors([unit], 1, [vectors])[0, 0]
        logger.info("encoded %d of %d words", min(start + chunk, len(words)), len(words))
    return out


def reduce(vectors: np.ndarray, width: int) -> tuple[np.ndarray, dict[str, float]]:
    """PCA to `width` columns, scaled so that a row's mean square is about 1; float16."""
    centred = vectors - vectors.mean(axis=0)
    covariance = centred.T @ centred / len(centred)
    values, axes = np.linalg.eigh(covariance)
    order = np.argsort(values)[::-1][:width]
    projected = centred @ axes[:, order]
    scale = float(np.sqrt((projected**2).mean()))
    summary = {"explained_variance": float(values[order].sum() / values.sum()), "scale": scale}
    return (projected / scale).astype(np.float16), summary


def build_table(words: list[str], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Keys (spaCy's hash of each word, sorted) and their rows."""
    keys = np.array([get_string_id(word) for word in words], dtype=np.uint64)
    order = np.argsort(keys)
    keys, vectors = keys[order], vectors[order]
    if np.any(keys[1:] == keys[:-1]):
        raise PipelineError(Errors.E100.format(path="(building)", reason="two words share a hash"))
    return keys, vectors


def write_table(path: Path, keys: np.ndarray, vectors: np.ndarray, summary: dict) -> None:
    """The table as .npz and its summary as .json beside it, each written whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _replace(path, lambda tmp: np.savez(tmp, keys=keys, vectors=vectors))
    text = json.dumps(summary, indent=2, ensure_ascii=False)
    _replace(path.with_suffix(".json"), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _replace(path: Path, write: Callable[[Path], object]) -> None:
    # np.savez appends ".npz" to a name without it, so the temporary file keeps the suffix.
    tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
    write(tmp)
    os.replace(tmp, path)


def build_encoder_vectors(
    output: Path, teacher: Language, train: Path, lexicon: Path, options: VectorOptions
) -> dict[str, object]:
    """Encode the vocabulary with `teacher`'s tuned layers, reduce and write the table; returns its summary."""
    graph = tuned_graph(teacher)
    words = vocabulary(train, lexicon, options.max_words)
    logger.info("encoding %d words alone with %s's tuned layers", len(words), teacher.meta.get("name", "?"))
    reduced, pca = reduce(encode_words(words, graph, options.chunk), options.width)
    keys, vectors = build_table(words, reduced)
    summary: dict[str, object] = {
        "teacher": teacher.meta.get("name"),
        "teacher_version": teacher.meta.get("version"),
        "words": len(words),
        "width": options.width,
        **pca,
        "vocabulary": "GermEval 2014 train words, person and first names, word_counts.tsv.gz, place-name words",
    }
    write_table(output, keys, vectors, summary)
    return summary
