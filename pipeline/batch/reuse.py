"""What a rerun into the same folder can reuse from the last complete run, so that it does no work twice.

The stamps and digests themselves, and the table of which input invalidates which output, are in
`pipeline.invalidation`; this module applies them to an output folder.

- The model's fingerprint (part of every result key): loading and building the pipeline only to compute it
  costs more than the rest of a rerun. `run.json` keeps it with a stamp of what it was computed from (this
  package's version, the pipeline config, the model folder's files by size and modification time); a rerun
  with the same stamp takes the fingerprint from there and loads the model only if an article needs it.
- The corpus tables: they are a function of the articles' slots, their result keys (a result is a function of
  its key), the lexicon and the options. A rerun whose digest of these equals the last run's, that processed
  nothing and finds every table in place, leaves the tables as they are.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .. import invalidation
from ..tables.output import atomic_write_text
from ..tables.schemas import TABLE_FILES
from ..util import CONFIGS_DIR
from .slots import Slot


def previous_run(out: Path) -> dict[str, Any]:
    """The last complete run's `run.json` in `out`, or {}."""
    try:
        info = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def model_stamp(model: str | Path | None) -> str | None:
    """The model stamp (`pipeline.invalidation.model_stamp`); None if the model is no folder."""
    from ..nlp.loading import resolve_model

    try:
        resolved = resolve_model(model)
    except Exception:
        return None  # an unknown model: loading it reports the error
    if not isinstance(resolved, Path):
        return None  # an installed package: loaded to compute its fingerprint
    from ..names.lexicon import lexicon_dir

    config_text = (CONFIGS_DIR / "pipeline.cfg").read_text(encoding="utf-8")
    return invalidation.model_stamp(resolved, config_text=config_text, lexicon=lexicon_dir())


def model_meta(model: str | Path | None) -> dict[str, Any]:
    """The name, version and language of a model from its meta, without loading it (for a run that needed
    no model); the name it was asked by when it has no readable meta."""
    from spacy.util import get_package_path

    from ..nlp.loading import resolve_model

    resolved = resolve_model(model)
    folder = resolved if isinstance(resolved, Path) else get_package_path(resolved)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    return {"name": meta.get("name", str(model or resolved)), "version": meta.get("version"), "lang": meta.get("lang")}


def last_speed(previous: dict[str, Any]) -> dict[str, Any] | None:
    """The last measured speed in a `run.json` and when the run that measured it started, or None."""
    speed = previous.get("words_per_s")
    if not isinstance(speed, int | float) or speed <= 0:
        return None
    measured = previous.get("speed_measured") or (previous.get("timings") or {}).get("started")
    return {"words_per_s": float(speed), "measured": measured}


def tables_in_place(out: Path, slots: Iterable[Slot]) -> bool:
    """Whether every corpus table and the table of every article without an error are still there."""
    return all((out / name).exists() for name in TABLE_FILES) and all(
        (out / "articles" / f"{slot.stem}.csv").is_file() for slot in slots if slot.error is None
    )


def forget_tables(out: Path, previous: dict[str, Any]) -> None:
    """Drop the last run's tables digest before the tables are rewritten: a run killed halfway through them
    leaves tables that no digest describes, so the next run writes them all again."""
    if previous.get("tables_digest"):
        info = {**previous, "tables_digest": None}
        atomic_write_text(out / "run.json", json.dumps(info, indent=2, ensure_ascii=False) + "\n")
