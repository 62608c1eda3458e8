"""The stamps, digests and keys of `pipeline.invalidation`: a stamp sees a touched file, a digest only a changed one."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.invalidation import folder_digest, model_stamp, result_key, sources_stamp


def _folder(tmp_path: Path) -> tuple[Path, Path]:
    model, lexicon = tmp_path / "model", tmp_path / "lexicon"
    (model / "ner").mkdir(parents=True)
    lexicon.mkdir()
    (model / "ner" / "model").write_bytes(b"weights")
    (lexicon / "titles.txt").write_text("Dr.\n", encoding="utf-8")
    return model, lexicon


def test_a_touched_file_changes_the_stamps_but_not_the_digest(tmp_path: Path) -> None:
    model, lexicon = _folder(tmp_path)
    stamp = model_stamp(model, config_text="[stages]", lexicon=lexicon)
    sources = sources_stamp([lexicon / "titles.txt"])
    digest = folder_digest(model)
    stat = (model / "ner" / "model").stat()
    os.utime(model / "ner" / "model", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert model_stamp(model, config_text="[stages]", lexicon=lexicon) != stamp
    assert folder_digest(model) == digest
    os.utime(lexicon / "titles.txt", ns=(stat.st_atime_ns, stat.st_mtime_ns + 2 * 10**9))
    assert sources_stamp([lexicon / "titles.txt"]) != sources
    assert model_stamp(model, config_text="[other]", lexicon=lexicon) != model_stamp(
        model, config_text="[stages]", lexicon=lexicon
    )


def test_a_changed_file_changes_the_digest(tmp_path: Path) -> None:
    model, _ = _folder(tmp_path)
    digest = folder_digest(model)
    (model / "ner" / "model").write_bytes(b"retrained")
    assert folder_digest(model) != digest


def test_the_result_key_covers_text_title_date_and_fingerprint() -> None:
    base = {"text": "Merkel in Berlin.", "title": "T", "date": "2024-01", "fingerprint": "0" * 16}
    keys = {result_key(**base)} | {result_key(**{**base, name: "x"}) for name in base}
    assert len(keys) == len(base) + 1
    assert result_key(**base) == result_key(**dict(base))
