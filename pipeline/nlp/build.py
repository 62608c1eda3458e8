"""Build the batch-run pipeline from `configs/pipeline.cfg`, a spaCy config whose NER components are sourced.

`pipeline.load()` and every batch worker call `build_pipeline`, so a notebook gets the pipeline that
`de-entities run` runs; `nlp.to_disk()` saves it whole (config, model, word lists), and `spacy.load()` of that
folder gives it back in any process where de-entities is installed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import srsly
from spacy.language import Language
from spacy.schemas import validate_init_settings
from spacy.util import get_package_path, load_config, load_model_from_config, registry
from thinc.api import Config

from .. import invalidation
from ..util import CONFIGS_DIR, VERSION
from .compose import compose
from .loading import resolve_model

PIPELINE_CONFIG = CONFIGS_DIR / "pipeline.cfg"
# `util.VERSION` of a source tree that was never installed, which no requirement can name.
UNKNOWN_VERSION = "0+unknown"


def model_folder(model: str | Path) -> Path:
    """The folder of a resolved model (`resolve_model`): itself, or an installed package's data folder."""
    if isinstance(model, Path):
        return model
    package = get_package_path(model)
    # A spaCy package keeps its pipeline in a subfolder named after its name and version.
    return next((path.parent for path in sorted(package.glob("*/config.cfg"))), package)


def pipeline_config(
    model: str | Path | None = None, *, config_path: Path = PIPELINE_CONFIG, overrides: dict[str, Any] | None = None
) -> Config:
    """The spaCy config of the pipeline around `model` (as `resolve_model` takes it), its components sourced.

    Args:
        model: as `build_pipeline` takes it.
        config_path: the pipeline config.
        overrides: dotted keys and their values, as spaCy's `--section.key value`: `{"paths.lexicon": "..."}`.
    """
    resolved = resolve_model(model)
    config = Config().from_disk(config_path, interpolate=False)
    for dotted, value in (overrides or {}).items():
        *sections, key = dotted.split(".")
        block = config
        for section in sections:
            block = block.setdefault(section, {})
        block[key] = value
    model_config = load_config(model_folder(resolved) / "config.cfg", interpolate=True)
    return compose(config, model_config, model=str(resolved))


def sourced_components(config: Config) -> list[str]:
    return [name for name in config["nlp"]["pipeline"] if "source" in config["components"][name]]


def take_model_data(nlp: Language, folder: Path) -> None:
    """Give `nlp` the model's vectors, lookups and tokenizer rules, which sourcing components leaves behind.

    spaCy would take the vectors from `[initialize] vectors` in `nlp.initialize()`, by loading the model a
    second time; reading the two folders costs a tenth of that. The vocab goes first, as in `spacy.load`,
    because loading it resets the lexemes that the tokenizer's rules refer to.
    """
    if (folder / "vocab").is_dir():
        nlp.vocab.from_disk(folder / "vocab", exclude=["strings"])
    if (folder / "tokenizer").exists():
        nlp.tokenizer.from_disk(folder / "tokenizer")  # type: ignore[union-attr]


def initialize_stages(nlp: Language, config: Config) -> None:
    """Initialise the components that were not sourced, from `[initialize.components]` (the word lists).

    `nlp.initialize()` would do the same after loading the vocab data of `[initialize]` (the model again, see
    `take_model_data`); the sourced components are trained already and are left as they are, as `spacy
    assemble` leaves them.
    """
    sourced = set(sourced_components(config))
    settings = nlp.config.interpolate()["initialize"]["components"]
    for name, proc in nlp.pipeline:
        if name in sourced or not hasattr(proc, "initialize"):
            continue
        resolved = registry.resolve({"settings": settings.get(name, {})})["settings"]
        resolved = validate_init_settings(proc.initialize, resolved, section="components", name=name)
        proc.initialize(lambda: [], nlp=nlp, **resolved)


def build_pipeline(
    model: str | Path | None = None,
    *,
    config_path: Path = PIPELINE_CONFIG,
    overrides: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Language:
    """Build the pipeline of `config_path` around `model`: `pipeline.load()`, and what `de-entities run` runs.

    The model's components (tok2vec, ner, ...) are sourced from it and the stages put around them: sentences,
    fine types, canonical names, table rows. The result is a plain spaCy pipeline: `nlp.to_disk(path)` saves it
    with its word lists, and `spacy.load(path)` gives it back wherever de-entities is installed.

    Args:
        model: a shipped model name or alias, an installed spaCy package or a path; None for the default.
        config_path: the pipeline config.
        overrides: dotted config keys and their values, such as `{"paths.lexicon": "my/lexicon"}`.
        **kwargs: passed on to `spacy.util.load_model_from_config`, for example `exclude=[...]`.

    Returns:
        The pipeline, initialised: every entity has a coarse label, `ent._.fine_type` and `ent._.canonical`, and
        every doc its table rows in `doc._.mentions` and `doc._.entities`. `nlp.analyze_pipes()` reports no
        problems for it.

    Raises:
        UsageError: the model is unknown [E001] or has no "ner" [E003].
    """
    resolved = resolve_model(model)
    folder = model_folder(resolved)
    config = pipeline_config(resolved, config_path=config_path, overrides=overrides)
    meta_path = folder / "meta.json"
    # The model's meta: the pipeline keeps its name and version, which `run.json` reports.
    meta = srsly.read_json(meta_path) if meta_path.is_file() else {}
    # Its factories are this package's: a pipeline saved and packaged with `spacy package` then installs it too.
    if VERSION != UNKNOWN_VERSION:
        others = [req for req in meta.get("requirements", []) if not req.startswith("de-entities")]
        meta["requirements"] = [*others, f"de-entities>={VERSION}"]
    nlp = load_model_from_config(config, meta=meta, auto_fill=True, validate=True, **kwargs)
    take_model_data(nlp, folder)
    initialize_stages(nlp, config)
    return nlp


def pipeline_digest(nlp: Language) -> str:
    """The pipeline digest (`pipeline.invalidation.pipeline_digest`) of a pipeline that `build_pipeline` built
    (its model's folder from `[paths] model`) or `spacy.load` loaded (its own folder)."""
    folder = None
    model = nlp.config.get("paths", {}).get("model")
    if nlp.path is None and isinstance(model, str):
        try:
            folder = model_folder(Path(model) if Path(model).is_dir() else model)
        except Exception:  # a package that is gone: the digest falls back on the pipeline's bytes
            folder = None
    return invalidation.pipeline_digest(nlp, model_folder=folder)
