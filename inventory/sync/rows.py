"""Read a feed file into raw rows: CSV or JSON lines, with the line number of each row.

CSV has a header row (``store,sku,quantity`` and, for deltas, optionally
``line_id``, ``occurred_at``, ``kind``; ``gtin`` may stand instead of or
beside ``sku``; ``qty`` is read as ``quantity``).  Header names are matched
without regard to case or surrounding spaces; unknown columns are ignored.
A UTF-8 byte order mark is skipped, the delimiter may be ``,``, ``;`` or a
tab (taken from the header line), and rows whose cells are all blank are
skipped.  JSON lines carry one object per line with the same keys; blank
lines are skipped.

Line numbers are lines of the file: in CSV the header is line 1, so the
first data row is line 2; in JSON lines the first object is on line 1.
Only structural problems are found here; ``parsing`` checks the values.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from inventory.sync.feed import DELTA_KINDS, FeedIssue

CSV, JSONL = "csv", "jsonl"
REQUIRED = ("store", "quantity")
ALIASES = {
    "store": "store",
    "sku": "sku",
    "gtin": "gtin",
    "quantity": "quantity",
    "qty": "quantity",
    "line_id": "line_id",
    "occurred_at": "occurred_at",
    "kind": "kind",
}
_QUANTITY = re.compile(r"^([+-]?)(\d+)(?:\.0*)?$")

Report = Callable[[FeedIssue], None]


class ValueProblem(ValueError):
    """A cell that cannot be read; ``code`` is the error's machine-readable code."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


class Columns:
    """The canonical column names of a CSV header and where each one is."""

    def __init__(self, names: list[str]):
        self.names = names
        self.index = {name: i for i, name in reversed(list(enumerate(names)))}


class RawRow:
    """A data row as read: a CSV row's ``cells`` under ``columns``, or a JSON object."""

    __slots__ = ("_values", "cells", "columns", "line")

    def __init__(self, line: int, values=None, *, cells=None, columns: Columns | None = None):
        self.line = line
        self.cells: list[str] | None = cells
        self.columns = columns
        self._values: dict | None = values

    @property
    def values(self) -> dict[str, object]:
        """The row as {column: cell}; empty for a row that could not be read."""
        if self._values is None:
            self._values = dict(zip(self.columns.names, self.cells, strict=True))
        return self._values

    def get(self, name: str) -> object:
        if self.cells is not None:
            i = self.columns.index.get(name)
            return None if i is None else self.cells[i]
        return self._values.get(name)


def column_name(header: object) -> str:
    """The canonical name of a header cell or JSON key (``" Qty "`` -> ``"quantity"``)."""
    name = str(header).replace("\ufeff", "").strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(name, name)


def detect_format(head: bytes, name: str = "") -> str:
    """CSV or JSON lines: by the file name's extension, else by the first character."""
    lowered = name.lower()
    if lowered.endswith((".jsonl", ".ndjson", ".json")):
        return JSONL
    if lowered.endswith((".csv", ".txt", ".tsv")):
        return CSV
    text = head.removeprefix(codecs.BOM_UTF8).lstrip()
    return JSONL if text.startswith(b"{") else CSV


def raw_rows(stream: BinaryIO, *, name: str, report: Report) -> Iterator[RawRow]:
    """Yield the data rows of ``stream``; structural errors go to ``report``.

    A file that cannot be read on (not UTF-8, broken CSV quoting, a header
    without the required columns) reports one error and yields no more rows.
    """
    if not stream.seekable():
        stream = io.BytesIO(stream.read())
    head = stream.read(4096)
    stream.seek(0)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    reader = _csv_rows if detect_format(head, name) == CSV else _jsonl_rows
    line = 0
    try:
        for row in reader(text, report):
            line = row.line
            yield row
    except UnicodeDecodeError:
        report(
            FeedIssue(
                line + 1,
                "",
                "not_utf8",
                gettext("Line %(value)s: the file is not UTF-8 text.") % {"value": line + 1},
            )
        )
    finally:
        text.detach()


