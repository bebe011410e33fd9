"""Multi-row INSERTs without building model instances: the import's write path.

Django's bulk_create spends most of its time preparing each value of each instance; for an
import of 100,000 rows that is the difference between minutes and seconds. Here each column's
conversion is decided once (dates, decimals, JSON and time stamps go through the field's own
get_db_prep_save, everything else is passed as it is), missing columns take the field's
default, and auto_now fields get the same time stamp. Only for tables whose rows are plain
values: no signals are sent and no save() is called — which is why the caller validates first.
"""

import json
from operator import itemgetter

from django.db import connection, models

from . import clock

_PREPARED = (models.DateField, models.DecimalField, models.JSONField, models.UUIDField)


def _jsonb(value):
    from psycopg.types.json import Jsonb

    return None if value is None else Jsonb(value)


def _columns(model):
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def insert(model, rows: list[dict], *, returning: bool = False) -> list | None:
    """Insert rows (dicts keyed by attname) in batches; return the new pks in order when asked."""
    if not rows:
        return [] if returning else None
    fields = _columns(model)
    now = clock.now()
    defaults, converters = [], []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()  # "" for a text column without a default, else None
        defaults.append(default)
        if connection.vendor == "postgresql":
            # psycopg adapts dates, decimals, UUIDs and aware time stamps itself; JSON only
            # needs its wrapper.
            converters.append(_jsonb if isinstance(f, models.JSONField) else None)
        elif isinstance(f, _PREPARED):
            converters.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            converters.append(None)
    if connection.vendor == "postgresql":
        return _copy(model, fields, defaults, converters, rows, returning)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(f.column) for f in fields)
    row_sql = "(" + ", ".join(["%s"] * len(fields)) + ")"
    limit = 999 if connection.vendor == "sqlite" else 60000
    batch = max(1, min(1000, limit // len(fields)))
    attnames = [f.attname for f in fields]
    pks = []
    pk_column = quote(model._meta.pk.column)
    for start in range(0, len(rows), batch):
        part = rows[start : start + batch]
        params = []
        for row in part:
            for name, default, convert in zip(attnames, defaults, converters, strict=True):
                value = row.get(name, default)
                params.append(convert(value) if convert is not None else value)
        # Table and column names come from the model, every value is a parameter.
        sql = f"INSERT INTO {table} ({names}) VALUES " + ", ".join([row_sql] * len(part))  # noqa: S608
        if returning:
            sql += f" RETURNING {pk_column}"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                pks.extend(r[0] for r in cursor.fetchall())
    return pks if returning else None


def _copy(model, fields, defaults, converters, rows, returning):
    """PostgreSQL: COPY the rows in (no SQL text to parse per value); the new ids are taken
    from the table's sequence first, so they are known in order."""
    quote = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    names = [f.column for f in fields]
    pks = None
    with connection.cursor() as cursor:
        if returning:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), pk.column, len(rows)],
            )
            pks = [r[0] for r in cursor.fetchall()]
            names = [pk.column, *names]
        columns = ", ".join(quote(n) for n in names)
        attnames = [f.attname for f in fields]
        with cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
            for index, row in enumerate(rows):
                values = [pks[index]] if returning else []
                for name, default, convert in zip(attnames, defaults, converters, strict=True):
                    value = row.get(name, default)
                    values.append(convert(value) if convert is not None else value)
                copy.write_row(values)
    return pks if returning else None


# --- prepared writes: everything built before the write transaction ------------------------------
#
# The import prepares every row's values (converted for the database) before it takes the write
# lock; rows that point at rows not yet written hold a New placeholder. Inside the one short
# transaction, reserve() takes the ids for each table at once and the placeholders are filled:
# on SQLite the write lock (BEGIN IMMEDIATE) is held only while the INSERTs themselves run.


class New:
    """The id a new row of `table` will get: the `index`-th of the ids reserved for it."""

    __slots__ = ("index", "table", "text")

    def __init__(self, table: str, index: int, text: bool = False):
        self.table = table
        self.index = index
        self.text = text  # wanted as text (an audit entry's object id)

    def resolve(self, ids: dict):
        value = ids[self.table][self.index]
        return str(value) if self.text else value


def _json_text():
    """PostgreSQL, a prepared JSON column: its JSON text, as psycopg makes it for Jsonb(value)
    (json.dumps) — made once per distinct list of texts (an audit entry's fields, a consent's
    purposes), which a large import repeats on every row."""
    made = {}

    def convert(value):
        if value is None:
            return None
        if type(value) is list and all(type(item) is str for item in value):
            key = tuple(value)
            text = made.get(key)
            if text is None:
                text = made[key] = json.dumps(value)
            return text
        return json.dumps(value)

    return convert


def _converters(fields, now):
    defaults, converters = [], []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default = now
        else:
            default = f.get_default()
        defaults.append(default)
        if connection.vendor == "postgresql":
            converters.append(_json_text() if isinstance(f, models.JSONField) else None)
        elif isinstance(f, (*_PREPARED, models.DateTimeField)):
            # Time stamps too: the driver's own adapter would run in the write transaction.
            converters.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        else:
            converters.append(None)
    return defaults, converters


