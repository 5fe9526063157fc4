"""Many rows into one table at once: COPY on PostgreSQL, batched inserts elsewhere.

A benchmark of every trust stores a few hundred thousand rows; COPY takes a second where
``bulk_create`` takes many.
"""

from __future__ import annotations

import csv
import io
import json

from django.db import connection, models

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
