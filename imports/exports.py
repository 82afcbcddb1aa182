"""Exports in the import layout, as xlsx or csv, safe to open in a spreadsheet.

Every text cell is neutralised with ``retail.admin.exports.csv_safe`` (a
leading ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a ``'``),
whatever django-import-export's settings say; the import reads such a cell
back as it was, so an export re-imported changes nothing.  Numbers stay
numbers and dates are written as the import reads them.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

from imports.parsing import export_moment
from imports.services import import_export_dataset
from retail.admin.exports import csv_safe

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _cell(value: object, *, for_csv: bool) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return export_moment(value)
    if isinstance(value, Decimal):
        return f"{value:f}" if for_csv else value
    if isinstance(value, int):
        return value
    return csv_safe(value)


def export_rows(kind: str) -> tuple[list[str], list[list[object]]]:
    """Headers and raw rows of every ``kind`` row, from its django-import-export resource."""
    dataset = import_export_dataset(kind=kind)
    return list(dataset.headers), [list(row) for row in dataset]


def export_file(*, kind: str, file_format: str = "xlsx") -> tuple[bytes, str, str]:
    """Return ``(content, content type, file name)`` of an export of ``kind``."""
    headers, rows = export_rows(kind)
    if file_format == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_cell(v, for_csv=True) for v in row])
        content = out.getvalue().encode("utf-8-sig")
    else:
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(kind)
        sheet.append(headers)
        for row in rows:
            sheet.append([_cell(v, for_csv=False) for v in row])
        buffer = io.BytesIO()
        book.save(buffer)
        content = buffer.getvalue()
        file_format = "xlsx"
    return content, CONTENT_TYPES[file_format], f"{kind}.{file_format}"
