"""What every import kind shares: its column contract, the check report and row reading.

A kind checks the whole table first (``check``: errors, the diff against the
database, warnings) and returns a plan; ``apply`` writes the plan through the
owning app's services, inside the caller's transaction.  What a kind reads of
pricing and inventory comes from their selectors (``pricing.selectors_import``,
``inventory.selectors_counts``), never from their models (import-linter).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports import conf
from imports.parsing import CellError, Table, cell_text, export_moment

Progress = Callable[[int, int], None]

NEW, CHANGED, UNCHANGED, DELETED = "new", "changed", "unchanged", "deleted"

WARNING_TITLES = {
    "price_below_cost": _("The price is below the product's cost (margin floor)."),
    "price_change_large": _("The price changes by more than the warning threshold."),
    "campaign_overlap": _("The campaign overlaps another active campaign on the same products."),
    "campaign_ended": _("The campaign has already ended."),
    "stock_count_below_reserved": _(
        "The count is below what is reserved: reservations are released."
    ),
}


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the contract: its header, whether it is required, what it holds."""

    name: str
    required: bool
    help: str
    example: str = ""


def shown(value: object) -> str:
    """A value as the preview shows it (and as the export writes it)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return export_moment(value)
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(sorted(str(v) for v in value))
    return str(value)


@dataclass
class Report:
    """Errors, warnings, counts and a sample of the diff, gathered while checking a file."""

    max_errors: int = field(default_factory=conf.max_errors)
    sample_size: int = field(default_factory=conf.diff_sample)
    errors: list[dict] = field(default_factory=list)
    error_count: int = 0
    warnings: dict[str, list[dict]] = field(default_factory=dict)
    counts: dict[str, int] = field(
        default_factory=lambda: {NEW: 0, CHANGED: 0, UNCHANGED: 0, DELETED: 0}
    )
    diff: list[dict] = field(default_factory=list)

    def error(self, row: int | None, column: str | None, message: str, code: str = "invalid"):
        """Record that ``row`` and ``column`` are wrong; the message names both."""
        self.error_count += 1
        if len(self.errors) >= self.max_errors:
            return
        where = []
        if row is not None:
            where.append(f"row {row}")
        if column:
            where.append(f"column '{column}'")
        text = f"{', '.join(where)}: {message}" if where else message
        self.errors.append({"row": row, "column": column, "code": code, "message": text})

    def warn(self, code: str, row: int | None, message: str) -> None:
        self.warnings.setdefault(code, []).append({"row": row, "message": message})

    def outcome(
        self,
        outcome: str,
        *,
        row: int | None,
        key: str,
        changes: dict | None = None,
        details: dict | None = None,
    ) -> None:
        """Count one row's outcome; new and changed rows go into the diff sample.

        ``details`` (plain JSON values) is what the preview shows of a new row
        beyond its fields, such as a campaign's offer, period and scope.
        """
        self.counts[outcome] += 1
        if outcome in (NEW, CHANGED, DELETED) and len(self.diff) < self.sample_size:
            entry = {
                "row": row,
                "key": key,
                "outcome": outcome,
                "changes": {
                    name: [shown(old), shown(new)] for name, (old, new) in (changes or {}).items()
                },
            }
            if details is not None:
                entry["details"] = details
            self.diff.append(entry)

    def sample_entry(self, row: int | None) -> dict | None:
        """The diff sample's entry of spreadsheet row ``row``, if it is in the sample."""
        return next((entry for entry in self.diff if entry["row"] == row), None)

    @property
    def changes_anything(self) -> bool:
        return bool(self.counts[NEW] or self.counts[CHANGED] or self.counts[DELETED])

    def warnings_report(self, shown_rows: int = 50) -> list[dict]:
        """One entry per warning code (each ticked once): count and the first rows."""
        return [
            {
                "code": code,
                "title": str(WARNING_TITLES.get(code, code)),
                "count": len(items),
                "rows": items[:shown_rows],
            }
            for code, items in sorted(self.warnings.items())
        ]


class RowReader:
    """Read the cells of one row; a bad cell becomes an error naming row and column."""

    def __init__(self, report: Report, number: int, cells: dict[str, object]):
        self.report, self.number, self.cells, self.ok = report, number, cells, True

    def __call__(self, column: str, parse: Callable = cell_text, *, required: bool = False):
        raw = self.cells.get(column)
        try:
            value = parse(raw)
        except CellError as exc:
            self.fail(column, str(exc))
            return None
        if required and (value is None or value == "" or value == []):
            self.fail(column, gettext("is required"), code="required")
            return None
        return value

    def fail(self, column: str | None, message: str, code: str = "invalid") -> None:
        self.ok = False
        self.report.error(self.number, column, message, code=code)


def headers_fit(headers: list[str], columns: tuple[Column, ...]) -> bool:
    """Whether ``headers`` have every required column of ``columns`` and no unknown one."""
    known = {c.name for c in columns}
    present = {h for h in headers if h}
    return present <= known and all(c.name in present for c in columns if c.required)


def headers_check(table: Table, columns: tuple[Column, ...], report: Report) -> bool:
    """Check the header row against the contract: required columns present, none unknown."""
    known = {c.name for c in columns}
    for column in columns:
        if column.required and column.name not in table.headers:
            report.error(
                1, column.name, gettext("this required column is missing"), code="missing_column"
            )
    for header in table.headers:
        if header and header not in known:
            report.error(1, header, gettext("unknown column"), code="unknown_column")
    return report.error_count == 0


def lookup(model, field_name: str, values, *, only=None) -> dict:
    """Rows of ``model`` keyed by ``field_name`` for ``values``, fetched in chunks.

    For ``retail``'s tables (the shared core); other apps' rows come from their selectors.
    """
    values = sorted({v for v in values if v not in (None, "")})
    found = {}
    queryset = model.objects.all() if only is None else model.objects.only(*only)
    for start in range(0, len(values), conf.sql_chunk()):
        chunk = values[start : start + conf.sql_chunk()]
        for obj in queryset.filter(**{f"{field_name}__in": chunk}):
            found[getattr(obj, field_name)] = obj
    return found


def report_progress(progress: Progress | None, done: int, total: int, every: int = 2000) -> None:
    if progress is not None and (done % every == 0 or done == total):
        progress(done, total)
