"""`de-entities info`: what is installed, as `spacy info` says it for spaCy."""

from __future__ import annotations

import json
import platform
import sys
from typing import Annotated, Any

import typer

from .common import console

DIST = "de-entities"


def info() -> dict[str, Any]:
    """The version, Python and spaCy, the models found with their dev F1 and speed, and the extras installed."""
    import spacy

    from ..nlp.loading import model_aliases, models_dir, shipped_models
    from ..util import PACKAGE_DIR, VERSION

    aliases = {folder: alias for alias, folder in model_aliases().items()}
    models = []
    for name in shipped_models():
        try:
            meta = json.loads((models_dir() / name / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        performance = meta.get("performance") or {}
        models.append(
            {
                "name": name,
                "alias": aliases.get(name),
                "version": meta.get("version"),
                "f1_4class": performance.get("ents_f_4class"),
                "f1_12class": performance.get("ents_f_12class"),
                "words_per_s_dev": performance.get("speed_words_per_s_dev"),
            }
        )
    return {
        "de-entities": VERSION,
        "location": str(PACKAGE_DIR),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "spacy": spacy.__version__,
        "models_dir": str(models_dir()),
        "models": models,
        "extras": extras(),
    }


def extras() -> dict[str, bool]:
    """Each optional extra of the package and whether every requirement of it is installed in a fitting version."""
    from importlib.metadata import PackageNotFoundError, metadata, requires, version

    from packaging.requirements import Requirement

    def installed(requirement: Requirement) -> bool:
        try:
            return requirement.specifier.contains(version(requirement.name), prereleases=True)
        except PackageNotFoundError:
            return False

    try:
        names = metadata(DIST).get_all("Provides-Extra") or []
        requirements = [Requirement(text) for text in requires(DIST) or []]
    except PackageNotFoundError:
        return {}
    return {
        extra: all(installed(r) for r in requirements if r.marker is not None and r.marker.evaluate({"extra": extra}))
        for extra in sorted(names)
    }


def info_cli(
    as_json: Annotated[bool, typer.Option("--json", help="Print the information as JSON.")] = False,
) -> None:
    """Print the version, the models found with their dev F1 and speed, and the extras installed."""
    found = info()
    if as_json:
        console.print_json(json.dumps(found))
        return
    lines = [f"{key:<12} {found[key]}" for key in ("de-entities", "location", "python", "platform", "spacy")]
    lines.append(f"{'models':<12} in {found['models_dir']}")
    for model in found["models"]:
        name = f"{model['name']}" + (f" ({model['alias']})" if model["alias"] else "")
        f1 = f"{model['f1_4class']:.3f}" if isinstance(model["f1_4class"], float) else "n/a"
        speed = f"{model['words_per_s_dev']:,}" if isinstance(model["words_per_s_dev"], int) else "n/a"
        lines.append(f"  {name:<36} version {model['version']}, dev F1 {f1} (4 classes), {speed} words/s on dev")
    installed = ", ".join(name for name, ok in found["extras"].items() if ok) or "none"
    missing = ", ".join(name for name, ok in found["extras"].items() if not ok) or "none"
    lines += [f"{'extras':<12} installed: {installed}", f"{'':<12} not installed: {missing}"]
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)
