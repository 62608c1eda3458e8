"""Silver training data: raw German text labelled by a teacher model (distillation).

The fast model learns from the accurate one by training on its output. The paragraphs are sampled
deterministically (every n-th paragraph of each source, taken in turn from the sources), cut into parts of a
fixed number of paragraphs and labelled in parallel processes. Each part is one DocBin of one `Doc` per
sentence, written atomically, so a run that is stopped and started again only labels the missing parts, and
the first k parts are always the same text: training on them measures how F1 grows with the amount of silver.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from functools import lru_cache
from itertools import islice
from multiprocessing import get_context
from pathlib import Path

from spacy.language import Language
from spacy.tokens import DocBin

from ..errors import Errors, PipelineError
from ..util import init_worker
from .rawtext import iter_paragraphs

logger = logging.getLogger(__name__)

MANIFEST = "silver.json"


@dataclass(frozen=True)
class SilverOptions:
    """How to sample and label; stored in the folder's manifest, and a rerun must use the same."""

    sources: tuple[str, ...]
    teacher: str
    every: int = 20
    min_words: int = 8
    part_paragraphs: int = 4000
    min_tokens: int = 5
    max_tokens: int = 60


def sample_paragraphs(options: SilverOptions) -> Iterator[str]:
    """Every `every`-th paragraph of at least `min_words` words of each source, the sources taken in turn."""
    streams = [_every_nth(Path(source), options) for source in options.sources]
    while streams:
        for stream in list(streams):
            paragraph = next(stream, None)
            if paragraph is None:
                streams.remove(stream)
            else:
                yield paragraph


def _every_nth(source: Path, options: SilverOptions) -> Iterator[str]:
    if not source.exists():
        raise PipelineError(Errors.E011.format(path=source))
    return islice(iter_paragraphs(source, words=None, min_words=options.min_words), 0, None, options.every)


@lru_cache(maxsize=1)
def _teacher(name: str) -> Language:
    import spacy

    from ..nlp.loading import resolve_model

    # Not `load`, which adds the fine-type component back: without it the silver keeps GermEval's 12 types,
    # as the gold data has them.
    return spacy.load(resolve_model(name), exclude=["fine_types"])


def label_part(job: tuple[str, list[str], SilverOptions]) -> dict[str, int]:
    """Label one part's paragraphs and write its DocBin atomically; returns its counts."""
    path, paragraphs, options = job
    nlp = _teacher(options.teacher)
    docbin = DocBin(store_user_data=False)
    counts = {"paragraphs": len(paragraphs), "sentences": 0, "words": 0, "entities": 0}
    for doc in nlp.pipe(paragraphs, batch_size=32):
        for sent in doc.sents:
            # Very short lines are headings and interjections; very long ones are lists and tables.
            if options.min_tokens <= len(sent) <= options.max_tokens:
                sentence = sent.as_doc()
                docbin.add(sentence)
                counts["sentences"] += 1
                counts["words"] += len(sentence)
                counts["entities"] += len(sentence.ents)
    staged = Path(path + ".tmp")
    docbin.to_disk(staged)
    os.replace(staged, path)
    return counts


def build_silver(out: Path, options: SilverOptions, *, parts: int, n_procs: int = 2) -> dict:
    """Label `parts` parts of sampled raw text into `out`, reusing the parts already there; returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    manifest_path = out / MANIFEST
    manifest = {"options": asdict(options), "parts": {}}
    if manifest_path.exists():
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if manifest["options"] != json.loads(json.dumps(asdict(options))):
            raise PipelineError(Errors.E066.format(path=out, found=manifest["options"], given=asdict(options)))
    paragraphs = sample_paragraphs(options)
    jobs = []
    for index in range(parts):
        chunk = list(islice(paragraphs, options.part_paragraphs))
        if not chunk:
            logger.info("the sources ran out after %d parts", index)
            break
        name = f"part-{index:04d}.spacy"
        if name not in manifest["parts"] or not (out / name).exists():
            jobs.append((str(out / name), chunk, options))
    logger.info("labelling %d parts of %d paragraphs with %s", len(jobs), options.part_paragraphs, options.teacher)
    with ProcessPoolExecutor(
        max_workers=n_procs, mp_context=get_context("spawn"), initializer=init_worker, initargs=(n_procs, os.getpid())
    ) as pool:
        for (path, _, _), counts in zip(jobs, pool.map(label_part, jobs), strict=True):
            manifest["parts"][Path(path).name] = counts
            logger.info("%s: %s", Path(path).name, counts)
            _write_manifest(manifest_path, manifest)
    _write_manifest(manifest_path, manifest)
    return manifest


def _write_manifest(path: Path, manifest: dict) -> None:
    manifest["parts"] = dict(sorted(manifest["parts"].items()))
    staged = path.with_suffix(".tmp")
    staged.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(staged, path)


def silver_parts(folder: Path, *, parts: int | None = None) -> list[Path]:
    """The first `parts` labelled parts of a silver folder (all of them by default), in order."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise PipelineError(Errors.E067.format(path=folder))
    names = sorted(json.loads(manifest_path.read_text(encoding="utf-8"))["parts"])
    chosen = names if parts is None else names[:parts]
    if parts is not None and len(chosen) < parts:
        raise PipelineError(Errors.E068.format(path=folder, parts=parts, found=len(names)))
    return [folder / name for name in chosen]


def silver_summary(folder: Path, paths: Sequence[Path]) -> dict:
    """What a model's meta records about the silver data it was trained on."""
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    counts = [manifest["parts"][path.name] for path in paths]
    return {
        "teacher": manifest["options"]["teacher"],
        "sources": [Path(source).name for source in manifest["options"]["sources"]],
        "every": manifest["options"]["every"],
        "parts": len(paths),
        "sentences": sum(c["sentences"] for c in counts),
        "words": sum(c["words"] for c in counts),
    }
