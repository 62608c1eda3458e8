"""Every save and load path of the pipeline, as spacy-transformers' test_serialize.py tests its own (issue 23,
point 2): each component round-trips through to_bytes/from_bytes and to_disk/from_disk, and a saved pipeline
carries its word lists, so that `spacy.load` in a fresh process elsewhere gives the same entities, canonical
names and table rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
import srsly
from spacy.language import Language
from spacy.util import load_model_from_config

import pipeline
from pipeline.batch import RunOptions, run
from pipeline.errors import PipelineError
from pipeline.names.lexicon import Lexicon, Place, load_lexicon
from pipeline.names.lexicon_bytes import lexicon_from_bytes, lexicon_to_bytes
from pipeline.nlp import build
from pipeline.nlp.components.canonical import LEXICON_FILE, Canonical

REPO = Path(__file__).parent.parent
SAMPLES = sorted((REPO / "data" / "samples").rglob("*.txt"))[:4]
TEXTS = [
    "Wladimir Putin empfing Alexander Lukaschenko in Sotschi. Putins Gast kam aus Belarus.",
    "Die Europäische Fußball-Union (UEFA) tagte in Nyon; der Kreml-Sprecher schwieg.",
]


def small_lexicon() -> Lexicon:
    return Lexicon(
        derived={"belarussisch": Place("Belarus", "LOC")},
        aliases={"USA": Place("Vereinigte Staaten", "LOC")},
        determiners=frozenset({"der", "die"}),
        counts={"Putin": 12},
        digest="abc",
    )


def annotations(nlp: Language, texts: list[str]) -> list[dict[str, object]]:
    """Everything a run takes from a doc: the entities with their extensions and the table rows."""
    found = []
    for doc in nlp.pipe(texts):
        ents = [[e.start_char, e.end_char, e.label_, e._.fine_type, e._.canonical, e._.label_source] for e in doc.ents]
        found.append({"ents": ents, "mentions": doc._.mentions, "entities": doc._.entities})
    return found


def test_lexicon_bytes_round_trip() -> None:
    lexicon = small_lexicon()
    data = lexicon_to_bytes(lexicon)
    assert lexicon_from_bytes(data) == lexicon
    assert lexicon_to_bytes(lexicon_from_bytes(data)) == data


def test_lexicon_bytes_of_another_format_have_a_coded_error() -> None:
    data = srsly.msgpack_dumps({"format": 0, "lexicon": {}})
    with pytest.raises(PipelineError, match=r"\[E005\]"):
        lexicon_from_bytes(data)


def test_canonical_round_trips_through_bytes_and_disk(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    canonical = Canonical(nlp, "canonical", lexicon=small_lexicon())
    data = canonical.to_bytes()
    assert Canonical(nlp, "canonical").from_bytes(data).lexicon == small_lexicon()
    canonical.to_disk(tmp_path / "canonical")
    assert (tmp_path / "canonical" / LEXICON_FILE).read_bytes() == data
    loaded = Canonical(nlp, "canonical").from_disk(tmp_path / "canonical")
    assert loaded.lexicon == small_lexicon() and loaded.data_digest == "abc"


def test_initialize_takes_the_word_lists_from_the_config(tmp_path: Path) -> None:
    nlp = spacy.blank("de")
    nlp.add_pipe("de_entities_fine_types", name="fine_types")
    nlp.add_pipe("de_entities_canonical", name="canonical")
    nlp.config["initialize"]["components"]["canonical"] = {
        "lexicon": {"@misc": "de_entities.lexicon.v1", "folder": None}
    }
    nlp.initialize()
    shipped = load_lexicon()
    assert nlp.get_pipe("canonical").lexicon is shipped
    # A saved blank pipeline carries the word lists, and loads them without reading the shipped ones.
    nlp.to_disk(tmp_path / "saved")
    loaded = spacy.load(tmp_path / "saved")
    assert loaded.get_pipe("canonical").lexicon == shipped


@pytest.fixture(scope="module")
def nlp() -> Language:
    return pipeline.load()


@pytest.mark.slow
def test_every_component_round_trips_through_bytes(nlp: Language) -> None:
    fresh = load_model_from_config(nlp.config, auto_fill=False)
    for name, proc in nlp.pipeline:
        if not hasattr(proc, "to_bytes"):
            continue  # a stateless stage (sentences, fine types, tables): its settings are all in the config
        other = fresh.get_pipe(name)
        other.from_bytes(proc.to_bytes())  # type: ignore[attr-defined]
        assert other.to_bytes() == proc.to_bytes(), name  # type: ignore[attr-defined]


@pytest.mark.slow
def test_every_component_round_trips_through_disk(nlp: Language, tmp_path: Path) -> None:
    fresh = load_model_from_config(nlp.config, auto_fill=False)
    for name, proc in nlp.pipeline:
        if not hasattr(proc, "to_disk"):
            continue
        proc.to_disk(tmp_path / name)  # type: ignore[attr-defined]
        fresh.get_pipe(name).from_disk(tmp_path / name)  # type: ignore[attr-defined]
        assert fresh.get_pipe(name).to_bytes() == proc.to_bytes(), name  # type: ignore[attr-defined]


@pytest.mark.slow
def test_the_pipeline_round_trips_through_bytes(nlp: Language) -> None:
    again = load_model_from_config(nlp.config, auto_fill=False).from_bytes(nlp.to_bytes())
    assert again.pipe_names == nlp.pipe_names
    assert annotations(again, TEXTS) == annotations(nlp, TEXTS)


@pytest.mark.slow
def test_the_pipeline_round_trips_through_disk(nlp: Language, tmp_path: Path) -> None:
    nlp.to_disk(tmp_path / "saved")
    assert (tmp_path / "saved" / "canonical" / LEXICON_FILE).is_file()
    again = spacy.load(tmp_path / "saved")
    assert again.pipe_names == nlp.pipe_names
    assert annotations(again, TEXTS) == annotations(nlp, TEXTS)
    assert build.pipeline_digest(again) != build.pipeline_digest(nlp)  # a folder of its own, hashed as such


FRESH = """
import json, sys
from pathlib import Path
import spacy
from pipeline.batch import RunOptions, run
nlp = spacy.load(sys.argv[1])
texts = json.loads(Path(sys.argv[2]).read_text(encoding="utf-8"))
found = []
for doc in nlp.pipe(texts):
    ents = [[e.start_char, e.end_char, e.label_, e._.fine_type, e._.canonical, e._.label_source] for e in doc.ents]
    found.append({"ents": ents, "mentions": doc._.mentions, "entities": doc._.entities})
