from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.batch.readers import Article, BadArticle, ReadOptions, iter_txt_articles, parse_article, read_records

REPO = Path(__file__).parent.parent


def test_header_gives_date_and_title() -> None:
    article = parse_article(" date 2020-09 Putin trifft Lukaschenko\n\nErster Absatz.\n\nZweiter.", article_id="a1")
    assert (article.date, article.title) == ("2020-09", "Putin trifft Lukaschenko")
    assert article.text == "Putin trifft Lukaschenko\n\nErster Absatz.\n\nZweiter."


def test_no_header_is_plain_text() -> None:
    article = parse_article("Angela Merkel besucht Paris.", article_id="007")
    assert (article.id, article.date, article.title, article.text) == (
        "007",
        None,
        None,
        "Angela Merkel besucht Paris.",
    )


def test_sample_folder() -> None:
    articles = list(iter_txt_articles([REPO / "data" / "samples"]))
    assert [a.id for a in articles][:2] == ["000_54a07f7f396f094c", "digest_2005-01"]
    assert len(articles) == 74
    assert articles[0].date == "2020-09" and articles[-1].date == "2011-01"


def test_folder_is_searched_recursively_in_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Merkel in Berlin.", encoding="utf-8")
    (tmp_path / "1.txt").write_text(" date 2021-01 Titel\n\nText.", encoding="utf-8")
    (tmp_path / "notes.sources").write_text("ignored", encoding="utf-8")
    assert [r.id for r in read_records([tmp_path])] == ["1", "2"]


def test_jsonl_fields_fallback_ids_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"id": "007", "text": "Putin in Sotschi.", "title": "T", "date": "2020-09"}),
        json.dumps({"text": "Ohne ID."}),
        "{not json",
        json.dumps({"id": "x", "body": "falsches Feld"}),
        json.dumps(["keine", "Objekt"]),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = list(read_records([path]))
    assert records[0] == Article(id="007", text="Putin in Sotschi.", title="T", date="2020-09", source=f"{path}:1")
    assert records[1].id == "feed-2" and isinstance(records[1], Article)
    assert isinstance(records[2], BadArticle) and "invalid JSON" in records[2].reason
    assert isinstance(records[3], BadArticle) and "no text in field 'text'" in records[3].reason
    assert isinstance(records[4], BadArticle)


def test_jsonl_renamed_fields(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"key": "a", "body": "Text über die EU."}) + "\n", encoding="utf-8")
    (record,) = read_records([path], ReadOptions(text_field="body", id_field="key"))
    assert (record.id, record.text) == ("a", "Text über die EU.")


def test_csv_with_header_and_tsv(tmp_path: Path) -> None:
    csv_path = tmp_path / "news.csv"
    csv_path.write_text('id,title,text\n007,Titel,"Merkel, Macron und die EU."\n,,"Ohne ID."\n', encoding="utf-8")
    records = list(read_records([csv_path]))
    assert [(r.id, r.text) for r in records] == [("007", "Merkel, Macron und die EU."), ("news-2", "Ohne ID.")]
    tsv_path = tmp_path / "news.tsv"
    tsv_path.write_text("id\ttext\na\tPutin in Moskau.\n", encoding="utf-8")
    assert [(r.id, r.text) for r in read_records([tsv_path])] == [("a", "Putin in Moskau.")]


def test_10kgnad_style_csv(tmp_path: Path) -> None:
    path = tmp_path / "articles.csv"
    path.write_text(
        "Wirtschaft;'Die Gewerkschaft GPA-djp in Wien; sagt ''nein''.'\nSport;'Rapid Wien gewinnt.'\n", encoding="utf-8"
    )
    options = ReadOptions(delimiter=";", quotechar="'", header=False, text_field="1")
    records = list(read_records([path], options))
    assert [(r.id, r.text) for r in records] == [
        ("articles-1", "Die Gewerkschaft GPA-djp in Wien; sagt 'nein'."),
        ("articles-2", "Rapid Wien gewinnt."),
    ]


