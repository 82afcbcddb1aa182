"""Downloadable template files: the column contract of each kind as an xlsx workbook.

Sheet one holds the headers and an example row (delete it before importing);
sheet "columns" documents each column: required or not, what it holds.
Built from each kind's ``COLUMNS``, so the template and the import agree.
"""

from __future__ import annotations

import io

import openpyxl

from imports.kinds import KINDS
from retail.admin.exports import csv_safe


def template_workbook(kind: str) -> bytes:
    """Return the template of ``kind`` as xlsx bytes."""
    columns = KINDS[kind].COLUMNS
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = kind
    sheet.append([c.name for c in columns])
    sheet.append([csv_safe(c.example) for c in columns])
    doc = book.create_sheet("columns")
    doc.append(["column", "required", "meaning", "example"])
    for c in columns:
        doc.append([c.name, "yes" if c.required else "no", str(c.help), csv_safe(c.example)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
