"""The shipped models' training configs: one base (ner.cfg) and the accurate model's differences merged over it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from spacy.util import registry
from thinc.api import Config

from pipeline.training.train import TrainOptions, training_config
from pipeline.util import CONFIGS_DIR

REPO = Path(__file__).parent.parent


def options(*layers: str) -> TrainOptions:
    paths = [CONFIGS_DIR / layer for layer in layers]
    return TrainOptions(
        train_path=Path("t"), dev_path=Path("d"), output=Path("o"), vectors=None, name="x",
        config=paths[-1], base_configs=tuple(paths[:-1]),
    )  # fmt: skip


def flat(config: dict, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in config.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_the_accurate_config_replaces_the_embed_and_keeps_the_rest_of_the_base() -> None:
    fast = flat(training_config(options("ner.cfg")).interpolate())
    accurate = flat(training_config(options("ner.cfg", "ner_e5.cfg")).interpolate())
    embed = "components.tok2vec.model.embed."
    assert accurate[embed + "@architectures"] == "de_entities.FeatureEmbed.v1"
    assert accurate[embed + "features.tuned"] is None and accurate[embed + "features.layers"] == [8]
    # The fast embed's arguments are not inherited by the other architecture.
    assert not any(key.startswith((embed + "flags", embed + "encoder_vectors", embed + "rows")) for key in accurate)
    assert accurate["nlp.after_creation"] is None and accurate["training.max_steps"] == 3000
    differing = {key for key in fast.keys() & accurate.keys() if fast[key] != accurate[key]}
    assert differing == {embed + "@architectures", "training.max_steps"}
    shared = {key for key in fast if not key.startswith(embed) and not key.startswith("nlp.after_creation")}
    assert shared <= accurate.keys()


def test_every_shipped_config_resolves(tmp_path: Path) -> None:
    import pipeline.nlp.factories  # noqa: F401  (registers the architectures)

    for layers in (("ner.cfg",), ("ner.cfg", "ner_e5.cfg")):
        config = training_config(options(*layers)).interpolate()
        # Architectures are looked up, not built: building the encoder's layers needs its weights.
        embed = config["components"]["tok2vec"]["model"]["embed"]
        assert registry.architectures.get(embed["@architectures"])
        assert isinstance(Config(config).to_str(), str)


def test_train_takes_config_overrides_as_spacy_does() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "train", "--limit", "10", "--max_steps", "3"],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8",
    )  # fmt: skip
    assert result.returncode == 2 and "E102" in result.stderr
