"""Find and load a spaCy pipeline: the one shipped in `models/`, an installed package, or a folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from thinc.api import Config

from ..errors import Errors, PipelineError, UsageError
from ..util import CONFIGS_DIR, PACKAGE_DIR
from . import factories  # noqa: F401  (registers our factories before any config is resolved)

SETTINGS_PATH = CONFIGS_DIR / "settings.cfg"


def models_dir() -> Path:
    """The folder of shipped models.

    A wheel carries `models/` inside the package (`pipeline/models`); an editable install or a checkout
    finds it beside the package, at the repository's top level.
    """
    for candidate in (PACKAGE_DIR / "models", PACKAGE_DIR.parent / "models"):
        if candidate.is_dir():
            return candidate
    return PACKAGE_DIR.parent / "models"


def default_model_name() -> str:
    return str(Config().from_disk(SETTINGS_PATH)["models"]["default"])


def model_aliases() -> dict[str, str]:
    """Short names of the shipped models ("fast", "accurate") and the folders they stand for."""
    return dict(Config().from_disk(SETTINGS_PATH)["models"]["aliases"])


def default_batch_size(name: str | Path | None) -> int:
    """Articles per batch of a run with model `name` when none is given: `[models.batch_sizes]` in settings."""
    sizes: dict[str, int] = dict(Config().from_disk(SETTINGS_PATH)["models"]["batch_sizes"])
    key = shipped_name(name) if name is None or isinstance(name, str) else ""
    return int(sizes.get(key, sizes["default"]))


def shipped_name(name: str | None) -> str:
    """The folder name under models/ that `name` (an alias, a folder name, or None) stands for."""
    if name is None:
        return default_model_name()
    return model_aliases().get(name, name)


def shipped_models() -> list[str]:
    root = models_dir()
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "config.cfg").is_file())


def resolve_model(name: str | Path | None = None) -> str | Path:
    """Turn a model option into something `spacy.load` accepts: a folder path or a package name."""
    if name is None and not (models_dir() / default_model_name() / "config.cfg").is_file():
        raise PipelineError(Errors.E002.format(models_dir=models_dir()))
    if name is None or isinstance(name, str):
        name = shipped_name(name)
    path = Path(name)
    if (path / "config.cfg").is_file():
        return path
    shipped = models_dir() / str(name)
    if (shipped / "config.cfg").is_file():
        return shipped
    if spacy.util.is_package(str(name)):
        return str(name)
    available = [*shipped_models(), *(f"{alias} (= {folder})" for alias, folder in model_aliases().items())]
    raise UsageError(Errors.E001.format(name=name, models_dir=models_dir(), available=", ".join(available)))


def load_model(name: str | Path | None = None, **kwargs: Any) -> Language:
    """Load a NER model alone, as it was trained: its own components, plus fine types where it has none.

    This is what `de-entities evaluate` scores. The pipeline that a run runs, with the model's components
    sourced into it, is `pipeline.load()` (`pipeline.nlp.build.build_pipeline`).

    Args:
        name: as for `pipeline.load`: a shipped model or its alias, an installed spaCy package, or a path.
        **kwargs: passed on to `spacy.load`, for example `exclude=[...]`.
    """
    nlp = spacy.load(resolve_model(name), **kwargs)
    if "ner" in nlp.pipe_names and not any(
        nlp.get_pipe_meta(pipe).factory == "de_entities_fine_types" for pipe in nlp.pipe_names
    ):
        nlp.add_pipe("de_entities_fine_types", name="fine_types", after="ner")
    return nlp


# The name `pipeline.training.train` imports (being changed for another issue); it means the model alone, as
# `load_model`. `pipeline.load` is the whole pipeline: `pipeline.nlp.build.build_pipeline`.
load = load_model
