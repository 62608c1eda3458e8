from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import unquote

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.tables.output import (
    csv_bytes,
    neutralise,
    read_csv,
    read_table,
    rows_csv_bytes,
    rows_csv_texts,
    safe_file_stem,
    write_csv,
)


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


# Issue 20, point 7: a file name a shell takes as it is, and that gives the ID back.

# Small letters, digits, `_ . -` and `%XX` escapes (capital hex digits); a cut name ends in `~` and a hash.
SHELL_SAFE = re.compile(r"^([a-z0-9_.-]|%[0-9A-F]{2})+(~[0-9a-f]{16})?$")


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_stems_hold_no_shell_special_character_and_decode_back_to_the_id(article_id: str) -> None:
    stem = safe_file_stem(article_id)
    assert SHELL_SAFE.match(stem), stem
    assert not stem.startswith(("-", "."))
    if article_id and "~" not in stem:  # only an overlong ID is cut (and ends in a hash)
        assert unquote(stem, errors="strict") == article_id


def test_a_capital_letter_is_an_escape_not_a_history_expansion() -> None:
    assert safe_file_stem("Artikel-001") == "%41rtikel-001"
    assert "!" not in safe_file_stem("Merkel") and safe_file_stem("merkel") == "merkel"
    assert len({safe_file_stem(i).lower() for i in ("Merkel", "merkel", "MERKEL", "mErkel")}) == 4


# Issue 23, point 8: the CSV is made by column (pyarrow's string functions) and each article's table as a slice of
# one writer's text; the bytes must stay those of the csv module's writer, cell by cell.

TRICKY = ["", "a", "=x", "'=y", "''+1", "'a", "-1", "+", "@", "\tTab", "\rx", "a\rb", "a,b", "a;b", 'q"q', '"', "l\nm"]
TRICKY += ["\n", "x\x00=", "ä ö", " lead", "trail ", "\u2028", "a\\b"]


def writer_bytes(df: pd.DataFrame, *, excel: bool, header: bool = True) -> bytes:
    """The table as the csv module's writer writes it, each cell made safe as `csv_bytes` promises."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\n")
    if header:
        buffer.write("\ufeff" if excel else "")
        writer.writerow(df.columns)
    for row in zip(*(column.tolist() for _, column in df.items()), strict=True):
        writer.writerow(["" if v is None or v is pd.NA or v != v else neutralise(v) for v in row])
    return buffer.getvalue().encode("utf-8")


@pytest.mark.parametrize("excel", [False, True])
def test_csv_bytes_are_the_csv_writers(excel: bool) -> None:
    n = len(TRICKY)
    df = pd.DataFrame(
        {
            "text": TRICKY,
            "missing": pd.Series([None if i % 3 == 0 else TRICKY[i] for i in range(n)], dtype="str"),
            "objects": pd.Series([None, 1, -2.5, 48.0, 1e20, "=o", True, float("nan")] * 3, dtype=object)[:n],
            "count": range(-3, n - 3),
            "float": [0.1 * i if i % 4 else float("nan") for i in range(n)],
        }
    )
    for header in (False, True):
        assert csv_bytes(df, excel=excel, header=header) == writer_bytes(df, excel=excel, header=header)
        assert csv_bytes(df.iloc[5:9], excel=excel, header=header) == writer_bytes(
            df.iloc[5:9], excel=excel, header=header
        )
        assert csv_bytes(df.iloc[:0], excel=excel, header=header) == writer_bytes(
            df.iloc[:0], excel=excel, header=header
        )
    one = df[["text"]]
    assert csv_bytes(one, excel=excel) == writer_bytes(one, excel=excel)
    chunked = pd.concat([df, df.iloc[::-1]], ignore_index=True)  # its string columns in two Arrow chunks
    assert csv_bytes(chunked, excel=excel) == writer_bytes(chunked, excel=excel)


@given(st.lists(st.tuples(st.text(max_size=6), st.integers(-5, 10**12)), max_size=8), st.booleans())
@settings(max_examples=200, deadline=None)
def test_csv_bytes_are_the_csv_writers_for_any_text(rows: list[tuple[str, int]], excel: bool) -> None:
    df = pd.DataFrame({"text": [t for t, _ in rows], "n": [n for _, n in rows]}, columns=["text", "n"])
    df["text"] = df["text"].astype("str")
    assert csv_bytes(df, excel=excel) == writer_bytes(df, excel=excel)


@pytest.mark.parametrize("excel", [False, True])
def test_each_groups_csv_text_is_its_own_table(excel: bool) -> None:
    values = [*TRICKY, None, 3, -1, 2.5, float("nan"), True, pd.NA]
    columns = ["a", "b", "c"]
    groups = [
        [{c: values[(i * 7 + j * 3 + k) % len(values)] for k, c in enumerate(columns)} for j in range(i % 4)]
        for i in range(12)
    ]
    header, texts = rows_csv_texts(groups, columns, excel=excel)
    assert [(header + text).encode("utf-8") for text in texts] == [
        rows_csv_bytes(group, columns, excel=excel) for group in groups
    ]
