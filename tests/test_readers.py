from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

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
    assert records[0] == Article(id="007", text="Putin in Sotschi.", title="T", date="2020-09", source="feed:1")
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