def _csv_rows(text: io.TextIOWrapper, report: Report) -> Iterator[RawRow]:
    first = text.readline()
    if not first.strip():
        report(
            FeedIssue(1, "", "missing_header", gettext("Line 1: the CSV file has no header row."))
        )
        return
    delimiter = max((",", ";", "\t"), key=first.count)
    header_cells = next(csv.reader([first], delimiter=delimiter))
    columns = Columns([column_name(cell) for cell in header_cells])
    if not _header_ok(columns.names, report):
        return
    width = len(columns.names)
    reader = csv.reader(text, delimiter=delimiter, strict=True)
    # The header was read apart, so the reader's line_num counts from line 2.
    read = 0
    while True:
        line = read + 2
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            report(FeedIssue(line, "", "malformed_csv", f"Line {line}: unreadable CSV ({exc})."))
            return
        read = reader.line_num
        if not "".join(cells).strip():
            continue
        if len(cells) > width and not "".join(cells[width:]).strip():
            cells = cells[:width]
        if len(cells) != width:
            report(
                FeedIssue(
                    line,
                    "",
                    "wrong_number_of_fields",
                    gettext("Line %(line)s: %(cells)s fields, but the header has %(width)s.")
                    % {"line": line, "cells": len(cells), "width": width},
                )
            )
            yield RawRow(line, {})
            continue
        yield RawRow(line, cells=cells, columns=columns)


def _header_ok(columns: list[str], report: Report) -> bool:
    ok = True
    for name in {c for c in columns if c in ALIASES.values() and columns.count(c) > 1}:
        report(
            FeedIssue(
                1,
                name,
                "duplicate_column",
                gettext("Line 1: column %(name)s appears twice.") % {"name": name},
            )
        )
        ok = False
    missing = [name for name in REQUIRED if name not in columns]
    if "sku" not in columns and "gtin" not in columns:
        missing.append("sku")
    for name in missing:
        report(
            FeedIssue(
                1,
                name,
                "missing_column",
                gettext("Line 1: the header has no %(name)s column.") % {"name": name},
            )
        )
        ok = False
    return ok


def _jsonl_rows(text: io.TextIOWrapper, report: Report) -> Iterator[RawRow]:
    for line, content in enumerate(text, start=1):
        if not content.strip():
            continue
        try:
            obj = json.loads(content)
        except json.JSONDecodeError as exc:
            report(
                FeedIssue(
                    line,
                    "",
                    "invalid_json",
                    gettext("Line %(line)s: not valid JSON (%(msg)s).")
                    % {"line": line, "msg": exc.msg},
                )
            )
            yield RawRow(line, {})
            continue
        if not isinstance(obj, dict):
            report(
                FeedIssue(
                    line,
                    "",
                    "invalid_json",
                    gettext("Line %(line)s: expected a JSON object.") % {"line": line},
                )
            )
            yield RawRow(line, {})
            continue
        yield RawRow(line, {column_name(key): value for key, value in obj.items()})


# --- cells -------------------------------------------------------------------


def cell_text(value: object) -> str:
    """A cell as stripped text; a JSON number such as a numeric SKU becomes its digits."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def cell_quantity(value: object) -> int:
    """A whole number: ``5``, ``" 5 "``, ``"+5"``, ``"-3"``, ``"5.0"``, JSON ``5`` or ``5.0``.

    Raises ValueProblem (``required`` or ``invalid_quantity``).
    """
    if isinstance(value, bool):
        raise ValueProblem(
            "invalid_quantity", gettext("%(value)s is not a whole number.") % {"value": repr(value)}
        )
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueProblem(
            "invalid_quantity", gettext("%(value)s is not a whole number.") % {"value": repr(value)}
        )
    text = cell_text(value)
    if not text:
        raise ValueProblem("required", gettext("a quantity is required."))
    match = _QUANTITY.match(text)
    if match is None:
        raise ValueProblem(
            "invalid_quantity", gettext("'%(text)s' is not a whole number.") % {"text": text}
        )
    number = int(match.group(2))
    return -number if match.group(1) == "-" else number


def cell_kind(value: object) -> str:
    """``sale``, ``receipt``, ``return`` (any case) or empty; raises ValueProblem otherwise."""
    text = cell_text(value).lower()
    if text and text not in DELTA_KINDS:
        raise ValueProblem(
            "invalid_kind",
            gettext("'%(text)s' is not one of sale, receipt, return.") % {"text": text},
        )
    return text


def cell_datetime(value: object, *, tz: ZoneInfo) -> datetime | None:
    """An ISO 8601 moment; one without an offset is read in the store's own time zone."""
    text = cell_text(value)
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueProblem(
            "invalid_datetime",
            gettext("'%(text)s' is not an ISO 8601 date and time.") % {"text": text},
        ) from exc
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment
