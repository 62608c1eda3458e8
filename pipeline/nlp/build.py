"""Build the batch-run pipeline from `configs/pipeline.cfg` around a NER model."""

from __future__ import annotations

import hashlib
from pathlib import Path

from spacy.language import Language
from spacy.util import registry
from thinc.api import Config

from ..errors import Errors, UsageError
from ..names.lexicon import lexicon_dir
from ..util import CONFIGS_DIR, VERSION
from .loading import load

PIPELINE_CONFIG = CONFIGS_DIR / "pipeline.cfg"


def _same_factory(nlp: Language, factory: str) -> str | None:
    return next((pipe for pipe in nlp.pipe_names if nlp.get_pipe_meta(pipe).factory == factory), None)


def _assigned_already(nlp: Language, factory: str) -> bool:
    assigns = set(Language.get_factory_meta(factory).assigns)
    return bool(assigns) and any(assigns <= set(nlp.get_pipe_meta(pipe).assigns) for pipe in nlp.pipe_names)


def build_pipeline(model: str | Path | None = None, *, config_path: Path = PIPELINE_CONFIG) -> Language:
    """Load `model` and add the stages of the pipeline config around its `ner`.

    Args:
        model: a shipped model name, an installed spaCy package or a path; None for the default.
        config_path: the pipeline config.

    Returns:
        The pipeline. `nlp.analyze_pipes()` reports no problems for it.
    """
    config = Config().from_disk(config_path)
    nlp = load(model)
    if "ner" not in nlp.pipe_names:
        raise UsageError(Errors.E003.format(model=model, pipes=nlp.pipe_names))
    create_tokenizer = registry.resolve({"tokenizer": config["tokenizer"]})["tokenizer"]
    nlp.tokenizer = create_tokenizer(nlp)
    stages = config["stages"]
    for position, names in (("before", stages["before_ner"]), ("after", stages["after_ner"])):
        for name in names:
            block = dict(config["components"][name])
            factory = block.pop("factory")
            existing = _same_factory(nlp, factory)
            if existing:
                # The model brought this stage (fine_types): the pipeline config's settings win.
                nlp.replace_pipe(existing, factory, config=block)
                continue
            if _assigned_already(nlp, factory):
                continue
            if position == "before":
                nlp.add_pipe(factory, name=name, config=block, before="ner")
            else:
                nlp.add_pipe(factory, name=name, config=block)
    return nlp


def folder_digest(folder: Path) -> str:
    """SHA-256 over the names and contents of every file under `folder`, in a fixed order."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def pipeline_digest(nlp: Language) -> str:
    """A digest of what the results of a pipeline depend on besides the text.

    Retraining a model keeps its name and version, and so do edits of the word lists or of the code, so
    those are not enough: the digest covers the model's files (or the pipeline's bytes if it was never
    saved), the word lists in the lexicon folder, the stage settings and the package version.
    """
    digest = hashlib.sha256()
    for part in (VERSION, PIPELINE_CONFIG.read_text(encoding="utf-8"), nlp.config.to_str()):
        digest.update(part.encode("utf-8") + b"\0")
    model_path = nlp.path
    if model_path is not None and Path(model_path).is_dir():
        digest.update(folder_digest(Path(model_path)).encode("ascii"))
    else:
        digest.update(hashlib.sha256(nlp.to_bytes(exclude=["vocab"])).hexdigest().encode("ascii"))
    digest.update(folder_digest(lexicon_dir()).encode("ascii"))
    return digest.hexdigest()
