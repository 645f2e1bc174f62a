"""Bulk writing for the national generator: COPY on PostgreSQL, bulk_create on SQLite.

Rows are tuples in the order of the table's declared columns, with primary keys chosen by the
generator (ids follow the table's current maximum), so rows can name each other before
anything is written. Each table keeps its own timer so rows/s can be printed per table.
"""

import sys
import time
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models
from psycopg.types.json import Jsonb

FLUSH_ROWS = 20_000


@dataclass
class TableStats:
    rows: int = 0
    seconds: float = 0.0


class Table:
    def __init__(self, writer: "BulkWriter", model: type[models.Model], columns: list[str]):
        self.writer, self.model = writer, model
        self.db_table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        # Columns the generator does not name (a counter another app added later) get their
        # model default, so a new NOT NULL column never breaks the load; recounts run after.
        self.extra = tuple(
            f.get_default()
            for name, f in fields.items()
            if name not in columns and f.has_default() and not f.primary_key
        )
        columns = columns + [
            name
            for name, f in fields.items()
            if name not in columns and f.has_default() and not f.primary_key
        ]
        self.columns = columns
        self.db_columns = [fields[c].column for c in columns]
        self.json = [i for i, c in enumerate(columns) if isinstance(fields[c], models.JSONField)]
        self.buffer: list[tuple] = []

    def new_id(self) -> int:
        return self.writer.new_id(self.model)

    def add(self, *row) -> None:
        self.buffer.append(row + self.extra if self.extra else row)
        if len(self.buffer) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.buffer:
            return
        rows, self.buffer = self.buffer, []
        started = time.perf_counter()
        if connection.vendor == "postgresql":
            cols = ", ".join(f'"{c}"' for c in self.db_columns)
            with connection.cursor() as cursor:
                with cursor.cursor.copy(f'COPY "{self.db_table}" ({cols}) FROM STDIN') as copy:
                    if self.json:
                        for row in rows:
                            row = list(row)
                            for i in self.json:
                                if row[i] is not None:
                                    row[i] = Jsonb(row[i])
                            copy.write_row(row)
                    else:
                        for row in rows:
                            copy.write_row(row)
        else:
            objs = [self.model(**dict(zip(self.columns, row, strict=True))) for row in rows]
            self.model._base_manager.bulk_create(objs, batch_size=500)
        stats = self.writer.stats.setdefault(self.db_table, TableStats())
        stats.rows += len(rows)
        stats.seconds += time.perf_counter() - started
        self.writer.progress(self.db_table, stats.rows)


@dataclass
class BulkWriter:
    verbose: bool = True
    out: object = sys.stderr
    stats: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)
    ids: dict = field(default_factory=dict)
    _last: float = 0.0

    def new_id(self, model: type[models.Model]) -> int:
        """The next free primary key of a table (its maximum when first asked, plus one)."""
        if model not in self.ids:
            self.ids[model] = (model._base_manager.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        value = self.ids[model]
        self.ids[model] = value + 1
        return value

    def table(self, model: type[models.Model], columns: list[str]) -> Table:
        key = (model, tuple(columns))
        if key not in self.tables:
            self.tables[key] = Table(self, model, columns)
        return self.tables[key]

    def progress(self, name: str, rows: int) -> None:
        now = time.perf_counter()
        if self.verbose and now - self._last > 1.0:
            self._last = now
            self.out.write(f"\r  … {name}: {rows:,} rows".ljust(70))
            self.out.flush()

    def flush(self) -> None:
        for table in self.tables.values():
            table.flush()

    def finish(self) -> None:
        """Write what is buffered and move every sequence past the ids used."""
        self.flush()
        used = list(self.ids)
        if connection.vendor == "postgresql" and used:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), used):
                    cursor.execute(sql)
        self.tables.clear()
        self.ids.clear()
        if self.verbose:
            self.out.write("\r".ljust(72) + "\r")
