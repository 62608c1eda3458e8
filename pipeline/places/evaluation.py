"""Precision and recall of GeoNames links against a gold set of place mentions (`tests/data/places_gold.jsonl`).

A gold mention has its article, span, the place it names and that place's GeoNames ID, with a `status`:
`linkable` (the place is in the gazetteer's data), `none` (it is not: a region, a street, a small town; any
link is wrong) or `unsure` (left out of the scores), and a `level`: `outer` for a place named in the text,
`inner` for one inside another name (Dortmund in Borussia Dortmund; GermEval's second level). Two views:

- **the linker alone** (`score_linker`): each article's gold place names go through the linking rules, the
  article's other gold places as context, so NER and canonical names play no part;
- **a run** (`score_run`): the tables of a run over the gold articles. Each gold mention is matched to the
  run's mention that overlaps it most, and takes that mention's entity's link in its article. Precision
  counts every mention the run linked, matched to the gold mention (of either level) that overlaps it most
  and is closest in length: right if that one is linkable with the same ID, wrong if it has another ID or
  status `none`, or if no gold place overlaps (a club or a title the model took for a place); mentions on
  `unsure` ones are left out.

Recall is over the linkable outer gold mentions (a place inside a club's name is no place of the news);
`recall_found` only over those the run found as a LOC mention, which separates the linker's misses from the
model's.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .gazetteer import Gazetteer
from .linker import link_names

Row = dict[str, Any]


def ratio(a: int, b: int) -> float:
    return round(a / b, 3) if b else 0.0


def score_linker(gold: list[Row], gazetteer: Gazetteer) -> Row:
    """Link each article's gold place names (`place`) and score the links per mention."""
    by_article: dict[str, list[Row]] = defaultdict(list)
    for g in gold:
        by_article[g["article"]].append(g)
    linked = correct = linkable = 0
    errors = []
    for rows in by_article.values():
        links = link_names({g["place"] for g in rows}, gazetteer)
        for g in rows:
            if g["status"] == "unsure":
                continue
            link = links.get(g["place"])
            linkable += g["status"] == "linkable"
            if link is None:
                if g["status"] == "linkable":
                    errors.append({**g, "got": None})
                continue
            linked += 1
            if g["status"] == "linkable" and link.place.geonames_id == g["geonames_id"]:
                correct += 1
            else:
                errors.append({**g, "got": link.place.geonames_id, "got_name": link.place.name, "method": link.method})
    return {
        "mentions": sum(1 for g in gold if g["status"] != "unsure"),
        "linkable": linkable,
        "linked": linked,
        "correct": correct,
        "precision": ratio(correct, linked),
        "recall": ratio(correct, linkable),
        "errors": errors,
    }


def _overlap(a: Row, b: Row) -> int:
    return max(0, min(int(a["end"]), int(b["end"])) - max(int(a["start"]), int(b["start"])))


def _closest(span: Row, others: Iterable[Row]) -> Row | None:
    """The one of `others` that overlaps `span` most, then is closest to it in length; None if none overlaps."""

    def key(other: Row) -> tuple[int, int]:
        length = int(other["end"]) - int(other["start"])
        return _overlap(span, other), -abs(length - (int(span["end"]) - int(span["start"])))

    best = max(others, key=key, default=None)
    return best if best is not None and _overlap(span, best) else None


def score_run(gold: list[Row], mentions: Iterable[Row], entities: Iterable[Row]) -> Row:
    """Score the links of a run, from its `mentions` and `entities` tables as rows (all values strings)."""
    link_of = {(e["article_id"], e["entity_id"]): e for e in entities}
    gold_by_article: dict[str, list[Row]] = defaultdict(list)
    for g in gold:
        gold_by_article[g["article"]].append(g)
    run_by_article: dict[str, list[Row]] = defaultdict(list)
    for m in mentions:
        if m["article_id"] in gold_by_article:
            run_by_article[m["article_id"]].append(m)

    def linked_id(m: Row) -> str:
        return str(link_of[(m["article_id"], m["entity_id"])].get("geonames_id") or "")

    linkable = found = correct_gold = 0
    misses = []
    for article, rows in gold_by_article.items():
        for g in rows:
            if g["status"] != "linkable" or g.get("level") == "inner":
                continue
            linkable += 1
            best = _closest(g, run_by_article[article])
            if best is None:
                misses.append({**g, "run": "not found"})
                continue
            found += best["label"] == "LOC"
            got = linked_id(best)
            if got == g["geonames_id"]:
                correct_gold += 1
            else:
                misses.append({**g, "run": f"{best['label']} {best['canonical']!r} -> {got or 'unlinked'}"})
    linked = correct = 0
    wrong = []
    for article, rows in run_by_article.items():
        for m in rows:
            got = linked_id(m)
            if not got:
                continue
            best = _closest(m, gold_by_article[article])
            if best is not None and best["status"] == "unsure":
                continue
            linked += 1
            if best is not None and best["status"] == "linkable" and best["geonames_id"] == got:
                correct += 1
            else:
                said = f"{best['text']!r} -> {best['geonames_id'] or best['status']}" if best else "no place"
                wrong.append(
                    {"article": article, "text": m["text"], "canonical": m["canonical"], "got": got, "gold": said}
                )
    return {
        "linkable": linkable,
        "found_as_loc": found,
        "linked": linked,
        "correct": correct,
        "precision": ratio(correct, linked),
        "recall": ratio(correct_gold, linkable),
        "recall_found": ratio(correct_gold, found),
        "misses": misses,
        "wrong": wrong,
    }
