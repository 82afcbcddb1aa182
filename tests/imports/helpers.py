"""Real spreadsheet files for import tests (built with openpyxl and csv), and a run driver."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

import openpyxl

from imports.models import ImportRun
from imports.services import import_run_confirm, import_run_create

NOW = datetime.now(UTC)


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
    bom: bool = False,
) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode()


def upload(capture, kind: str, content: bytes, name: str, user=None) -> ImportRun:
    """Upload through the service and run the queued validation, as the worker would."""
    with capture(execute=True):
        run = import_run_create(kind=kind, file=content, file_name=name, user=user)
    run.refresh_from_db()
    return run


def confirm(capture, run: ImportRun, ticked=None, user=None) -> ImportRun:
    """Confirm with ``ticked`` warning codes (default: all) and run the queued apply."""
    if ticked is None:
        ticked = [w["code"] for w in run.warnings]
    with capture(execute=True):
        import_run_confirm(run=run, confirmed_warnings=ticked, user=user)
    run.refresh_from_db()
    return run