def test_stdin_jsonl() -> None:
    code = "from pipeline.batch.readers import read_records; print([r.id for r in read_records(['-'])])"
    feed = json.dumps({"id": "s1", "text": "Scholz in Paris."}) + "\n" + json.dumps({"text": "Zwei."}) + "\n"
    result = subprocess.run([sys.executable, "-c", code], input=feed, capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['s1', 'stdin-2']"


def test_bad_txt_files_become_bad_articles(tmp_path: Path) -> None:
    (tmp_path / "latin1.txt").write_bytes("Müller in Köln".encode("latin-1"))
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "missing")
    reasons = {
        r.id: r.reason
        for r in read_records([tmp_path / f for f in ("latin1.txt", "empty.txt", "binary.txt", "dangling.txt")])
    }
    assert "not valid UTF-8" in reasons["latin1"]
    assert "empty" in reasons["empty"]
    assert "binary" in reasons["binary"]
    assert "cannot read" in reasons["dangling"]


# Issue 20: every decodable row is read, positions are exact, names carry the subfolder, JSON arrays are read.


def latin1_csv(path: Path, *, rows: int = 160, bad_line: int = 152) -> int:
    """A CSV of `rows` articles whose only non-UTF-8 byte (Latin-1 ö) is on `bad_line`; returns its offset."""
    lines = ["id,text"] + [f"r{i},Angela Merkel traf Olaf Scholz in Berlin (Tag {i})." for i in range(1, rows + 1)]
    lines[bad_line - 1] = lines[bad_line - 1].replace("Berlin", "Köln")
    data = ("\n".join(lines) + "\n").encode("utf-8").replace("ö".encode(), "ö".encode("latin-1"))
    path.write_bytes(data)
    return data.index(b"\xf6")


