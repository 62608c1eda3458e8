"""How `ne_110m_admin_0_countries.geojson.gz` was made (kept for the record; not run by the package).

Natural Earth's 1:110m Admin 0 countries as the `geopandas` 0.14.4 wheel packages them
(`geopandas/datasets/naturalearth_lowres/naturalearth_lowres.shp`, from ne_110m_admin_0_countries), read with
`pyshp` and written as GeoJSON with coordinates rounded to 0.01 degrees (about 1 km, far below what 1:110m
draws). Neither package is a dependency: `pip download --no-deps geopandas==0.14.4`, unzip the wheel,
`pip install --target DIR pyshp`, then `PYTHONPATH=DIR python convert.py SHP_FILE`.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import shapefile  # pyshp

HERE = Path(__file__).parent


def ring(points: list[tuple[float, float]]) -> list[list[float]]:
    rounded = [[round(x, 2), round(y, 2)] for x, y in points]
    # Drop points that rounding made equal to the one before.
    return [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]


def rounded(geometry: dict) -> dict:
    """A GeoJSON Polygon or MultiPolygon with its rings rounded."""
    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r) for r in geometry["coordinates"]]}
    return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in poly] for poly in geometry["coordinates"]]}


def main(shp: str) -> None:
    reader = shapefile.Reader(shp)
    features = []
    for item in reader.shapeRecords():
        record = item.record.as_dict()
        features.append(
            {
                "type": "Feature",
                "properties": {"name": record["name"], "iso_a3": record["iso_a3"], "continent": record["continent"]},
                # pyshp tells outer rings from holes by their orientation, as the shapefile format defines.
                "geometry": rounded(item.shape.__geo_interface__),
            }
        )
    collection = {"type": "FeatureCollection", "features": features}
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    target = HERE / "ne_110m_admin_0_countries.geojson.gz"
    with open(target, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(text.encode("utf-8"))


if __name__ == "__main__":
    main(sys.argv[1])
