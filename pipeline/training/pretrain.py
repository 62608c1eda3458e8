"""Pretrain the tok2vec on raw German text with `spacy pretrain`, using the NER training config.

GermEval holds 24,000 annotated sentences; pretraining first teaches the same CNN to predict the first and
last characters of each word from its context on millions of raw words, and `de-entities train` then starts
from those weights (`paths.init_tok2vec`).
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

from spacy.training.pretrain import pretrain as spacy_pretrain
from spacy.util import load_config

from .rawtext import iter_paragraphs

logger = logging.getLogger(__name__)


def write_raw_jsonl(sources: list[Path], out: Path, *, words: int, seed: int = 0) -> int:
    """Write up to `words` words of paragraphs from each source as shuffled JSONL lines `{"text": ...}`.

    Shuffling mixes the sources, so that a pretraining run cut short has still seen all of them.
    """
    texts = [text for source in sources for text in iter_paragraphs(source, words=words, min_words=5)]
    random.Random(seed).shuffle(texts)
    with open(out, "w", encoding="utf-8") as f:
        for text in texts:
            f.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    return sum(len(t.split()) for t in texts)


def pretrain(
    raw_jsonl: Path, output: Path, *, config_path: Path, vectors: Path | None, overrides: dict[str, object]
) -> None:
    """Run `spacy pretrain` with the NER config; weights are written to `output/model*.bin`."""
    all_overrides: dict[str, object] = {
        "paths.raw_text": str(raw_jsonl),
        "paths.vectors": str(vectors) if vectors else None,
    }
    if vectors is None:
        all_overrides["components.tok2vec.model.embed.include_static_vectors"] = False
    all_overrides.update(overrides)
    config = load_config(config_path, overrides=all_overrides, interpolate=False)
    output.mkdir(parents=True, exist_ok=True)
    config.to_disk(output / "config.cfg")
    spacy_pretrain(config.interpolate(), output, use_gpu=-1, silent=False)
