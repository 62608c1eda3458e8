"""How `pipeline.cfg` fits a model: its sourced components replaced by every component the model has.

The rules (also in `pipeline.cfg`'s header): a stage the model has too (same factory) takes the model's place
with the config's settings; the other stages go right before the model's "ner" (those listed before "ner") or
at the end; a stage is left out where a model's component assigns all it assigns (a parser sets sentences). For
the shipped default model the result is `pipeline.cfg` itself. Pure config work: no model is loaded here.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

from spacy.language import Language
from spacy.pipeline.factories import register_factories
from spacy.util import registry
from thinc.api import Config

from ..errors import Errors, UsageError

# What a pipeline takes from the model's own config besides its components: the callbacks that shape the
# `nlp` object (the fast model's word-list flags) and its vectors' settings.
MODEL_NLP_SETTINGS = ("before_creation", "after_creation", "after_pipeline_creation", "vectors")


def _assigns(factory: str) -> set[str]:
    """What a factory's components assign (`Language.factory(assigns=...)`); empty for an unknown factory."""
    # spaCy 3.8 registers its own factories when the first Language is made; a config is read before that.
    register_factories()
    if not Language.has_factory(factory):
        # A factory of another package registers itself when its entry point is imported.
        with contextlib.suppress(Exception):
            registry.factories.get(factory)
    try:
        return set(Language.get_factory_meta(factory).assigns)
    except ValueError:
        return set()


def _stage_assigned_by(factory: str, model_factories: list[str]) -> bool:
    assigns = _assigns(factory)
    return bool(assigns) and any(assigns <= _assigns(other) for other in model_factories)


def compose(config: Config, model_config: Config, *, model: str) -> Config:
    """`config` with its sourced components replaced by every component of the model, in the model's order.

    The rules of `pipeline.cfg`'s header: a stage the model has too (same factory) takes the model's place; the
    other stages go right before the model's "ner" (those listed before "ner") or at the end; a stage is left out
    where a model's component assigns all it assigns. For the default model this is `pipeline.cfg` itself.

    Raises:
        UsageError: the model has no "ner" [E003].
    """
    stages: list[str] = list(config["nlp"]["pipeline"])
    blocks = config["components"]
    model_pipes: list[str] = list(model_config["nlp"]["pipeline"])
    if "ner" not in model_pipes:
        raise UsageError(Errors.E003.format(model=model, pipes=model_pipes))
    factories = {name: str(model_config["components"][name].get("factory", "")) for name in model_pipes}
    stage_of_factory = {blocks[name]["factory"]: name for name in stages if "factory" in blocks[name]}
    source = next(blocks[name]["source"] for name in stages if "source" in blocks[name])
    pipeline: list[str] = []
    components: dict[str, Any] = {}
    for name in model_pipes:
        stage = stage_of_factory.get(factories[name])
        if stage is not None:
            pipeline.append(stage)
            components[stage] = copy.deepcopy(blocks[stage])
        else:
            pipeline.append(name)
            components[name] = {"source": source}
    ner_at = stages.index("ner")
    for position, name in enumerate(stages):
        block = blocks[name]
        if name in components or "source" in block:
            continue
        if _stage_assigned_by(block["factory"], list(factories.values())):
            continue
        components[name] = copy.deepcopy(block)
        if position < ner_at:
            pipeline.insert(pipeline.index("ner"), name)
        else:
            pipeline.append(name)
    composed = copy.deepcopy(config)
    composed["nlp"]["pipeline"] = pipeline
    composed["components"] = {name: components[name] for name in pipeline}
    composed["paths"]["model"] = model
    composed["nlp"]["lang"] = model_config["nlp"].get("lang", config["nlp"]["lang"])
    for key in MODEL_NLP_SETTINGS:
        if model_config["nlp"].get(key) is not None:
            composed["nlp"][key] = copy.deepcopy(model_config["nlp"][key])
    # The normaliser wraps the model's own tokenizer, whatever it is; its rules are read in `take_model_data`.
    if model_config["nlp"].get("tokenizer") is not None:
        composed["nlp"]["tokenizer"]["base"] = copy.deepcopy(model_config["nlp"]["tokenizer"])
    return composed
