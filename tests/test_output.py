from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeline.tables.output import csv_bytes, neutralise, read_csv, read_table, safe_file_stem, write_csv


@pytest.mark.parametrize(
    "article_id",
    [
        "../x",
        "a/b",
        "a\\b",
        "x\x00y",
        "NUL",
        "con.txt",
        "Com1",
        ".hidden",
        "..",
        ".",
        "",
        "trailing.",
        "ä ö",
        "%41",
        "A",
    ],
)
def test_unsafe_ids_stay_inside_the_folder(tmp_path: Path, article_id: str) -> None:
    stem = safe_file_stem(article_id)
    assert stem and "/" not in stem and "\\" not in stem and "\x00" not in stem
    assert not stem.startswith(".") and not stem.endswith(".")
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1"}
    target = (tmp_path / f"{stem}.csv").resolve()
    assert target.parent == tmp_path.resolve()
    target.write_text("ok", encoding="utf-8")


def test_encoding_is_injective_and_keeps_plain_ids() -> None:
    ids = ["../x", "..%2Fx", "a/b", "a%2Fb", "NUL", "%4EUL", "000_54a07f7f396f094c", "007"]
    stems = [safe_file_stem(i) for i in ids]
    assert len(set(stems)) == len(ids)
    assert safe_file_stem("000_54a07f7f396f094c") == "000_54a07f7f396f094c"
    assert safe_file_stem("007") == "007"


def test_long_ids_are_cut_with_a_hash() -> None:
    a, b = "x" * 300, "x" * 299 + "y"
    assert len(safe_file_stem(a)) <= 120
    assert safe_file_stem(a) != safe_file_stem(b)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("=SUM(A1)", "'=SUM(A1)"), ("+49", "'+49"), ("-1", "'-1"), ("@x", "'@x"), ("EU", "EU"), (3, 3)],
)
def test_neutralise(value: object, expected: object) -> None:
    assert neutralise(value) == expected


def test_csv_dialects_round_trip_ids_as_strings(tmp_path: Path) -> None:
    df = pd.DataFrame({"article_id": ["007", "=cmd"], "text": ['Müller; "Zitat"', "x"], "n": [1, 2]})
    for excel in (False, True):
        path = tmp_path / f"t{excel}.csv"
        write_csv(df, path, excel=excel)
        raw = path.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf") == excel
        assert raw.decode("utf-8-sig").splitlines()[0] == ("article_id;text;n" if excel else "article_id,text,n")
        back = read_csv(path, excel=excel)
        assert back["article_id"].tolist() == ["007", "'=cmd"]
        assert back["text"].tolist()[0] == 'Müller; "Zitat"'
    assert b"\r" not in csv_bytes(df)


@pytest.mark.parametrize("excel", [False, True])
def test_read_table_gives_back_every_value_as_it_was(tmp_path: Path, excel: bool) -> None:
    values = ["=A1", "'=A1", "''+1", "+49", "-", "@x", "'s Hertogenbosch", "'", "EU", "\tTab", ""]
    write_csv(pd.DataFrame({"article_id": values}), tmp_path / "t.csv", excel=excel)
    assert read_table(tmp_path / "t.csv")["article_id"].tolist() == values
    assert not any(cell and cell[0] in "=+-@\t" for cell in read_csv(tmp_path / "t.csv", excel=excel)["article_id"])
