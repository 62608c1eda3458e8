"""Train the German NER model from GermEval 2014 and package it for `models/`.

The steps follow spaCy's project workflow: convert the data to DocBins, `spacy train` with the checked-in
config, then assemble the shipped pipeline (NER plus the fine-type component) with a meta that names its
data, licence, dev scores and speed.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.cli.train import train as spacy_train
from spacy.language import Language
from spacy.util import load_config
from thinc.api import Config

from ..errors import Errors, PipelineError
from ..nlp.encoder.cache import build_cache
from ..nlp.encoder.features import find_architecture, read_tuned, use_cache
from ..nlp.encoder.features import uses_encoder as encoder_settings
from ..nlp.encoder.tuned import digest
from ..nlp.loading import load
from ..nlp.wordlists import flag_settings
from ..nlp.wordlists import sources as word_list_sources
from ..util import CONFIGS_DIR, VERSION
from .docbins import convert
from .finetune import TUNED_META
from .germeval import read_sentences
from .scoring import evaluate
from .silver import silver_parts, silver_summary
from .speed import pipeline_words_per_second

logger = logging.getLogger(__name__)

CONFIG_PATH = CONFIGS_DIR / "ner.cfg"
META_PATH = CONFIGS_DIR / "meta.json"
ENCODER_META_PATH = CONFIGS_DIR / "meta_e5.json"
LEXICON_META_PATH = CONFIGS_DIR / "meta_lexicon.json"
SILVER_META_PATH = CONFIGS_DIR / "meta_silver.json"


@dataclass
class TrainOptions:
    """What `train` needs; the defaults reproduce the shipped model."""

    train_path: Path
    dev_path: Path
    output: Path
    vectors: Path | None
    name: str
    init_tok2vec: Path | None = None
    config: Path = CONFIG_PATH
    # Configs that `config` is merged over, first to last (the accurate model's config lists only how it
    # differs from the fast model's).
    base_configs: tuple[Path, ...] = ()
    seed: int = 0
    limit: int | None = None
    max_steps: int | None = None
    overrides: dict[str, object] = field(default_factory=dict)
    # Folder of encoder features for train and dev (accurate model only): reused when it exists, else built.
    feature_cache: Path | None = None
    # Tuned encoder layers as ONNX from `de-entities finetune` (accurate model only); None: the base layers.
    tuned_encoder: Path | None = None
    # Silver data from `de-entities silver` (distillation), its first `silver_parts` parts (None: all), and how
    # many times the gold sentences are repeated beside it so that the silver does not drown them.
    silver: Path | None = None
    silver_parts: int | None = None
    gold_copies: int = 1
    # The encoder word vectors of `de-entities encoder-vectors`, for a config whose [paths] has encoder_vectors.
    encoder_vectors: Path | None = None


def training_config(options: TrainOptions) -> Config:
    """The config to train with: `options.config` merged over its base configs, variables not yet filled.

    confection's merge replaces a block that names another registered function and merges the rest key by
    key, so a config of differences changes an architecture without inheriting the old one's arguments.
    """
    merged: Config | None = None
    for path in (*options.base_configs, options.config):
        layer = Config().from_disk(path, interpolate=False)
        merged = layer if merged is None else merged.merge(layer)
    assert merged is not None
    return merged


def spacy_overrides(options: TrainOptions, corpus_dir: Path, config: Config) -> dict[str, object]:
    overrides: dict[str, object] = {
        "paths.train": str(corpus_dir / "train"),
        "paths.dev": str(corpus_dir / "dev.spacy"),
        "paths.vectors": str(options.vectors) if options.vectors else None,
        "paths.init_tok2vec": str(options.init_tok2vec) if options.init_tok2vec else None,
        "system.seed": options.seed,
    }
    if options.tuned_encoder is not None:
        overrides["paths.tuned_encoder"] = str(options.tuned_encoder)
    if options.encoder_vectors is not None and find_architecture(config, "de_entities.EncoderVectors.v1"):
        overrides["paths.encoder_vectors"] = str(options.encoder_vectors)
    if options.vectors is None:
        overrides["components.tok2vec.model.embed.include_static_vectors"] = False
    if options.limit is not None:
        # A smoke run: evaluate often enough that model-best exists after a few steps.
        overrides["training.max_steps"] = options.max_steps or 100
        overrides["training.eval_frequency"] = 50
    elif options.max_steps is not None:
        overrides["training.max_steps"] = options.max_steps
    overrides.update(options.overrides)
    return overrides


def spacy_version_range() -> str:
    """The spaCy versions that can load the model: this one up to the next minor release."""
    major, minor = (int(part) for part in spacy.__version__.split(".")[:2])
    return f">={spacy.__version__},<{major}.{minor + 1}.0"


def build_meta(nlp: Language, options: TrainOptions, scores: dict, seconds: float, speed: float) -> dict:
    meta = dict(nlp.meta)
    meta.update(json.loads(META_PATH.read_text(encoding="utf-8")))
    features = encoder_settings(nlp.config)
    if features is not None:
        extra = json.loads(ENCODER_META_PATH.read_text(encoding="utf-8"))
        meta["description"] = extra["description"]
        meta["encoder"] = {**extra["encoder"], "layers": features["layers"], "tuned": tuned_summary(options)}
        meta["sources"] = [*meta["sources"], *extra["sources"]]
    flags = flag_settings(nlp.config)
    if flags is not None:
        extra = json.loads(LEXICON_META_PATH.read_text(encoding="utf-8"))
        meta["description"] = f"{meta['description']} {extra['description']}"
        meta["sources"] = [*meta["sources"], *extra["sources"]]
        meta["word_lists"] = word_list_sources(flags)
    table = encoder_vectors_summary(nlp.config.interpolate())
    if table is not None:
        meta["description"] = (
            f"{meta['description']} Encoder word vectors: a static table of {table['words']:,} word forms, each "
            f"encoded alone by the accurate model's tuned encoder and reduced to {table['width']} columns, read "
            "beside floret (see encoder_vectors)."
        )
        meta["encoder_vectors"] = table
        # The table is what the encoder computes, so the encoder's licence travels with it.
        encoder_sources = json.loads(ENCODER_META_PATH.read_text(encoding="utf-8"))["sources"]
        meta["sources"] = [*meta["sources"], *(s for s in encoder_sources if s not in meta["sources"])]
    silver = silver_used(options)
    if silver is not None:
        extra = json.loads(SILVER_META_PATH.read_text(encoding="utf-8"))
        meta["description"] = f"{meta['description']} {extra['description']}"
        # A folder that is not one of the known raw-de sources is named as it is, without a licence to claim.
        known = extra["sources"]
        meta["sources"] = [
            *meta["sources"],
            *(known.get(name, {"name": f"Silver training text: {name}"}) for name in silver["sources"]),
        ]
    views = scores["views"]
    meta.update(
        {
            "name": options.name,
            "version": VERSION,
            "lang": "de",
            "spacy_version": spacy_version_range(),
            "performance": {
                "dev_file": Path(options.dev_path).name,
                "ents_f_4class": views["4class"]["micro"]["f1"],
                "ents_p_4class": views["4class"]["micro"]["precision"],
                "ents_r_4class": views["4class"]["micro"]["recall"],
                "ents_f_12class": views["12class"]["micro"]["f1"],
                "ents_p_12class": views["12class"]["micro"]["precision"],
                "ents_r_12class": views["12class"]["micro"]["recall"],
                "ents_per_type_12class": views["12class"],
                "speed_words_per_s_dev": round(speed),
            },
            "training": {
                "config": options.config.name,
                "base_configs": [path.name for path in options.base_configs],
                "init_tok2vec": options.init_tok2vec.name if options.init_tok2vec else None,
                "seed": options.seed,
                "limit": options.limit,
                "max_steps": options.max_steps,
                "gold_copies": options.gold_copies,
                "silver": silver,
                "seconds": round(seconds),
            },
        }
    )
    return meta


def encoder_vectors_summary(config: dict) -> dict | None:
    """The summary `de-entities encoder-vectors` wrote beside the table this config read, if it reads one."""
    settings = find_architecture(config, "de_entities.EncoderVectors.v1")
    if settings is None or not settings.get("path"):
        return None
    summary_path = Path(settings["path"]).with_suffix(".json")
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    return {**summary, "file": Path(settings["path"]).name, "width": settings["width"]}


def tuned_summary(options: TrainOptions) -> dict | None:
    """How the encoder's layers were tuned (the summary `de-entities finetune` writes next to its ONNX file)."""
    if options.tuned_encoder is None:
        return None
    summary_path = options.tuned_encoder.with_name(TUNED_META)
    summary = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.is_file() else {}
    graph = read_tuned(options.tuned_encoder)
    return {**summary, "file": options.tuned_encoder.name, "bytes": len(graph), "digest": digest(graph)}


