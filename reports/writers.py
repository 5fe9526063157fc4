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
# Rows per Parquet row group: a footer entry per group, so not too many; held as Arrow
# data (a few megabytes) until written, so not too large.
PARQUET_ROW_GROUP = 10_000


def csv_chunks(columns: list[Column], batches: Iterable[list[list]]) -> Iterator[bytes]:
    """The header, then each batch, as UTF-8 CSV text: for a streaming response."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([column.name for column in columns])
    yield buffer.getvalue().encode()
    for batch in batches:  # one at a time: never the whole generator
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(batch)
        yield buffer.getvalue().encode()


def dictionary_rows(columns: list[Column]) -> list[list[str]]:
    return [[column.name, column.kind, column.meaning] for column in columns]


def dictionary_csv(columns: list[Column]) -> bytes:
    """The data dictionary as CSV: column, type, meaning."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["column", "type", "meaning"])
    writer.writerows(dictionary_rows(columns))
    return buffer.getvalue().encode()


class _Null(float):
    """None in a batch, as the CSV module writes it: an empty, unquoted field.

    The csv module quotes every non-numeric field (QUOTE_NONNUMERIC) and writes a float by its
    ``repr``; this float's is empty. So an empty string arrives quoted and stays a string,
    while this arrives bare and is read as null.
    """

    def __repr__(self) -> str:
        return ""


NULL = _Null()


def write_parquet(
    columns: list[Column], batches: Iterable[list[list]], sink: BinaryIO, *, metadata: dict
) -> int:
    """A Parquet file typed by the dictionary, one row group per batch; returns the row count.

    Each batch reaches Arrow through its C++ CSV reader rather than ``pyarrow.array``: the
    latter imports pandas, which alone would take a third of the memory a download may use.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv
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
    # One thread: a parallel read keeps a block per core in memory for little gain here.
    read = pa_csv.ReadOptions(column_names=schema.names, use_threads=False)
    parse = pa_csv.ParseOptions(newlines_in_values=True)
    convert = pa_csv.ConvertOptions(
        column_types=schema,
        null_values=[""],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
        true_values=["True"],
        false_values=["False"],
    )
    rows = 0
    pending: list = []  # Arrow tables waiting to fill a row group

    def flush() -> None:
        table = pa.concat_tables(pending) if pending else schema.empty_table()
        writer.write_table(table.replace_schema_metadata(schema.metadata).cast(schema))
        pending.clear()

    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for batch in batches:
            text = io.StringIO()
            csv.writer(text, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\n").writerows(
                [NULL if value is None else value for value in row] for row in batch
            )
            pending.append(
                pa_csv.read_csv(
                    io.BytesIO(text.getvalue().encode()),
                    read_options=read,
                    parse_options=parse,
                    convert_options=convert,
                )
            )
            rows += len(batch)
            if sum(table.num_rows for table in pending) >= PARQUET_ROW_GROUP:
                flush()
        if pending or rows == 0:
            flush()
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
