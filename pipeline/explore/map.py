"""The places of a run on a map: a world view and a zoom on Europe, drawn offline.

Each place that a run linked to GeoNames (`pipeline.places`) is a point at its coordinates (a country at its
capital's), sized by its mentions, and the largest are named. The outlines are Natural Earth's 1:110m countries
(public domain), shipped in `data/naturalearth/`; matplotlib draws them, so the map is part of the report's
inline SVG and needs no network, no tiles and no script. Continents are linked but not drawn: a point would
put Europe in Baden-Württemberg.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from ..errors import Errors, PipelineError
from ..util import PACKAGE_DIR
from .analysis import COLOURS, RunTables

OUTLINES_FILE = "ne_110m_admin_0_countries.geojson.gz"
# (west, east, south, north) in degrees; the world leaves out Antarctica, where no news is.
WORLD = (-180.0, 180.0, -58.0, 84.0)
EUROPE = (-12.0, 45.0, 34.0, 71.0)
LAND, COAST = "#e8e8e4", "#ffffff"


def outlines_path() -> Path:
    """The outlines: inside the package in a wheel, else in `data/naturalearth` of the checkout."""
    for folder in (PACKAGE_DIR / "naturalearth", PACKAGE_DIR.parent / "data" / "naturalearth"):
        if (folder / OUTLINES_FILE).is_file():
            return folder / OUTLINES_FILE
    return PACKAGE_DIR.parent / "data" / "naturalearth" / OUTLINES_FILE


@functools.cache
def load_outlines() -> tuple[np.ndarray, ...]:
    """Every outer ring of every country as an array of (longitude, latitude), read once per process."""
    path = outlines_path()
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            collection = json.load(f)
    except OSError as err:
        raise PipelineError(Errors.E091.format(path=path)) from err
    rings: list[np.ndarray] = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        # The first ring of a polygon is its outline; the others are holes, which no fill at this scale needs.
        rings.extend(np.asarray(polygon[0], dtype=float) for polygon in polygons)
    return tuple(rings)


def _number(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series.replace("", None), errors="coerce")


def place_points(tables: RunTables) -> pd.DataFrame:
    """One row per linked place that has a position: GeoNames ID, name, latitude, longitude, mentions, articles.

    Counted from the entity tables, so each article's own link counts (Paris in France in one article, in
    Texas in another), and two names of one place (Belarus, Weißrussland) are one point, named by its most
    mentioned name.
    """
    columns = ["geonames_id", "name", "country_code", "latitude", "longitude", "mentions", "articles"]
    entities = tables.entities
    if "geonames_id" not in entities.columns:  # a run of a version before places were linked
        return pd.DataFrame(columns=columns)
    linked = entities[(entities["geonames_id"].fillna("") != "") & (entities["country_code"].fillna("") != "")]
    linked = linked.assign(latitude=_number(linked["latitude"]), longitude=_number(linked["longitude"]))
    linked = linked.dropna(subset=["latitude", "longitude"])
    if linked.empty:
        return pd.DataFrame(columns=columns)
    names = (
        linked.groupby(["geonames_id", "canonical"])["mentions"]
        .sum()
        .reset_index()
        .sort_values(["mentions", "canonical"], ascending=[False, True])
        .drop_duplicates("geonames_id")
        .set_index("geonames_id")["canonical"]
    )
    points = linked.groupby("geonames_id").agg(
        country_code=("country_code", "first"),
        latitude=("latitude", "first"),
        longitude=("longitude", "first"),
        mentions=("mentions", "sum"),
        articles=("article_id", "nunique"),
    )
    points["name"] = names
    points = points.reset_index()[columns]
    return points.sort_values(["mentions", "name"], ascending=[False, True], ignore_index=True)


def places_note(tables: RunTables) -> str:
    """One line on the run's place links: how many places are drawn, or why none are (its [W002])."""
    try:
        info = json.loads((tables.out_dir / "run.json").read_text(encoding="utf-8")).get("places") or {}
    except (OSError, ValueError):
        info = {}
    if info.get("warning"):
        return str(info["warning"])
    points = place_points(tables)
    if "geonames_id" not in tables.entities.columns or not info:
        return "This run was made before places were linked to GeoNames; run it again to link them."
    return (
        f"{len(points)} places drawn, from {info.get('linked', 0)} of {info.get('loc_entities', 0)} place entities "
        f"of the articles linked to GeoNames ({info.get('source')}); a country is drawn at its capital. Outlines: "
        "Natural Earth (public domain)."
    )


def _inside(points: pd.DataFrame, bounds: tuple[float, float, float, float]) -> pd.Series:
    west, east, south, north = bounds
    return points["longitude"].between(west, east) & points["latitude"].between(south, north)


def _view(ax: Axes, points: pd.DataFrame, bounds: tuple[float, float, float, float], *, named: pd.DataFrame) -> None:
    west, east, south, north = bounds
    rings = [
        ring
        for ring in load_outlines()
        if ring[:, 0].max() >= west
        and ring[:, 0].min() <= east
        and ring[:, 1].max() >= south
        and ring[:, 1].min() <= north
    ]
    # The outlines are drawn as a picture inside the SVG: as paths they made the report 0.5 MB larger.
    land = PolyCollection(rings, facecolors=LAND, edgecolors=COAST, linewidths=0.5, zorder=1, rasterized=True)
    ax.add_collection(land)
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    # Equirectangular, with a degree of longitude as long as one of latitude at the middle of the view.
    ax.set_aspect(1 / math.cos(math.radians((south + north) / 2)))
    ax.set_xticks([])
    ax.set_yticks([])
    inside = points[_inside(points, bounds)]
    if inside.empty:
        return
    sizes = 12 + 40 * np.sqrt(inside["mentions"].to_numpy(dtype=float))
    ax.scatter(
        inside["longitude"],
        inside["latitude"],
        s=sizes,
        color=COLOURS["LOC"],
        alpha=0.7,
        edgecolors="white",
        linewidths=0.5,
        zorder=2,
    )
    texts = [
        ax.text(row.longitude, row.latitude, row.name, fontsize=7, ha="center", va="bottom", zorder=3)
        for row in named.itertuples()
    ]
    if texts:
        # Names of close places (Berlin, Potsdam) cover each other; adjustText moves them apart.
        from adjustText import adjust_text

        adjust_text(
            texts, x=named["longitude"].to_numpy(), y=named["latitude"].to_numpy(), ax=ax, ensure_inside_axes=True
        )


def plot_map(tables: RunTables, *, labels: int = 12) -> Figure:
    """The run's places on a world map and on a map of Europe: points sized by mentions, the largest named."""
    points = place_points(tables)
    fig, (world, europe) = plt.subplots(
        1, 2, figsize=(13, 5), constrained_layout=True, gridspec_kw={"width_ratios": [1.7, 1]}
    )
    in_europe = _inside(points, EUROPE)
    # The world names the largest places outside Europe; the zoom names Europe's.
    _view(world, points, WORLD, named=points[~in_europe].head(labels // 2))
    world.set_title("Places of the run (Europe's are named on the right)")
    _view(europe, points, EUROPE, named=points[in_europe].head(labels))
    europe.set_title("Europe")
    if points.empty:
        world.text(0.5, 0.5, "No place of this run is linked to GeoNames", transform=world.transAxes, ha="center")
    return fig