def gather_training_data(options: TrainOptions, folder: Path) -> int:
    """Fill `folder` with the gold DocBin (`gold_copies` times) and the silver parts; spaCy reads them all.

    Returns the number of gold sentences.
    """
    folder.mkdir()
    n_gold = convert(options.train_path, folder / "gold-0.spacy", limit=options.limit)
    for copy in range(1, options.gold_copies):
        shutil.copyfile(folder / "gold-0.spacy", folder / f"gold-{copy}.spacy")
    if options.silver is not None:
        for part in silver_parts(options.silver, parts=options.silver_parts):
            shutil.copyfile(part, folder / f"silver-{part.name}")
    return n_gold


def silver_used(options: TrainOptions) -> dict | None:
    """What the meta records about the silver data of this training, if it has any."""
    if options.silver is None:
        return None
    return silver_summary(options.silver, silver_parts(options.silver, parts=options.silver_parts))


def silver_note(options: TrainOptions) -> str:
    summary = silver_used(options)
    if summary is None:
        return ""
    return f" (x{options.gold_copies}) and {summary['sentences']} silver sentences ({summary['words']} words)"


def cache_matches(cache: Path, graph: bytes | None) -> bool:
    """True if the feature cache at `cache` exists and came from the same encoder layers (tuned or base)."""
    index = cache / "index.json"
    if not index.is_file():
        return False
    found = json.loads(index.read_text(encoding="utf-8")).get("tuned")
    return found == (digest(graph) if graph is not None else None)


