"""Build the batch-run pipeline from `configs/pipeline.cfg` around a NER model."""

from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.util import registry
from thinc.api import Config

from .. import invalidation
from ..errors import Errors, UsageError
from ..names.lexicon import lexicon_dir
from ..util import CONFIGS_DIR
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


def pipeline_digest(nlp: Language) -> str:
    """The pipeline digest (`pipeline.invalidation.pipeline_digest`) with this package's config and word lists."""
    return invalidation.pipeline_digest(
        nlp, config_text=PIPELINE_CONFIG.read_text(encoding="utf-8"), lexicon=lexicon_dir()
    )
