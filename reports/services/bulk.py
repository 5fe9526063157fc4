"""Many rows in or out of the database at once: COPY on PostgreSQL, the ORM elsewhere.

A benchmark of every trust reads a million answers and stores a hundred thousand rows; COPY
and pandas' CSV reader and writer take a second where the ORM takes many.
"""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
from django.db import connection, models
from django.db.models import QuerySet

BATCH = 1000
NULL = r"\N"  # COPY's marker for NULL; an empty field is an empty string


def bulk_insert(model: type[models.Model], rows: list[dict]) -> None:
    """Insert ``rows`` (field name to value; every row the same fields) into ``model``'s table."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row) for row in rows), batch_size=BATCH)
        return
    names = list(rows[0])
    fields = [model._meta.get_field(name) for name in names]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow(
            [_copy_value(field, row[name]) for field, name in zip(fields, names, strict=True)]
        )
    buffer.seek(0)
    _copy_in(model, fields, buffer)


def _copy_in(model: type[models.Model], fields: list[models.Field], buffer: io.StringIO) -> None:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN "
            f"WITH (FORMAT csv, NULL '{NULL}')",
            buffer,
        )


def _copy_value(field: models.Field, value):
    if value is None:
        return NULL
    if isinstance(field, models.JSONField):
        return json.dumps(value)
    if isinstance(field, models.BooleanField):
        return "t" if value else "f"
    return value


def bulk_insert_frame(model: type[models.Model], frame: pd.DataFrame) -> None:
    """Insert a frame whose columns are ``model``'s field names (NaN and None are NULL)."""
    if frame.empty:
        return
    if connection.vendor != "postgresql":
        records = frame.astype(object).where(frame.notna(), None).to_dict("records")
        bulk_insert(model, records)
        return
    fields = [model._meta.get_field(name) for name in frame.columns]
    buffer = io.StringIO()
    frame.to_csv(buffer, index=False, header=False, na_rep=NULL, lineterminator="\n")
    buffer.seek(0)
    _copy_in(model, fields, buffer)


def query_frame(queryset: QuerySet, columns: list[str], *, booleans: tuple = ()) -> pd.DataFrame:
    """A ``values_list`` queryset's rows as a frame; on PostgreSQL read through COPY."""
    if connection.vendor != "postgresql":
        return pd.DataFrame.from_records(list(queryset), columns=columns)
    sql, params = queryset.query.sql_with_params()
    buffer = io.StringIO()
    with connection.cursor() as cursor:
        statement = cursor.mogrify(sql, params).decode()
        cursor.copy_expert(f"COPY ({statement}) TO STDOUT WITH (FORMAT csv)", buffer)
    buffer.seek(0)
    frame = pd.read_csv(buffer, names=columns, header=None, keep_default_na=False, na_values=[""])
    for column in booleans:
        frame[column] = frame[column].eq("t")
    return frame
