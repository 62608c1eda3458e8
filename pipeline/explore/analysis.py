"""Exploring a run's output: load the tables, rank entities, follow them over time, draw their network.

Plain functions over the tables in an output folder, shared by `notebooks/explore.ipynb` and the HTML
report, so that neither holds analysis logic of its own.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import networkx as nx
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from spacy import displacy

from ..errors import Errors, UsageError
from ..tables.output import read_table, safe_file_stem
from ..tables.schemas import TABLES

COLOURS = {"PER": "#c06c84", "LOC": "#6c9a8b", "ORG": "#5b7db1", "MISC": "#d9a441"}
COUNT_COLUMNS = ("chars", "tokens", "mentions", "entities", "articles", "sentences", "start", "end", "sentence")


@dataclass
class RunTables:
    """The tables of one run's output folder, as read back for analysis."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    entities: pd.DataFrame
    entity_index: pd.DataFrame
    cooccurrence: pd.DataFrame
    out_dir: Path


def load_tables(out_dir: Path | str) -> RunTables:
    """Read the CSV tables of a run; IDs stay strings, counts become integers.

    Raises:
        UsageError: [E083] the folder holds no complete output of a run.
    """
    out = Path(out_dir)
    missing = [
        f"{name}.csv" for name in ("articles", "mentions", "entity_index") if not (out / f"{name}.csv").is_file()
    ]
    if missing:
        started = (out / "results").is_dir() or (out / ".de-entities.lock").exists()
        hint = ", or run that command again to finish the run that started there" if started else ""
        raise UsageError(Errors.E083.format(path=out, missing=", ".join(missing), hint=hint))
    frames = {}
    # The registry's tables that the analysis reads: the fields of `RunTables`.
    for name in (field.name for field in fields(RunTables) if field.name in TABLES):
        schema = TABLES[name].schema
        df = read_table(out / f"{name}.csv")
        for column in schema.columns:
            if column in COUNT_COLUMNS or column.endswith("_mentions") or column == "first_start":
                df[column] = pd.to_numeric(df[column]).astype("int64")
        frames[name] = df
    return RunTables(out_dir=out, **frames)


def top_entities(tables: RunTables, *, label: str | None = None, n: int = 10) -> pd.DataFrame:
    """The entities with the most mentions, optionally of one label."""
    index = tables.entity_index
    if label:
        index = index[index["label"] == label]
    return index.sort_values(["mentions", "articles", "canonical"], ascending=[False, False, True]).head(n)


def filter_entities(tables: RunTables, *, label: str | None = None, name: str | None = None) -> pd.DataFrame:
    """Entities of a label and/or whose canonical name or surface forms contain `name` (case-insensitive)."""
    index = tables.entity_index
    if label:
        index = index[index["label"] == label]
    if name:
        needle = name.lower()
        hit = index["canonical"].str.lower().str.contains(needle, regex=False) | index[
            "surface_forms"
        ].str.lower().str.contains(needle, regex=False)
        index = index[hit]
    return index


def article_months(tables: RunTables) -> pd.PeriodIndex:
    """The months (`YYYY-MM`) of the articles that have a valid date, sorted and distinct."""
    months = pd.PeriodIndex(pd.to_datetime(tables.articles["date"], format="%Y-%m", errors="coerce").dropna(), freq="M")
    return months.unique().sort_values()


def mentions_by_month(tables: RunTables, *, n: int = 6) -> pd.DataFrame:
    """Mentions per month (the articles' `date`) of the `n` most mentioned entities (months by entities).

    Every month from the first to the last is a row: a month with articles has a count (0 included), and a
    month without any article has none (NaN), so that a chart shows it as a gap, not as a fall to zero.
    """
    top = top_entities(tables, n=n)["entity_id"].tolist()
    names = dict(zip(tables.entity_index["entity_id"], tables.entity_index["canonical"], strict=True))
    months = article_months(tables)
    if months.empty:
        return pd.DataFrame(columns=pd.Index([names[e] for e in top], name="entity"), index=months, dtype="float64")
    dates = tables.articles[["article_id", "date"]]
    dated = tables.mentions[tables.mentions["entity_id"].isin(top)].merge(dates, on="article_id")
    dated = dated.assign(month=pd.PeriodIndex(pd.to_datetime(dated["date"], format="%Y-%m", errors="coerce"), freq="M"))
    counts = dated.dropna(subset=["month"]).groupby(["month", "entity_id"]).size().unstack(fill_value=0)
    counts = counts.reindex(index=months, columns=top, fill_value=0).astype("float64")
    every_month = pd.period_range(months.min(), months.max(), freq="M")
    counts = counts.reindex(every_month).rename(columns=names)
    counts.index.name, counts.columns.name = "month", "entity"
    return counts


def busiest_article(tables: RunTables) -> str | None:
    """The ID of the article with the most mentions (the first by ID on a tie), or None if no article is ok."""
    ok = tables.articles[tables.articles["status"] == "ok"]
    if ok.empty:
        return None
    return str(ok.sort_values(["mentions", "article_id"], ascending=[False, True]).iloc[0]["article_id"])


