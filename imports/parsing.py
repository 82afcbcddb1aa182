"""Reading spreadsheets (xlsx, csv) and their cells, as marketers actually write them.

Tolerated: a UTF-8 BOM, ``;`` or ``,`` as the CSV separator, spaces around
values and headers, decimal commas or points (and spaces or the other mark as
thousands separators), dates as ISO ``yyyy-mm-dd`` or Nordic ``dd-mm-yyyy``,
``dd.mm.yyyy`` and ``dd/mm/yyyy``, each optionally with ``HH:MM``.  A cell
that an export neutralised (``'=...``) reads back as it was.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext

from imports import conf
from retail.admin.exports import FORMULA_STARTS

FIRST_DATA_ROW = 2  # row 1 holds the headers; rows are numbered as the spreadsheet shows them


class CellError(ValueError):
    """A cell that cannot be read; the message says why (the caller adds row and column)."""


@dataclass(frozen=True, slots=True)
class Table:
    headers: list[str]
    rows: list[tuple[int, dict[str, object]]]  # (spreadsheet row number, header -> cell)


def _header(value: object) -> str:
    return str(value or "").replace("\ufeff", "").strip().lower()


def _is_blank(values) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def table_read(content: bytes, file_name: str) -> Table:
    """Read the first sheet of an xlsx file, or a csv file; raise CellError if unreadable."""
    if file_name.lower().endswith(".xlsx") or content[:2] == b"PK":
        return _xlsx(content)
    return _csv(content)


def _build(header_row, data_rows) -> Table:
    headers = [_header(h) for h in header_row]
    while headers and not headers[-1]:
        headers.pop()
    if not any(headers):
        raise CellError(gettext("The file has no header row."))
    rows = []
    for number, values in data_rows:
        values = list(values)[: len(headers)]
        if _is_blank(values):
            continue
        values += [None] * (len(headers) - len(values))
        rows.append((number, dict(zip(headers, values, strict=True))))
    return Table(headers=headers, rows=rows)


def _xlsx(content: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise CellError(
            gettext("This is not a readable xlsx file (%(name)s).")
            % {"name": exc.__class__.__name__}
        ) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise CellError(gettext("The file is empty."))
    table = _build(header, enumerate(rows, start=FIRST_DATA_ROW))
    book.close()
    return table


def _csv(content: bytes) -> Table:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252")  # Excel's "CSV" on Windows
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if header is None:
        raise CellError(gettext("The file is empty."))
    return _build(header, enumerate(reader, start=FIRST_DATA_ROW))


def _json_cell(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)  # Decimal and anything else openpyxl may give


def table_dump(table: Table) -> bytes:
    """The table as JSON; cells keep what the cell parsers need (numbers stay numbers)."""
    import json

    return json.dumps(
        {"headers": table.headers, "rows": table.rows}, default=_json_cell, separators=(",", ":")
    ).encode()


def table_load(content: bytes) -> Table:
    """A table written by :func:`table_dump`."""
    import json

    data = json.loads(content)
    return Table(headers=data["headers"], rows=[(n, cells) for n, cells in data["rows"]])


# ---- cells ------------------------------------------------------------------------------


def cell_text(value: object) -> str:
    """The cell as stripped text ('' when empty); undoes an export's formula neutralisation."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\ufeff", "").strip()
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return text


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def cell_decimal(value: object) -> Decimal | None:
    """A decimal from ``12.50``, ``12,50``, ``1.234,50``, ``1 234,50`` or a number cell."""
    if isinstance(value, bool):
        raise CellError(gettext("'%(value)s' is not a number") % {"value": value})
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = cell_text(value).replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." in text:
        thousands = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(thousands, "")
    text = text.replace(",", ".")
    if not _NUMBER.match(text):
        raise CellError(gettext("'%(value)s' is not a number") % {"value": cell_text(value)})
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise CellError(
            gettext("'%(value)s' is not a number") % {"value": cell_text(value)}
        ) from exc


def cell_int(value: object) -> int | None:
    """A whole number (``12``, ``12.0``, ``12,0``)."""
    number = cell_decimal(value)
    if number is None:
        return None
    if number != number.to_integral_value():
        raise CellError(gettext("'%(value)s' is not a whole number") % {"value": cell_text(value)})
    return int(number)


_DATE_FORMATS = (
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$"), ("d", "m", "y")),
)
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


def cell_datetime(value: object) -> datetime | None:
    """An aware datetime; a date alone is midnight, both in ``IMPORTS_TIME_ZONE``.

    ISO with an offset (``2025-06-01T10:00:00+02:00``) keeps its offset.
    """
    zone = conf.time_zone()
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=zone)
    text = cell_text(value)
    if not text:
        return None
    day_part, _, time_part = text.replace("T", " ", 1).partition(" ")
    moment = _parse_date(day_part)
    if moment is None:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise CellError(
                gettext("'%(text)s' is not a date (use yyyy-mm-dd, dd-mm-yyyy or dd.mm.yyyy)")
                % {"text": text}
            ) from None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
    clock = time(0)
    if time_part.strip():
        match = _TIME.match(time_part.strip())
        if match is None:
            try:
                parsed = datetime.fromisoformat(f"{moment.isoformat()}T{time_part.strip()}")
            except ValueError:
                raise CellError(
                    gettext("'%(text)s' has a time that is not HH:MM") % {"text": text}
                ) from None
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)
        hour, minute, second = (int(g or 0) for g in match.groups())
        try:
            clock = time(hour, minute, second)
        except ValueError:
            raise CellError(
                gettext("'%(text)s' has a time that is not HH:MM") % {"text": text}
            ) from None
    return datetime.combine(moment, clock, tzinfo=zone)


def _parse_date(text: str) -> date | None:
    for pattern, order in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                raise CellError(gettext("'%(text)s' is not a real date") % {"text": text}) from None
    return None


_TRUE = {"1", "yes", "y", "true", "ja", "j", "x"}
_FALSE = {"0", "no", "n", "false", "nej", "nei", ""}


def cell_bool(value: object) -> bool:
    """``yes``/``no`` (also ja/nej/nei, true/false, 1/0, x); empty is no."""
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(gettext("'%(value)s' is not yes or no") % {"value": cell_text(value)})


def cell_list(value: object) -> list[str]:
    """A list from ``a, b; c`` (commas, semicolons or line breaks)."""
    return [part.strip() for part in re.split(r"[,;\n|]", cell_text(value)) if part.strip()]


def export_moment(moment: datetime | None) -> str:
    """A datetime as the import reads it back: ``yyyy-mm-dd`` or ``yyyy-mm-dd HH:MM`` (HQ time)."""
    if moment is None:
        return ""
    local = moment.astimezone(conf.time_zone())
    if local.time() == time(0):
        return local.date().isoformat()
    if local.second or local.microsecond:
        return local.isoformat()
    return local.strftime("%Y-%m-%d %H:%M")


def iter_chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
