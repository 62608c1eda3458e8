"""Word lists as lexeme flags for the fast model: the lists, the `[nlp.after_creation]` callback, the config."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
import spacy
from spacy.language import Language
from spacy.util import load_config, registry
from thinc.api import ConfigValidationError

from pipeline.errors import PipelineError
from pipeline.names.lexicon import lexicon_dir
from pipeline.nlp import factories, wordlist_export, wordlists
from pipeline.nlp.wordlists import WORD_LISTS, add_lexicon_flags, flag_settings, matcher
from pipeline.training.train import TrainOptions, build_meta
from pipeline.util import CONFIGS_DIR

CONFIG_PATH = CONFIGS_DIR / "ner.cfg"

SETTINGS = flag_settings(load_config(CONFIG_PATH))
assert SETTINGS is not None, "ner.cfg sets no word-list flags"
FLAGS = SETTINGS


def after_creation(**changes: object) -> dict[str, object]:
    """The `[nlp.after_creation]` block of ner.cfg, with any argument changed."""
    block: dict[str, object] = {"@callbacks": wordlists.CALLBACK, "flags": dict(FLAGS)}
    block.update(changes)
    return block


@pytest.fixture(scope="module")
def flagged_nlp() -> Language:
    return spacy.blank("de", config={"nlp": {"after_creation": after_creation()}})


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("noun", "Haus"),
        ("noun", "Häusern"),  # an inflected form
        ("noun", "Bundesregierung"),
        ("toponym", "Deutschland"),
        ("toponym", "Elfenbeinküste"),
        ("first_name", "Angela"),
        ("proper_name", "Merkel"),
        ("place", "Berlin"),
        ("place", "München"),  # an alternate name: GeoNames calls it Munich
        ("place", "Sotschi"),
        ("place", "Germany"),  # a country
        ("person", "Angela"),
        ("person", "Schmidt"),
        ("person", "Giuseppe"),
        ("org_word", "GmbH"),
        ("org_word", "e.V."),
        ("org_word", "Universität"),
        ("org_word", "Bundesverband"),  # the end of a compound
        ("org_word", "Linkspartei"),
    ],
)
def test_word_lists_hold_german_entries(name: str, word: str) -> None:
    assert matcher(name)(word)


@pytest.mark.parametrize(
    ("name", "word"),
    [
        ("noun", "laufen"),
        ("noun", "-algie"),  # german-nouns lists suffixes as entries
        ("place", "SPD"),  # GeoNames' airport codes are left out
        ("place", "myunik"),  # lower-case transliterations too
        ("place", "Мюнхен"),  # and other scripts
        ("person", "der"),
        ("org_word", "partei"),  # a head counts only in a capitalised word
        ("org_word", "Haus"),
    ],
)
def test_word_lists_leave_out(name: str, word: str) -> None:
    assert not matcher(name)(word)


def test_every_list_is_built_and_not_tiny() -> None:
    sizes = wordlists.sources(FLAGS)["sizes"]
    assert set(sizes) == set(WORD_LISTS)  # type: ignore[arg-type]
    assert all(size > 100 for size in sizes.values()), sizes  # type: ignore[attr-defined]


def test_org_words_file_is_well_formed() -> None:
    words = wordlists.org_words()
    assert words.legal and words.heads
    assert all(head == head.lower() for head in words.heads)
    assert not words.legal & {head.capitalize() for head in words.heads}


def test_callback_sets_the_flags(flagged_nlp: Language) -> None:
    doc = flagged_nlp("Angela Merkel besuchte die Siemens AG in München.")
    flags = {token.text: {name for name, bit in FLAGS.items() if token.check_flag(bit)} for token in doc}
    assert {"first_name", "person"} <= flags["Angela"]
    assert "proper_name" in flags["Merkel"]
    assert {"toponym", "place"} <= flags["München"]
    assert "org_word" in flags["AG"]
    assert flags["besuchte"] == flags["die"] == flags["."] == set()
    # MultiHashEmbed reads the flags as FLAG<bit> through Doc.to_array.
    array = doc.to_array([f"FLAG{FLAGS['place']}"])
    assert list(array) == [int("place" in flags[token.text]) for token in doc]


def test_callback_flags_words_already_in_the_vocab() -> None:
    nlp = spacy.blank("de")
    nlp.vocab["Berlin"]
    add_lexicon_flags(nlp, {"place": FLAGS["place"]})
    assert nlp.vocab["Berlin"].check_flag(FLAGS["place"])


def test_flags_survive_pickling(flagged_nlp: Language) -> None:
    data = pickle.dumps(flagged_nlp.vocab)
    # The getters carry names, not the lists: a pickled vocab stays small.
    assert len(data) < 2_000_000
    vocab = pickle.loads(data)
    assert vocab["Köln"].check_flag(FLAGS["place"])
    assert not vocab["laufen"].check_flag(FLAGS["place"])


def test_ner_config_reads_every_flag() -> None:
    embed = load_config(CONFIG_PATH)["components"]["tok2vec"]["model"]["embed"]
    assert len(embed["attrs"]) == len(embed["rows"])
    assert embed["flags"] == [f"FLAG{bit}" for bit in FLAGS.values()]


def test_callback_is_registered_under_its_name() -> None:
    assert registry.callbacks.get(wordlists.CALLBACK) is factories.make_lexicon_flags


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"flags": {"nouns": 50}}, "E060"),
        ({"flags": {"noun": 12}}, "E063"),  # IS_STOP's bit
        ({"flags": {"noun": 64}}, "E063"),
        ({"flags": {"noun": 50, "place": 50}}, "E064"),
    ],
)
def test_bad_options_fail_with_a_code(changes: dict[str, object], code: str) -> None:
    with pytest.raises(PipelineError, match=rf"\[{code}\]"):
        spacy.blank("de", config={"nlp": {"after_creation": after_creation(**changes)}})


@pytest.mark.parametrize(
    "changes",
    [{"flags": {"noun": "fifty"}}, {"flags": ["noun"]}, {"min_population": 5000}],
)
def test_badly_typed_options_fail_validation(changes: dict[str, object]) -> None:
    with pytest.raises(ConfigValidationError):
        spacy.blank("de", config={"nlp": {"after_creation": after_creation(**changes)}})


def test_flag_settings_of_a_config_without_flags() -> None:
    assert flag_settings({"nlp": {"after_creation": None}}) is None
    assert flag_settings({"nlp": {}}) is None


def test_missing_shipped_list_fails_with_a_code(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(wordlists, "lexicon_dir", lambda: tmp_path)
    wordlists.shipped_list.cache_clear()
    try:
        with pytest.raises(PipelineError, match=r"\[E061\]"):
            wordlists.shipped_list("places.txt.gz")
    finally:
        wordlists.shipped_list.cache_clear()


def test_shipped_lists_are_what_the_packages_export(tmp_path: Path) -> None:
    # The files in data/lexicon are reproducible: exporting again from the installed packages gives the same
    # bytes, so a changed package or a hand edit shows up here.
    sizes = wordlist_export.export_word_lists(tmp_path)
    for name, file_name in wordlists.SHIPPED_LISTS.items():
        assert (tmp_path / file_name).read_bytes() == (lexicon_dir() / file_name).read_bytes(), file_name
        assert sizes[name] == len(wordlists.shipped_list(file_name))


@pytest.mark.parametrize(("kwargs", "code"), [({"min_population": 2000}, "E062"), ({"locales": ["xx_XX"]}, "E062")])
def test_bad_export_options_fail_with_a_code(kwargs: dict, code: str, tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match=rf"\[{code}\]"):
        wordlist_export.export_word_lists(tmp_path, **kwargs)


@pytest.mark.parametrize("with_flags", [True, False])
def test_model_meta_lists_the_word_lists(flagged_nlp: Language, with_flags: bool, tmp_path: Path) -> None:
    micro = {"precision": 0.5, "recall": 0.5, "f1": 0.5}
    scores = {"views": {"4class": {"micro": micro}, "12class": {"micro": micro}}}
    options = TrainOptions(train_path=tmp_path, dev_path=tmp_path, output=tmp_path, vectors=None, name="m")
    nlp = flagged_nlp if with_flags else spacy.blank("de")
    meta = build_meta(nlp, options, scores, seconds=1.0, speed=1.0)
    sources = " ".join(f"{source['name']} {source['license']}" for source in meta["sources"])
    if not with_flags:
        assert "word_lists" not in meta and "faker" not in sources
        return
    assert meta["word_lists"]["flags"] == {name: f"FLAG{bit}" for name, bit in FLAGS.items()}
    assert meta["word_lists"]["packages"]["german-nouns"]
    for source in ("german-nouns", "CC BY-SA 4.0", "GeoNames", "CC BY 4.0", "faker", "MIT", "org_words.tsv", "CC0"):
        assert source in sources
