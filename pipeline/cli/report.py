"""`de-entities report`: the HTML report of a run."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..errors import PipelineError
from .common import console, fail


def report_cli(
    out_dir: Annotated[
        Path,
        typer.Argument(help="The output folder of a `run`.", exists=True, file_okay=False, metavar="OUT_DIR"),
    ],
    output: Annotated[
        Optional[Path], typer.Option(help="Where to write the HTML. Default: OUT_DIR/report.html.", metavar="FILE")
    ] = None,
) -> None:
    """Write one self-contained HTML report of a run: charts, counts and the failed articles."""
    from ..explore.report import write_report

    try:
        path = write_report(out_dir, output)
    except PipelineError as err:
        fail(err)
    console.print(f"Wrote {path}", highlight=False, soft_wrap=True)
