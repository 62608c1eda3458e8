"""Write a corpus table in chunks: validated CSV and Parquet, streamed to temporary files, renamed at the end.

The corpus tables can hold millions of rows; they are never built whole in memory. Each chunk is checked
against the table's schema before it is appended.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.parquet as pq

from .output import csv_bytes
from .schemas import empty, validate


def arrow_schema(schema: pa.DataFrameSchema) -> pa_arrow.Schema:
    """The Parquet schema of a table: strings stay strings (IDs such as `007`), counts are int64."""
    fields = []
    for name, column in schema.columns.items():
        kind = pa_arrow.int64() if str(column.dtype) == "int64" else pa_arrow.string()
        fields.append(pa_arrow.field(name, kind, nullable=True))
    return pa_arrow.schema(fields)


class TableWriter:
    """Append validated chunks of rows to `<name>.csv` and `<name>.parquet` in `out_dir`."""

    def __init__(
        self, out_dir: Path, name: str, schema: pa.DataFrameSchema, *, excel: bool, parquet: bool = True
    ) -> None:
        self.out_dir, self.name, self.schema, self.excel = out_dir, name, schema, excel
        self.columns = list(schema.columns)
        self.rows = 0
        fd, csv_tmp = tempfile.mkstemp(prefix=f".{name}.csv.", suffix=".tmp", dir=out_dir)
        self.csv_tmp = Path(csv_tmp)
        self.csv = os.fdopen(fd, "wb")
        self.csv.write(csv_bytes(empty(schema), excel=excel))  # the header (and the BOM for Excel)
        self.parquet: pq.ParquetWriter | None = None
        self.parquet_tmp: Path | None = None
        if parquet:
            fd, parquet_tmp = tempfile.mkstemp(prefix=f".{name}.parquet.", suffix=".tmp", dir=out_dir)
            os.close(fd)
            self.parquet_tmp = Path(parquet_tmp)
            self.arrow = arrow_schema(schema)
            self.parquet = pq.ParquetWriter(self.parquet_tmp, self.arrow)

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        df = validate(pd.DataFrame(rows, columns=self.columns), self.schema)
        self.csv.write(csv_bytes(df, excel=self.excel, header=False))
        if self.parquet is not None:
            self.parquet.write_table(pa_arrow.Table.from_pandas(df, schema=self.arrow, preserve_index=False))
        self.rows += len(df)

    def close(self) -> None:
        """Finish both files and move them into place."""
        self.csv.close()
        os.replace(self.csv_tmp, self.out_dir / f"{self.name}.csv")
        if self.parquet is not None and self.parquet_tmp is not None:
            self.parquet.close()
            os.replace(self.parquet_tmp, self.out_dir / f"{self.name}.parquet")

    def abort(self) -> None:
        self.csv.close()
        self.csv_tmp.unlink(missing_ok=True)
        if self.parquet is not None and self.parquet_tmp is not None:
            self.parquet.close()
            self.parquet_tmp.unlink(missing_ok=True)


def write_table(
    out_dir: Path, name: str, schema: pa.DataFrameSchema, rows: list[dict[str, Any]], *, excel: bool
) -> None:
    writer = TableWriter(out_dir, name, schema, excel=excel)
    try:
        for start in range(0, len(rows), 50_000):
            writer.write(rows[start : start + 50_000])
    except BaseException:
        writer.abort()
        raise
    writer.close()
