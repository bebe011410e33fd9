"""Multi-row INSERTs without building model instances: the import's write path.

Django's bulk_create spends most of its time preparing each value of each instance; for an
import of 100,000 rows that is the difference between minutes and seconds. Here each column's
conversion is decided once (dates, decimals, JSON and time stamps go through the field's own
get_db_prep_save, everything else is passed as it is), missing columns take the field's
default, and auto_now fields get the same time stamp. Only for tables whose rows are plain
values: no signals are sent and no save() is called — which is why the caller validates first.
"""

from django.db import connection, models

from core import clock

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
