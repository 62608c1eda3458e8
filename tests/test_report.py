"""The HTML report: written from a run, rendered in real headless Chromium with no console errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import matplotlib.dates
import pandas as pd
import pytest
from conftest import missing, require

from pipeline.batch import RunOptions, run
from pipeline.explore.report import write_report

pytestmark = pytest.mark.slow

REPO = Path(__file__).parent.parent
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As in the machine notes: without these flags Chromium tries to reach Google's services at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("run")
    corpus = tmp_path_factory.mktemp("corpus")
    for path in sorted((REPO / "data" / "samples" / "digests").glob("*.txt"))[:12]:
        shutil.copy(path, corpus / path.name)
    shutil.copy(REPO / "data" / "samples" / "000_54a07f7f396f094c.txt", corpus)
    (corpus / "broken.txt").write_bytes(b"\x00\x01")
    run([corpus], out, options=RunOptions(workers=1))
    return write_report(out)


def test_report_is_self_contained(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    assert page.count("<svg") >= 3
    assert "broken" in page and "binary file" in page
    # Nothing is loaded from elsewhere: no scripts, no stylesheets, no images or links to the web.
    for external in ("<script", "<link", "src=", 'href="http', "url(http", "@import"):
        assert external not in page


@pytest.mark.parametrize("excel", [False, True])
def test_report_on_excel_output_and_formula_ids(tmp_path: Path, excel: bool) -> None:
    feed = tmp_path / "feed.jsonl"
    ids = ["=A1", "+49", "-x", "@home"]
    feed.write_text(
        "".join(
            json.dumps({"id": i, "text": f"Angela Merkel traf {n * 'Wladimir '}Putin in Berlin."}) + "\n"
            for n, i in enumerate(ids)
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out"
    run([feed], out, options=RunOptions(workers=1, excel=excel))
    page = write_report(out).read_text(encoding="utf-8")
    # The article shown highlighted is found by its own ID (the table holds `'+49`, made safe for spreadsheets).
    assert ">+49</h2>" in page and "Putin" in page


def test_report_renders_in_headless_chromium(report: Path) -> None:
    if CHROMIUM is None:
        missing("Debian's chromium is not installed (.ci/run installs it)")
    sync_api = require("playwright.sync_api", "the report test drives Chromium with playwright")
    errors: list[str] = []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(report.as_uri())
        shot = report.with_suffix(".png")
        page.screenshot(path=str(shot), full_page=True)
        headings = page.locator("h2").all_inner_texts()
        browser.close()
    assert not errors, errors
    assert "Co-occurrence network" in headings and any(h.startswith("Failed articles (1)") for h in headings)
    assert shot.stat().st_size > 50_000


def test_the_timeline_shows_months_without_articles_as_gaps(report: Path) -> None:
    from pipeline.explore.analysis import load_tables, mentions_by_month, plot_timeline

    tables = load_tables(report.parent)
    dated = sorted(set(tables.articles["date"]) - {""})
    counts = mentions_by_month(tables)
    first, last = pd.Period(dated[0], freq="M"), pd.Period(dated[-1], freq="M")
    assert list(counts.index) == list(pd.period_range(first, last, freq="M"))  # every month, in order
    without = [str(month) for month, empty in counts.isna().all(axis=1).items() if empty]
    assert without == [str(m) for m in counts.index if str(m) not in dated] and without
    figure = plot_timeline(tables)
    (line, *_) = figure.axes[0].get_lines()
    x = matplotlib.dates.date2num(line.get_xdata())
    drawn = x[~pd.isna(line.get_ydata())]
    # On a time axis, with nothing drawn in between: the last month sits as far from the one before it as the
    # months between them make it, not one step.
    gap = (last.to_timestamp() - pd.Period(dated[-2], freq="M").to_timestamp()).days
    assert gap > 365 and drawn[-1] - drawn[-2] == pytest.approx(gap)


def test_the_names_in_the_network_do_not_overlap(report: Path) -> None:
    from pipeline.explore.analysis import load_tables, plot_network

    figure = plot_network(load_tables(report.parent))
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    boxes = [(text.get_text(), text.get_window_extent(renderer)) for text in figure.axes[0].texts]
    assert len(boxes) >= 10
    overlapping = [(a, b) for i, (a, box) in enumerate(boxes) for b, other in boxes[i + 1 :] if box.overlaps(other)]
    assert not overlapping