def test_a_latin1_byte_costs_only_its_row_and_its_position_is_exact(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    offset = latin1_csv(path)
    records = list(read_records([path]))
    assert len(records) == 160
    bad = [r for r in records if isinstance(r, BadArticle)]
    assert [(r.id, r.source) for r in bad] == [("r151", f"{path}:152")]
    assert "line 152" in bad[0].reason and f"byte {offset} of the file" in bad[0].reason and "0xF6" in bad[0].reason
    assert [r.id for r in records if isinstance(r, Article)] == [f"r{i}" for i in range(1, 161) if i != 151]


def test_a_latin1_line_of_jsonl_and_a_latin1_txt_say_where(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    lines = [json.dumps({"id": f"a{i}", "text": f"Putin {i}."}) for i in range(5)]
    lines[3] = json.dumps({"id": "a3", "text": "Müller"}, ensure_ascii=False)
    data = ("\n".join(lines) + "\n").encode("utf-8").replace("ü".encode(), b"\xfc")
    feed.write_bytes(data)
    records = list(read_records([feed]))
    assert [type(r).__name__ for r in records] == ["Article"] * 3 + ["BadArticle", "Article"]
    offset = data.index(b"\xfc")
    assert records[3].id == "a3" and f"line 4 (byte {offset} of the file" in records[3].reason
    txt = tmp_path / "brief.txt"
    txt.write_bytes(b"Erste Zeile.\nM\xfcller in K\xf6ln.\n")
    (record,) = read_records([txt])
    assert isinstance(record, BadArticle) and "line 2 (byte 14 of the file" in record.reason


def test_rows_without_ids_in_files_of_the_same_name_in_subfolders_do_not_collide(tmp_path: Path) -> None:
    for month in ("2023-05", "2023-06"):
        (tmp_path / month).mkdir()
        rows = [json.dumps({"text": f"Putin in Moskau ({month}, {i})."}) for i in range(2)]
        (tmp_path / month / "articles.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
    records = list(read_records([tmp_path]))
    assert [r.id for r in records] == [
        "2023-05/articles-1",
        "2023-05/articles-2",
        "2023-06/articles-1",
        "2023-06/articles-2",
    ]
    assert records[2].source == f"{tmp_path / '2023-06' / 'articles.jsonl'}:1"
    # A file given directly is named after itself, as before.
    assert next(r.id for r in read_records([tmp_path / "2023-05" / "articles.jsonl"])) == "articles-1"


def test_json_arrays_and_objects_are_read(tmp_path: Path) -> None:
    array = tmp_path / "array.json"
    rows = [{"id": "a", "text": "Putin traf Merkel.", "date": "2020-09"}, {"text": "Scholz in Paris."}, ["kein Objekt"]]
    array.write_bytes(b"\xef\xbb\xbf" + json.dumps(rows, indent=2).encode("utf-8"))  # with a BOM
    records = list(read_records([array]))
    assert records[0] == Article(id="a", text="Putin traf Merkel.", date="2020-09", source=f"{array}:1")
    assert (records[1].id, records[1].source) == ("array-2", f"{array}:2")
    assert isinstance(records[2], BadArticle) and "objects with a text field" in records[2].reason
    objects = tmp_path / "objects.json"
    objects.write_text(
        json.dumps({"id": "x", "text": "Eins."}) + "\n" + json.dumps({"text": "Zwei."}), encoding="utf-8"
    )
    assert [r.id for r in read_records([objects])] == ["x", "objects-2"]


def test_a_json_file_cut_short_keeps_the_objects_before_the_cut(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[{"id": "a", "text": "Putin."}, {"id": "b", "text": "Mer', encoding="utf-8")
    records = list(read_records([path]))
    assert isinstance(records[0], Article) and records[0].id == "a"
    assert isinstance(records[1], BadArticle) and "invalid JSON after object 1" in records[1].reason
    assert len(records) == 2


def test_a_lone_surrogate_in_a_json_array_is_an_error_row_not_a_question_mark(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text('[{"id": "a", "text": "Putin \\ud800 traf Merkel."}]', encoding="utf-8")
    (record,) = read_records([path])
    assert isinstance(record, BadArticle) and "lone surrogate" in record.reason


def test_other_extensions_are_refused_when_named_and_counted_when_skipped_in_a_folder(tmp_path: Path) -> None:
    from pipeline.batch.readers import ReadStats, check_inputs
    from pipeline.errors import UsageError

    (tmp_path / "feed.xml").write_text("<feed/>", encoding="utf-8")
    (tmp_path / "notes.md").write_text("Notizen", encoding="utf-8")
    (tmp_path / "notes").write_text("Notizen", encoding="utf-8")
    with pytest.raises(UsageError, match=r"\[E081\].*\.xml.*\.json \(an array of objects"):
        check_inputs([tmp_path / "feed.xml"])
    check_inputs([tmp_path, tmp_path / "notes", "-"])  # a folder, a file without extension (read as .txt), stdin
    stats = ReadStats()
    assert list(read_records([tmp_path], stats=stats)) == []
    assert stats.skipped == {".xml": 1, ".md": 1, "": 1}
    assert stats.skipped_line().startswith("3 other files were skipped")


def test_a_csv_read_with_the_wrong_delimiter_says_what_to_check(tmp_path: Path) -> None:
    path = tmp_path / "semi.csv"
    path.write_text("id;text\n1;Putin traf Merkel.\n2;Scholz in Paris.\n", encoding="utf-8")
    records = list(read_records([path]))
    assert len(records) == 2 and all(isinstance(r, BadArticle) for r in records)
    assert "'id;text'" in records[0].reason and "--delimiter" in records[0].reason


def test_utf16_and_binary_files_are_one_error_each(tmp_path: Path) -> None:
    (tmp_path / "utf16.csv").write_bytes("id,text\n1,Putin\n".encode("utf-16"))
    (tmp_path / "zip.jsonl").write_bytes(b"PK\x03\x04\x00\x00" * 100)
    records = {r.id: r for r in read_records([tmp_path])}
    assert set(records) == {"utf16", "zip"}
    assert "UTF-16" in records["utf16"].reason and "binary" in records["zip"].reason


def test_old_mac_line_ends_are_rows(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"id,text\r1,Putin traf Merkel.\r2,Scholz in Paris.\r")
    assert [(r.id, r.source) for r in read_records([path])] == [("1", f"{path}:1"), ("2", f"{path}:1")]
