"""Rows to files: CSV streamed as it is read, Parquet and XLSX written a batch at a time.

Each writer holds one batch in memory at most, whatever the size of the download.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from reports.exports import Column

XLSX_MAX_ROWS = 1_048_575  # a worksheet's limit, less its header


def csv_chunks(columns: list[Column], batches: Iterable[list[list]]) -> Iterator[bytes]:
    """The header, then each batch, as UTF-8 CSV text: for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    for batch in [None, *batches]:
        if batch is not None:
            writer.writerows(batch)
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()


def dictionary_rows(columns: list[Column]) -> list[list[str]]:
    return [[column.name, column.kind, column.meaning] for column in columns]


def dictionary_csv(columns: list[Column]) -> bytes:
    """The data dictionary as CSV: column, type, meaning."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["column", "type", "meaning"])
    writer.writerows(dictionary_rows(columns))
    return buffer.getvalue().encode()


def write_parquet(
    columns: list[Column], batches: Iterable[list[list]], sink: BinaryIO, *, metadata: dict
) -> int:
    """A Parquet file typed by the dictionary, one row group per batch; returns the row count."""
    import pyarrow as pa  # only workers write Parquet
    import pyarrow.parquet as pq

    types = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
    }
    schema = pa.schema(
        [
            pa.field(column.name, types[column.kind], metadata={"meaning": column.meaning})
            for column in columns
        ],
        metadata={key: str(value) for key, value in metadata.items()},
    )
    rows = 0
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for batch in batches:
            arrays = [
                pa.array(values, type=field.type)
                for values, field in zip(zip(*batch, strict=True), schema, strict=True)
            ]
            writer.write_table(pa.Table.from_arrays(arrays, schema=schema))
            rows += len(batch)
        if rows == 0:
            writer.write_table(schema.empty_table())
    return rows


def write_xlsx(
    columns: list[Column], batches: Iterable[list[list]], sink: BinaryIO, *, title: str
) -> int:
    """A workbook of the rows and a Dictionary sheet; refuses more rows than a sheet holds."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31].rstrip())
    sheet.append([column.name for column in columns])
    rows = 0
    for batch in batches:
        rows += len(batch)
        if rows > XLSX_MAX_ROWS:
            raise ValueError(
                f"More than {XLSX_MAX_ROWS:,} rows: too many for a spreadsheet. Narrow the "
                "filters, or download CSV or Parquet."
            )
        for row in batch:
            sheet.append(row)
    dictionary = workbook.create_sheet("Dictionary")
    dictionary.append(["column", "type", "meaning"])
    for row in dictionary_rows(columns):
        dictionary.append(row)
    workbook.save(sink)
    return rows