def cooccurrence_graph(tables: RunTables, *, n: int = 25, min_sentences: int = 1) -> nx.Graph:
    """The co-occurrence network of the `n` most mentioned entities, weighted by shared sentences."""
    top = top_entities(tables, n=n)
    keep = set(top["entity_id"])
    graph = nx.Graph()
    for row in top.itertuples():
        graph.add_node(row.entity_id, name=row.canonical, label=row.label, mentions=int(row.mentions))
    pairs = tables.cooccurrence
    pairs = pairs[pairs["entity_a"].isin(keep) & pairs["entity_b"].isin(keep) & (pairs["sentences"] >= min_sentences)]
    for row in pairs.itertuples():
        graph.add_edge(row.entity_a, row.entity_b, weight=int(row.sentences))
    return graph


def plot_top(tables: RunTables, *, n: int = 10) -> Figure:
    """Bar charts of the top people, places and organisations."""
    fig, axes = plt.subplots(1, 3, figsize=(13, 4), constrained_layout=True)
    for ax, (label, title) in zip(axes, (("PER", "People"), ("LOC", "Places"), ("ORG", "Organisations")), strict=True):
        top = top_entities(tables, label=label, n=n).iloc[::-1]
        ax.barh(top["canonical"], top["mentions"], color=COLOURS[label])
        ax.set_title(title)
        ax.set_xlabel("mentions")
    return fig


def plot_timeline(tables: RunTables, *, n: int = 6) -> Figure:
    """Mentions per month of the most mentioned entities, on a time axis: months without articles are gaps."""
    counts = mentions_by_month(tables, n=n)
    fig, ax = plt.subplots(figsize=(13, 4), constrained_layout=True)
    if not counts.empty and len(counts.columns):
        x = counts.index.to_timestamp()
        for name in counts.columns:
            ax.plot(x, counts[name].to_numpy(), marker="o", markersize=3, linewidth=1, label=name)
        ax.legend(fontsize=8)
    ax.set_xlabel("month")
    ax.set_ylabel("mentions")
    ax.set_title("Entities over time")
    return fig


def plot_network(tables: RunTables, *, n: int = 25) -> Figure:
    """The co-occurrence network: node size by mentions, colour by label, edge width by shared sentences."""
    graph = cooccurrence_graph(tables, n=n)
    fig, ax = plt.subplots(figsize=(10, 8), constrained_layout=True)
    if graph.number_of_nodes():
        # k spreads the nodes further than the default (1/√n), so that the names have room between them.
        pos = nx.spring_layout(graph, seed=7, weight="weight", k=2.5 / np.sqrt(graph.number_of_nodes()))
        sizes = [80 + 25 * graph.nodes[node]["mentions"] for node in graph]
        colours = [COLOURS.get(graph.nodes[node]["label"], "#999999") for node in graph]
        widths = [0.5 + graph.edges[edge]["weight"] for edge in graph.edges]
        nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, alpha=0.4)
        nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color=colours, alpha=0.9)
        points = np.array([pos[node] for node in graph])
        labels = [
            ax.text(x, y, graph.nodes[node]["name"], fontsize=8, ha="center", va="center")
            for node, (x, y) in zip(graph, points, strict=True)
        ]
        # A spring layout puts names on top of each other; adjustText moves them apart and off the nodes.
        from adjustText import adjust_text

        adjust_text(labels, x=points[:, 0], y=points[:, 1], ax=ax, ensure_inside_axes=True)
    ax.set_title("Co-occurrence in sentences")
    ax.axis("off")
    return fig


def figure_svg(fig: Figure) -> str:
    """A figure as inline SVG markup, for a self-contained HTML page."""
    buffer = io.StringIO()
    # No metadata block: it only names matplotlib and would add links to the page.
    fig.savefig(buffer, format="svg", metadata={"Creator": None, "Date": None, "Format": None, "Type": None})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg") :]


def article_html(tables: RunTables, article_id: str) -> str:
    """One article with its entities highlighted by displaCy, from the stored text and mentions."""
    # Bytes, not text mode: text mode would turn \r into \n, and the offsets count every character.
    text = (tables.out_dir / "texts" / f"{safe_file_stem(article_id)}.txt").read_bytes().decode("utf-8")
    rows = tables.mentions[tables.mentions["article_id"] == article_id].sort_values("start")
    mentions = [{"start": int(r.start), "end": int(r.end), "label": r.label} for r in rows.itertuples()]
    return render_article(text, mentions, title=article_id)


def render_article(text: str, mentions: list[dict[str, Any]], *, title: str, page: bool = False) -> str:
    """displaCy's markup of a text with its mentions (`start`, `end`, `label`), or a whole page with `page`."""
    ents = [{"start": row["start"], "end": row["end"], "label": row["label"]} for row in mentions]
    data = {"text": text, "ents": ents, "title": title}
    options = {"colors": COLOURS}
    return str(displacy.render(data, style="ent", manual=True, page=page, jupyter=False, options=options))


def article_page(text: str, mentions: list[dict[str, Any]], *, title: str) -> str:
    """A whole HTML page of one article, as `de-entities show --html` writes it: displaCy's page, which loads
    nothing from the network, with the character set stated so that a browser reads it as UTF-8 from disk."""
    page = render_article(text, mentions, title=title, page=True)
    head = f'<head>\n<meta charset="utf-8">\n<title>{html.escape(title)}</title>'
    return page.replace("<head>", head, 1).replace("<title>displaCy</title>", "", 1)
