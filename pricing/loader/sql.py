"""Raw SQL plumbing of the loader: one SQL text per vendor, list parameters, column decoding.

The loader runs on every basket, so it skips the ORM's queryset compilation:
each statement is a constant string built once per database vendor (lists
travel as one parameter, a JSON array on SQLite and an array on PostgreSQL,
so the text never depends on the basket), and rows come back as tuples that
the helpers below decode the way Django's field converters would.
"""

from __future__ import annotations

import decimal
import json
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from decimal import Decimal

from django.db import connection

from retail.money import AMOUNT_DECIMAL_PLACES

_FLOAT_CONTEXT = decimal.Context(prec=15)
_AMOUNT_STEP = Decimal(1).scaleb(-AMOUNT_DECIMAL_PLACES)
_PERCENT_STEP = Decimal("0.01")

_statements: dict[tuple[str, str], str] = {}


def statement(name: str, build: Callable[[str], str]) -> str:
    """Return the SQL ``build(vendor)`` gives for the current connection's vendor, built once."""
    key = (name, connection.vendor)
    sql = _statements.get(key)
    if sql is None:
        sql = _statements[key] = build(connection.vendor)
    return sql


def in_list(vendor: str, column: str, cast: str = "bigint") -> str:
    """``column`` is one of a list given as one parameter (see ``list_param``)."""
    if vendor == "postgresql":
        return f"{column} = ANY(%s::{cast}[])"
    return f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608


def list_param(values: Iterable) -> object:
    """One parameter holding ``values`` for ``in_list``."""
    values = list(values)
    if connection.vendor == "postgresql":
        return values
    return json.dumps(values)


def joined(vendor: str, expression: str) -> str:
    """An aggregate of ``expression`` joined with commas (order unspecified)."""
    if vendor == "postgresql":
        return f"STRING_AGG(CAST({expression} AS TEXT), ',')"
    return f"GROUP_CONCAT({expression})"


def q(name: str) -> str:
    """Quote an identifier (``group`` is a keyword)."""
    return connection.ops.quote_name(name)


def at_param(moment: datetime) -> object:
    """A datetime parameter as the backend stores it (naive UTC text on SQLite)."""
    return connection.ops.adapt_datetimefield_value(moment)


def to_datetime(value) -> datetime | None:
    """A DateTimeField column (aware UTC), from a driver datetime or SQLite text."""
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def to_date(value) -> date | None:
    """A DateField column, from a driver date or SQLite text."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def to_decimal(value, step: Decimal = _AMOUNT_STEP) -> Decimal | None:
    """A DecimalField column quantised to its places (SQLite hands back ints and floats)."""
    if value is None:
        return None
    if isinstance(value, float):
        return _FLOAT_CONTEXT.create_decimal_from_float(value).quantize(step)
    return Decimal(value).quantize(step)


def to_percent(value) -> Decimal | None:
    """A percent or VAT rate column (two decimal places)."""
    return to_decimal(value, _PERCENT_STEP)


def to_json(value):
    """A JSONField column (drivers hand back text)."""
    if isinstance(value, str):
        return json.loads(value)
    return value
