"""Shared fixtures: a blank German pipeline, tiny GermEval files (a few hundred bytes each), table rows."""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NoReturn

import pytest
import runs
import spacy
from spacy.language import Language

import pipeline
from pipeline.nlp.loading import default_model_name, models_dir

DATA = Path(__file__).parent / "data"
# CI installs every tool (.ci/run); there a missing one is a broken set-up, and a skip would hide it.
IN_CI = bool(os.environ.get("CI"))


def missing(reason: str) -> NoReturn:
    """Skip a test whose tool is not installed here; fail it when the environment variable CI is set."""
    if IN_CI:
        pytest.fail(f"CI is set, so a missing tool is a failure: {reason}", pytrace=False)
    pytest.skip(reason)


def require(module: str, reason: str) -> Any:
    """Import `module` for a test, or skip the test (fail it in CI) with `reason`."""
    try:
        return importlib.import_module(module)
    except ImportError:
        missing(f"{module} is not installed: {reason}")


REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def no_run_left_behind() -> Iterator[None]:
    """End any run a test started in the background, even when the test failed half-way."""
    yield
    while runs.STARTED:
        proc = runs.STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="session")
def de_nlp() -> Language:
    return spacy.blank("de")


@pytest.fixture(scope="session")
def tiny_tsv() -> Path:
    return DATA / "tiny.tsv"


@pytest.fixture(scope="session")
def tiny_conll() -> Path:
    return DATA / "tiny.conll"


@pytest.fixture(scope="session")
def shipped_nlp() -> Language:
    if not (models_dir() / default_model_name() / "config.cfg").is_file():
        pytest.fail(f"the shipped model is missing from {models_dir()}")
    return pipeline.load()


MentionRow = Callable[..., dict[str, object]]


@pytest.fixture
def mention_row() -> MentionRow:
    """Make one valid row of the mentions table, with any column changed by keyword."""

    def make(**changes: object) -> dict[str, object]:
        row: dict[str, object] = {
            "article_id": "007",
            "sentence": 0,
            "start": 0,
            "end": 5,
            "text": "Putin",
            "label": "PER",
            "model_label": "PER",
            "label_source": "model",
            "fine_type": "PER",
            "kind": "name",
            "canonical": "Putin",
            "entity_id": "PER-1",
            "article_canonical": "Putin",
            "article_entity_id": "PER-1",
        }
        row.update(changes)
        return row

    return make
