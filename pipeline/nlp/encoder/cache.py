"""Build the feature cache of a training corpus once, in parallel processes.

Each process encodes its share of the docs and writes one float16 shard; `index.json` maps each doc's key
to its shard, first row and length. Training then reads features instead of running the encoder each epoch.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import spacy
from spacy.tokens import Doc, DocBin

from ...util import init_worker
from .tuned import digest

BATCH = 256


def _encode_share(args: tuple[list[bytes], list[int], str, str, bytes | None]) -> dict[str, list[int]]:
    from .encoder import get_encoder
    from .features import doc_key

    payloads, layers, context, shard_path, graph = args
    vocab = spacy.blank("xx").vocab
    docs = [Doc(vocab).from_bytes(data) for data in payloads]
    n_tokens = sum(len(doc) for doc in docs)
    out = np.lib.format.open_memmap(shard_path, mode="w+", dtype=np.float16, shape=(n_tokens, len(layers), 384))
    encoder = get_encoder(tuple(layers), graph)
    index: dict[str, list[int]] = {}
    row = 0
    for start in range(0, len(docs), BATCH):
        batch = docs[start : start + BATCH]
        for doc, vectors in zip(batch, encoder(batch, context=context), strict=True):
            out[row : row + len(doc)] = vectors
            index[doc_key(doc)] = [-1, row, len(doc)]
            row += len(doc)
    out.flush()
    return index


def build_cache(
    corpora: Sequence[Path],
    out_dir: Path,
    *,
    layers: Sequence[int],
    context: str = "sentence",
    n_procs: int = 2,
    graph: bytes | None = None,
) -> Path:
    """Encode every doc of the DocBin files `corpora` into a cache folder; returns the folder.

    With `graph` (tuned layers as ONNX) the features are its output, and the cache records its digest.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    vocab = spacy.blank("xx").vocab
    payloads = [doc.to_bytes() for path in corpora for doc in DocBin().from_disk(path).get_docs(vocab)]
    shares = [payloads[i::n_procs] for i in range(n_procs)]
    names = [f"shard{i}.npy" for i in range(n_procs)]
    jobs = [
        (share, sorted(layers), context, str(out_dir / name), graph) for share, name in zip(shares, names, strict=True)
    ]
    with ProcessPoolExecutor(
        max_workers=n_procs, mp_context=get_context("spawn"), initializer=init_worker, initargs=(n_procs, os.getpid())
    ) as pool:
        indexes = list(pool.map(_encode_share, jobs))
    index: dict[str, list[int]] = {}
    for shard, part in enumerate(indexes):
        for key, (_, row, n) in part.items():
            index[key] = [shard, row, n]
    tuned = digest(graph) if graph is not None else None
    meta = {"layers": sorted(layers), "context": context, "tuned": tuned, "shards": names, "index": index}
    (out_dir / "index.json").write_text(json.dumps(meta), encoding="utf-8")
    return out_dir
