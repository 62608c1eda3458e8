from __future__ import annotations

from pathlib import Path

from pipeline.readers import iter_txt_articles, parse_article

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
    assert [a.id for a in articles] == ["000_54a07f7f396f094c"]
    assert articles[0].date == "2020-09"