cache = [path.name for path in Path(sys.argv[-2]).rglob("lexicon*")]
print(json.dumps({"found": found, "cache": cache}, ensure_ascii=False))
run(sys.argv[3:-2], sys.argv[-1], nlp=nlp, options=RunOptions(workers=1))
import pipeline
print(pipeline.__file__, file=sys.stderr)
"""


def tables_of(out: Path) -> dict[str, bytes]:
    """The tables of a run, byte for byte (run.json holds times and the fingerprint, which differ)."""
    return {
        str(path.relative_to(out)): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file() and path.suffix in (".csv", ".parquet", ".txt")
    }


@pytest.mark.slow
def test_a_saved_pipeline_gives_the_same_tables_in_a_fresh_process_elsewhere(nlp: Language, tmp_path: Path) -> None:
    saved = tmp_path / "saved"
    nlp.to_disk(saved)
    texts = [path.read_text(encoding="utf-8") for path in SAMPLES]
    (tmp_path / "texts.json").write_text(json.dumps(texts, ensure_ascii=False), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache = tmp_path / "cache"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            FRESH,
            str(saved),
            str(tmp_path / "texts.json"),
            *map(str, SAMPLES),
            str(cache),
            str(tmp_path / "out"),
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        encoding="utf-8",
        # An empty cache folder: the canonical stage must not need the lexicon's pickle (or anything else
        # outside the saved folder) to load.
        env={**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": ""},
    )
    assert result.returncode == 0, result.stderr
    fresh = json.loads(result.stdout)
    assert fresh["found"] == json.loads(json.dumps(annotations(nlp, texts)))
    # Loading and running the saved pipeline read no word lists outside it (the run's corpus stage does, later).
    assert fresh["cache"] == [], "the saved pipeline read the shipped word lists"
    run(SAMPLES, tmp_path / "reference", nlp=nlp, options=RunOptions(workers=1))
    assert tables_of(tmp_path / "out") == tables_of(tmp_path / "reference")