class PreparedInsert:
    """Rows for one table, converted for the database; `new` rows get reserved ids."""

    def __init__(self, model, rows: list[dict], *, new: bool = False):
        self.model = model
        self.table = model._meta.db_table
        self.new = new
        self.fields = _columns(model)
        defaults, converters = _converters(self.fields, clock.now())
        attnames = [f.attname for f in self.fields]
        # Each row's value of each column, or the column's default: row.get(name, default)
        # for every name, done by a dict merge and an itemgetter for the whole row.
        defaults = dict(zip(attnames, defaults, strict=True))
        pick = itemgetter(*attnames)
        if len(attnames) == 1:
            self.values = [[pick(defaults | row)] for row in rows]
        else:
            self.values = [list(pick(defaults | row)) for row in rows]
        for i, convert in enumerate(converters):
            if convert is not None:
                for values in self.values:
                    if type(values[i]) is not New:
                        values[i] = convert(values[i])
        # The columns holding a New placeholder (to fill in when the ids are known).
        self.refs = [
            i
            for i, column in enumerate(zip(*self.values, strict=True))
            if New in set(map(type, column))
        ]

    def __len__(self):
        return len(self.values)

    def execute(self, ids: dict) -> None:
        if not self.values:
            return
        refs = self.refs
        own = ids.get(self.table) if self.new else None
        rows = self.values
        if refs:
            for values in rows:
                for i in refs:
                    v = values[i]
                    if type(v) is New:
                        values[i] = v.resolve(ids)
        columns = [f.column for f in self.fields]
        if own is not None:
            columns = [self.model._meta.pk.column, *columns]
            rows = [[pk, *values] for pk, values in zip(own, rows, strict=True)]
        quote = connection.ops.quote_name
        names = ", ".join(quote(c) for c in columns)
        with _raw_cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.copy(f"COPY {quote(self.table)} ({names}) FROM STDIN") as copy:
                    for values in rows:
                        copy.write_row(values)
                return
            mark = _placeholder()
            row_sql = "(" + ", ".join([mark] * len(columns)) + ")"
            batch = max(1, min(1000, 999 // len(columns)))
            head = f"INSERT INTO {quote(self.table)} ({names}) VALUES "  # noqa: S608
            full = head + ", ".join([row_sql] * batch)
            for start in range(0, len(rows), batch):
                part = rows[start : start + batch]
                sql = full if len(part) == batch else head + ", ".join([row_sql] * len(part))
                cursor.execute(sql, [v for values in part for v in values])


def _placeholder() -> str:
    return "?" if connection.vendor == "sqlite" else "%s"


class _raw_cursor:  # noqa: N801 - used as a context manager, like connection.cursor()
    """The driver's own cursor on Django's connection (in its transaction): the write runs
    without Django's per-statement wrapper, which under DEBUG renders every parameter of every
    statement into the query log — for a large import, most of the time."""

    def __enter__(self):
        connection.ensure_connection()
        self.cursor = connection.connection.cursor()
        return self.cursor

    def __exit__(self, *exc):
        self.cursor.close()


class PreparedUpdate:
    """UPDATE ... SET <fields> WHERE pk = %s, one statement run for every row (executemany)."""

    def __init__(self, model, field_names: list[str], rows: list[dict]):
        self.model = model
        fields = [model._meta.get_field(name) for name in field_names]
        now = clock.now()
        prepared = []
        for f in fields:
            if getattr(f, "auto_now", False):
                prepared.append(lambda _v, now=now, f=f: f.get_db_prep_save(now, connection))
            else:
                prepared.append(lambda v, f=f: f.get_db_prep_save(v, connection))
        self.params = [
            [
                *(
                    convert(row.get(f.attname, row.get(f.name)))
                    for f, convert in zip(fields, prepared, strict=True)
                ),
                row["pk"],
            ]
            for row in rows
        ]
        quote = connection.ops.quote_name
        mark = _placeholder()
        sets = ", ".join(f"{quote(f.column)} = {mark}" for f in fields)
        self.sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {sets} "  # noqa: S608
            f"WHERE {quote(model._meta.pk.column)} = {mark}"
        )

    def __len__(self):
        return len(self.params)

    def execute(self, ids: dict) -> None:
        if self.params:
            with _raw_cursor() as cursor:
                cursor.executemany(self.sql, self.params)


def reserve(counts: dict) -> dict:
    """Ids for new rows, {table: [id, ...]} for {table: (model, count)}. Call inside the write
    transaction: on SQLite it holds the write lock, so the next ids after the highest ever
    given (sqlite_sequence, as AUTOINCREMENT would) are this transaction's; on PostgreSQL the
    table's sequence hands them out."""
    ids = {}
    with connection.cursor() as cursor:
        for table, (model, count) in counts.items():
            if not count:
                ids[table] = []
                continue
            pk = model._meta.pk.column
            quote = connection.ops.quote_name
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [quote(table), pk, count],
                )
                ids[table] = [r[0] for r in cursor.fetchall()]
                continue
            cursor.execute(f"SELECT MAX({quote(pk)}) FROM {quote(table)}")  # noqa: S608
            highest = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            seq = cursor.fetchone()
            base = max(highest, seq[0] if seq else 0) + 1
            ids[table] = list(range(base, base + count))
    return ids
