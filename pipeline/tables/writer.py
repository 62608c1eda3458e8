"""Write a corpus table in chunks: validated CSV and Parquet, streamed to temporary files, renamed at the end.

The corpus tables can hold millions of rows; they are never built whole in memory. Each chunk is checked
against the table's schema before it is appended. A large table's Parquet output is partitioned: past
`PART_ROWS` rows, `<name>.parquet` becomes a folder of `part-NNNNN.parquet` files, which pandas, pyarrow,
Dask and DuckDB read as one dataset.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_arrow
import pyarrow.parquet as pq

from .output import FILE_MODE, csv_bytes, replace_path
from .schemas import empty, validate

PART_ROWS = 2_000_000


def arrow_schema(schema: pa.DataFrameSchema) -> pa_arrow.Schema:
    """The Parquet schema of a table: strings stay strings (IDs such as `007`), counts are int64, coordinates
    float64."""
    fields = []
    for name, column in schema.columns.items():
        kinds = {"int64": pa_arrow.int64(), "float64": pa_arrow.float64()}
        kind = kinds.get(str(column.dtype), pa_arrow.string())
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
        self.parquet = parquet
        self.arrow = arrow_schema(schema)
        self.parts_dir = Path(tempfile.mkdtemp(prefix=f".{name}.parquet.", suffix=".tmp", dir=out_dir))
        self.parts: list[Path] = []
        self.part: pq.ParquetWriter | None = None
        self.part_rows = 0

    def _next_part(self) -> pq.ParquetWriter:
        if self.part is not None:
            self.part.close()
        path = self.parts_dir / f"part-{len(self.parts):05d}.parquet"
        self.parts.append(path)
        self.part_rows = 0
        self.part = pq.ParquetWriter(path, self.arrow)
        return self.part

    def write(self, rows: list[dict[str, Any]]) -> pd.DataFrame | None:
        """Validate and append rows; returns the validated table (None for no rows)."""
        if not rows:
            return None
        return self.write_frame(pd.DataFrame(rows, columns=self.columns))

    def write_frame(self, table: pd.DataFrame) -> pd.DataFrame | None:
        """Validate and append a table's rows; returns the validated table (None for no rows)."""
        if table.empty:
            return None
        df = validate(table, self.schema)
        self.csv.write(csv_bytes(df, excel=self.excel, header=False))
        if self.parquet:
            part = self.part if self.part is not None and self.part_rows < PART_ROWS else self._next_part()
            part.write_table(pa_arrow.Table.from_pandas(df, schema=self.arrow, preserve_index=False))
            self.part_rows += len(df)
        self.rows += len(df)
        return df

    def close(self) -> None:
        """Finish the files and move them into place: one Parquet file, or a folder of parts."""
        self.csv.close()
        os.chmod(self.csv_tmp, FILE_MODE)
        os.replace(self.csv_tmp, self.out_dir / f"{self.name}.csv")
        if not self.parquet:
            shutil.rmtree(self.parts_dir)
            return
        if self.part is None:
            self._next_part()  # an empty table still gets a file with its schema
        assert self.part is not None
        self.part.close()
        for part in self.parts:
            os.chmod(part, FILE_MODE)
        os.chmod(self.parts_dir, 0o777 & ~(0o666 & ~FILE_MODE))
        target = self.out_dir / f"{self.name}.parquet"
        if len(self.parts) == 1:
            replace_path(self.parts[0], target)
            shutil.rmtree(self.parts_dir)
        else:
            replace_path(self.parts_dir, target)

    def abort(self) -> None:
        self.csv.close()
        self.csv_tmp.unlink(missing_ok=True)
        if self.part is not None:
            self.part.close()
        shutil.rmtree(self.parts_dir, ignore_errors=True)


def write_table(
    out_dir: Path, name: str, schema: pa.DataFrameSchema, rows: list[dict[str, Any]] | pd.DataFrame, *, excel: bool
) -> None:
    writer = TableWriter(out_dir, name, schema, excel=excel)
    table = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, columns=writer.columns)
    try:
        for start in range(0, len(table), 50_000):
            writer.write_frame(table.iloc[start : start + 50_000])
    except BaseException:
        writer.abort()
        raise
    writer.close()