def train(options: TrainOptions) -> dict:
    """Train, evaluate and save the model to `options.output`; returns its meta."""
    with tempfile.TemporaryDirectory(prefix="de-entities-train-") as tmp:
        work = Path(tmp)
        corpus_dir = work / "corpus"
        corpus_dir.mkdir()
        n_train = gather_training_data(options, corpus_dir / "train")
        n_dev = convert(options.dev_path, corpus_dir / "dev.spacy", limit=options.limit)
        logger.info("training on %d gold sentences%s, scoring on %d", n_train, silver_note(options), n_dev)
        start = time.perf_counter()
        config_path = work / "config.cfg"
        config = training_config(options)
        config.to_disk(config_path)
        overrides = spacy_overrides(options, corpus_dir, config)
        features = encoder_settings(load_config(config_path, overrides=overrides, interpolate=True))
        try:
            if features is not None:
                cache = options.feature_cache or work / "features"
                graph = read_tuned(Path(features["tuned"])) if features.get("tuned") else None
                if not cache_matches(cache, graph):
                    logger.info("encoding the training and dev sentences once into %s", cache)
                    build_cache(
                        [corpus_dir / "dev.spacy", *sorted((corpus_dir / "train").glob("*.spacy"))],
                        cache,
                        layers=features["layers"],
                        context=features.get("context", "sentence"),
                        n_procs=1 if options.limit else 2,
                        graph=graph,
                    )
                use_cache(cache)
            spacy_train(config_path, work / "out", use_gpu=-1, overrides=overrides)
        except PipelineError:
            raise
        except Exception as err:  # spaCy raises many types; all mean the same to the user
            reason = f"{type(err).__name__}: {err}"
            raise PipelineError(Errors.E020.format(reason=reason, config=options.config, data=corpus_dir)) from err
        finally:
            use_cache(None)
        return package(work / "out" / "model-best", options, seconds=time.perf_counter() - start)


def package(trained: Path, options: TrainOptions, *, seconds: float) -> dict:
    """Add the fine-type component to a trained pipeline, score it on dev, and save it with its meta.

    The old model at `options.output` is replaced only once the new one is complete on disk.
    """
    nlp = load(trained)
    features = encoder_settings(nlp.config)
    if features is not None and features.get("context", "sentence") == "sentence" and "sentences" not in nlp.pipe_names:
        # The encoder reads one sentence at a time, so the model splits sentences before its tok2vec; the
        # batch run's own "sentences" stage then replaces this one in place.
        nlp.add_pipe("de_entities_sentences", name="sentences", first=True)
    scores = evaluate(nlp, options.dev_path, limit=options.limit)
    dev_texts = [" ".join(s.words) for s in read_sentences(options.dev_path, limit=options.limit)]
    speed = pipeline_words_per_second(nlp, dev_texts)
    nlp.meta.update(build_meta(nlp, options, scores, seconds, speed))
    staged = options.output.with_name(options.output.name + ".tmp")
    if staged.exists():
        shutil.rmtree(staged)
    nlp.to_disk(staged)
    (staged / "metrics.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    if options.output.exists():
        shutil.rmtree(options.output)
    staged.rename(options.output)
    return nlp.meta
