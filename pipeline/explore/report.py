"""A self-contained HTML report of a run: counts, charts, the failed articles and one highlighted article.

Everything is inline (SVG charts, displaCy markup, CSS), with no scripts and no network access, so the
file opens from disk anywhere and can be mailed around.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..tables.output import atomic_write_text
from .analysis import (
    RunTables,
    article_html,
    busiest_article,
    figure_svg,
    load_tables,
    plot_network,
    plot_timeline,
    plot_top,
    top_entities,
)
from .map import place_points, places_note, plot_map

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.6em; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; font-size: 0.9em; } td, th { padding: 0.25em 0.6em; border: 1px solid #ddd; }
th { background: #f4f4f4; text-align: left; } .counts td:first-child { font-weight: 600; }
.chart svg { max-width: 100%; height: auto; } .muted { color: #777; }
"""


def _table(df: pd.DataFrame, columns: list[str]) -> str:
    return df.to_html(columns=columns, index=False, escape=True, border=0, justify="left")


def render_report(tables: RunTables) -> str:
    """The report page as an HTML string."""
    run_info = {}
    run_json = tables.out_dir / "run.json"
    if run_json.exists():
        run_info = json.loads(run_json.read_text(encoding="utf-8"))
    articles = tables.articles
    failed = articles[articles["status"] == "error"]
    counts = {
        "articles": len(articles),
        "ok": int((articles["status"] == "ok").sum()),
        "failed": len(failed),
        "mentions": len(tables.mentions),
        "distinct entities": len(tables.entity_index),
        "months": articles["date"].replace("", None).dropna().nunique(),
        "model": f"{(run_info.get('model') or {}).get('name')} {(run_info.get('model') or {}).get('version')}",
        "words per second": speed_cell(run_info),
    }
    parts = [
        "<!DOCTYPE html><html lang='de'><head><meta charset='utf-8'>",
        f"<title>de-entities report: {html.escape(str(tables.out_dir.name))}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>Entities in {html.escape(str(tables.out_dir.name))}</h1>",
        f"<p class='muted'>{html.escape(str(tables.out_dir))}</p>",
        "<h2>Counts</h2>",
        "<table class='counts'>"
        + "".join(f"<tr><td>{html.escape(k)}</td><td>{html.escape(str(v))}</td></tr>" for k, v in counts.items())
        + "</table>",
        "<h2>Top people, places and organisations</h2>",
        f"<div class='chart'>{figure_svg(plot_top(tables))}</div>",
        "<h2>Entities over time</h2>",
        f"<div class='chart'>{figure_svg(plot_timeline(tables))}</div>",
        "<h2>Co-occurrence network</h2>",
        f"<div class='chart'>{figure_svg(plot_network(tables))}</div>",
        *places_section(tables),
        "<h2>Most mentioned entities</h2>",
        _table(
            top_entities(tables, n=25),
            ["canonical", "label", "mentions", "articles", "first_date", "last_date", "surface_forms"],
        ),
        f"<h2>Failed articles ({len(failed)})</h2>",
        _table(failed, ["article_id", "source", "error"]) if len(failed) else "<p>None.</p>",
    ]
    busiest = busiest_article(tables)
    if busiest is not None:
        parts += ["<h2>The article with the most mentions</h2>", article_html(tables, busiest)]
    parts.append("</body></html>")
    return "\n".join(parts)


def places_section(tables: RunTables) -> list[str]:
    """The map of the run's places, what it shows (or why it is empty), and the most mentioned places."""
    points = place_points(tables)
    parts = [
        "<h2>Places on a map</h2>",
        f"<div class='chart'>{figure_svg(plot_map(tables))}</div>",
        f"<p class='muted'>{html.escape(places_note(tables))}</p>",
    ]
    if len(points):
        top = points.head(15).rename(columns={"name": "place", "country_code": "country"})
        parts.append(_table(top, ["place", "country", "geonames_id", "mentions", "articles"]))
    return parts


def speed_cell(run_info: dict[str, Any]) -> str:
    """The run's speed, or the last measured one for a run that processed nothing (a rerun that reused every
    article), saying so."""
    speed = run_info.get("words_per_s")
    if not isinstance(speed, int | float) or speed <= 0:
        return "n/a (no article processed yet)"
    text = f"{speed:,.0f}"
    if run_info.get("words_processed") == 0:
        counts = run_info.get("counts") or {}
        measured = run_info.get("speed_measured") or "an earlier run"
        done = "reused every article" if counts.get("ok") == counts.get("unchanged") else "processed no article"
        text += f" (measured by the run of {measured}; this run {done})"
    return text


def write_report(out_dir: Path | str, output: Path | str | None = None) -> Path:
    """Write the report of the run in `out_dir` (default: `out_dir/report.html`) and return its path."""
    tables = load_tables(out_dir)
    target = Path(output) if output else tables.out_dir / "report.html"
    atomic_write_text(target, render_report(tables))
    return target
