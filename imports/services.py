"""Import runs: create (upload), validate (check and preview), confirm, apply (all or nothing).

A run goes ``uploaded`` -> ``validating`` -> ``previewed`` -> ``applying`` ->
``applied``; ``failed`` when the file has errors (nothing is written) or the
job broke; ``noop`` when the same file was applied before or nothing would
change.  Validation and apply run as Celery jobs queued after commit, so the
upload returns at once; progress is on the run (validation) and in the cache
(apply, whose writes are invisible until its single transaction commits).
"""

from __future__ import annotations

import hashlib
import logging
import time
from datetime import datetime

from django.core.cache import cache
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from imports.errors import (
    ImportFileInvalidError,
    ImportKindUnknownError,
    ImportRunStateError,
    ImportWarningsNotConfirmedError,
)
from imports.kinds import KINDS, kind_for_headers
from imports.kinds.base import Report
from imports.models import ImportKind, ImportRun
from imports.parsing import CellError, table_dump, table_load, table_read
from retail import metrics
from retail.errors import DomainError

logger = logging.getLogger(__name__)

Status = ImportRun.Status
EXTENSIONS = (".xlsx", ".csv")
MAX_BYTES = 50 * 1024 * 1024
PROGRESS_TTL = 24 * 3600


# ---- progress -----------------------------------------------------------------------------


def _progress_key(run_id: int) -> str:
    return f"imports:run:{run_id}:progress"


def import_run_progress(run: ImportRun) -> tuple[int, int | None]:
    """Return ``(done, total)`` rows of the run's current step (the cache knows the freshest)."""
    cached = cache.get(_progress_key(run.pk))
    if cached is not None and run.status in (Status.VALIDATING, Status.APPLYING):
        return tuple(cached)
    return run.progress_done, run.progress_total


def _publish(run_id: int, done: int, total: int, *, to_db: bool) -> None:
    cache.set(_progress_key(run_id), (done, total), PROGRESS_TTL)
    if to_db:
        ImportRun.objects.filter(pk=run_id).update(progress_done=done, progress_total=total)


# ---- create -------------------------------------------------------------------------------


def import_run_create(
    *,
    kind: str,
    file,
    file_name: str | None = None,
    user=None,
    api_client=None,
    at: datetime | None = None,
) -> ImportRun:
    """Record an uploaded file as a run and queue its validation (after commit).

    ``file`` is an uploaded file or bytes.  The same file (SHA-256) of the same
    kind that was applied before gives a ``noop`` run that names that run, and
    nothing is queued.  Raises ImportKindUnknownError or ImportFileInvalidError
    (not .xlsx/.csv, empty or too big).
    """
    from imports.tasks import validate_run  # the task module imports this one

    at = at or timezone.now()
    if kind not in ImportKind.values:
        raise ImportKindUnknownError(field="kind", extra={"kinds": list(ImportKind.values)})
    content = file if isinstance(file, bytes) else file.read()
    name = (file_name or getattr(file, "name", "") or "import").rsplit("/", 1)[-1]
    if not name.lower().endswith(EXTENSIONS):
        raise ImportFileInvalidError(gettext("Upload an .xlsx or .csv file."), field="file")
    if not content or len(content) > MAX_BYTES:
        raise ImportFileInvalidError(
            gettext("The file is empty or larger than 50 MB."), field="file"
        )
    digest = hashlib.sha256(content).hexdigest()
    run = ImportRun(
        kind=kind,
        file_name=name[:255],
        file_sha256=digest,
        uploaded_by=user if getattr(user, "pk", None) else None,
        api_client=api_client,
        created_at=at,
    )
    earlier = (
        ImportRun.objects.filter(kind=kind, file_sha256=digest, status=Status.APPLIED)
        .order_by("-applied_at", "-pk")
        .first()
    )
    if earlier is not None:
        run.status, run.noop_of, run.finished_at = Status.NOOP, earlier, at
        run.message = gettext(
            "This file was already applied by import #%(number)s on %(applied)s UTC; nothing to do."
        ) % {"number": earlier.pk, "applied": f"{earlier.applied_at:%Y-%m-%d %H:%M}"}
    run.file.save(name, ContentFile(content), save=False)
    run.save(force_insert=True)
    if run.status == Status.UPLOADED:
        transaction.on_commit(lambda: validate_run.delay(run.pk))
    return run


# ---- validate -----------------------------------------------------------------------------


def _read(field) -> bytes:
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


def _table(run: ImportRun):
    """The run's cells: parsed from the file once, then from the JSON the check stored."""
    if run.parsed_rows:
        return table_load(_read(run.parsed_rows))
    table = table_read(_read(run.file), run.file_name)
    run.parsed_rows.save(f"{run.pk}.json", ContentFile(table_dump(table)), save=False)
    ImportRun.objects.filter(pk=run.pk).update(parsed_rows=run.parsed_rows.name)
    return table


def _check(run: ImportRun, *, at: datetime, progress):
    """Read the run's file and check it with its kind; return ``(report, plan)``."""
    report = Report()
    try:
        table = _table(run)
    except CellError as exc:
        report.error(None, None, str(exc), code="unreadable_file")
        return report, None
    if not table.rows:
        report.error(None, None, "The file has no data rows.", code="empty_file")
        return report, None
    other = kind_for_headers(table.headers, chosen=run.kind)
    if other is not None:
        # A file sent as the wrong kind would otherwise read as a list of column errors.
        report.error(
            1,
            None,
            gettext("This looks like a %(kind)s file — choose %(label)s as the kind.")
            % {"kind": other, "label": ImportKind(other).label},
            code="wrong_kind",
        )
        return report, None
    plan = KINDS[run.kind].check(table, at=at, report=report, progress=progress)
    return report, plan


def import_run_validate(*, run: ImportRun, at: datetime | None = None) -> ImportRun:
    """Check the whole file and store the preview: counts, diff sample, warnings or errors.

    Writes nothing but the run.  Ends ``previewed``, ``failed`` (errors: each
    names row, column and reason) or ``noop`` (nothing would change).  A run
    past validation is returned as it is.  Call outside a transaction.
    """
    at = at or timezone.now()
    claimed = ImportRun.objects.filter(
        pk=run.pk, status__in=[Status.UPLOADED, Status.VALIDATING]
    ).update(status=Status.VALIDATING, progress_done=0, progress_total=None)
    run.refresh_from_db()
    if not claimed:
        return run
    try:
        report, _ = _check(run, at=at, progress=lambda d, t: _publish(run.pk, d, t, to_db=True))
    except Exception:
        logger.exception("import #%s: validation broke", run.pk)
        _finish(
            run, Status.FAILED, at, message=gettext("The check stopped unexpectedly; see the logs.")
        )
        raise
    run.refresh_from_db()
    _store_report(run, report)
    run.validated_at = at
    if report.error_count:
        status = Status.FAILED
        run.message = gettext(
            "%(count)s error(s): nothing was written. Fix the file and upload it again."
        ) % {"count": report.error_count}
    elif not report.changes_anything:
        status = Status.NOOP
        run.message = gettext("The file matches what is there: nothing to change.")
    else:
        status = Status.PREVIEWED
        run.message = gettext("Check the preview, tick the warnings and confirm to apply.")
    return _finish(run, status, at if status != Status.PREVIEWED else None)


def _store_report(run: ImportRun, report: Report) -> None:
    run.summary = {**report.counts, "errors": report.error_count}
    run.diff_sample = report.diff
    run.warnings = report.warnings_report()
    run.errors = report.errors


def _finish(
    run: ImportRun, status: str, finished_at: datetime | None, message: str = ""
) -> ImportRun:
    run.status = status
    run.finished_at = finished_at
    if message:
        run.message = message
    run.save()
    cache.delete(_progress_key(run.pk))
    return run


# ---- confirm and apply --------------------------------------------------------------------


def import_run_confirm(
    *, run: ImportRun, confirmed_warnings: list[str], user=None, at: datetime | None = None
) -> ImportRun:
    """Accept the preview: every warning code must be ticked; queue the apply after commit.

    Raises ImportRunStateError unless the run is ``previewed``, and
    ImportWarningsNotConfirmedError (naming the unticked codes) otherwise.
    """
    from imports.tasks import apply_run

    run.refresh_from_db()
    if run.status != Status.PREVIEWED:
        raise ImportRunStateError(extra={"status": run.status})
    needed = {w["code"] for w in run.warnings}
    missing = sorted(needed - set(confirmed_warnings or []))
    if missing:
        raise ImportWarningsNotConfirmedError(
            field="confirmed_warnings", extra={"unconfirmed": missing}
        )
    updated = ImportRun.objects.filter(pk=run.pk, status=Status.PREVIEWED).update(
        status=Status.APPLYING,
        confirmed_warnings=sorted(needed),
        confirmed_by=user if getattr(user, "pk", None) else None,
        progress_done=0,
        progress_total=run.summary.get("new", 0) + run.summary.get("changed", 0),
    )
    if not updated:
        raise ImportRunStateError(extra={"status": run.status})
    transaction.on_commit(lambda: apply_run.delay(run.pk))
    run.refresh_from_db()
    return run


def import_run_apply(*, run: ImportRun, at: datetime | None = None) -> ImportRun:
    """Check the file again and write it in ONE transaction; all or nothing.

    Writes go through the owning services (price history with source
    ``import``, the inventory ledger, coupon services).  When the check now
    finds errors, or warnings that were not confirmed, nothing is written
    and the run ends ``failed``.  Only an ``applying`` run is applied; any
    other is returned as it is (a redelivered task changes nothing).  A worker
    killed mid-apply leaves nothing written and the run ``applying``: the
    redelivered task applies it from the start.
    """
    at = at or timezone.now()
    started = time.perf_counter()
    run.refresh_from_db()
    if run.status != Status.APPLYING:
        return run
    user = run.confirmed_by or run.uploaded_by
    kind = KINDS[run.kind]
    try:
        with transaction.atomic():
            # Claim the run: the UPDATE holds its row until commit, so a second worker given
            # the same message (a redelivery after a killed worker, or the visibility
            # timeout) waits here, then finds the run applied and writes nothing.
            if not ImportRun.objects.filter(pk=run.pk, status=Status.APPLYING).update(
                status=Status.APPLYING
            ):
                run.refresh_from_db()
                return run
            report, plan = _check(run, at=at, progress=None)
            problem = _apply_blocker(run, report)
            if problem is None:
                kind.apply(
                    plan,
                    run=run,
                    at=at,
                    user=user,
                    progress=lambda d, t: _publish(run.pk, d, t, to_db=False),
                )
                ImportRun.objects.filter(pk=run.pk).update(
                    status=Status.APPLIED,
                    applied_at=at,
                    finished_at=at,
                    summary={**report.counts, "errors": 0},
                    diff_sample=report.diff,
                    progress_done=report.counts["new"] + report.counts["changed"],
                    message="Applied.",
                )
    except DomainError as exc:
        run.refresh_from_db()
        run.errors = [
            {
                "row": exc.extra.get("row"),
                "column": exc.extra.get("column"),
                "code": exc.code,
                "message": exc.message,
            }
        ]
        return _finish(
            run,
            Status.FAILED,
            at,
            message=gettext("Nothing was written: %(message)s") % {"message": exc.message},
        )
    except Exception:
        logger.exception("import #%s: apply broke", run.pk)
        run.refresh_from_db()
        _finish(
            run,
            Status.FAILED,
            at,
            message=gettext("The apply stopped unexpectedly; nothing was written."),
        )
        raise
    run.refresh_from_db()
    if problem is not None:
        _store_report(run, report)
        return _finish(run, Status.FAILED, at, message=problem)
    cache.delete(_progress_key(run.pk))
    metrics.import_rows_applied.labels(kind=run.kind).inc(
        report.counts["new"] + report.counts["changed"]
    )
    metrics.import_apply_seconds.labels(kind=run.kind).observe(time.perf_counter() - started)
    return run


def _apply_blocker(run: ImportRun, report: Report) -> str | None:
    if report.error_count:
        return gettext("Nothing was written: the file now has %(count)s error(s).") % {
            "count": report.error_count
        }
    new_codes = {w["code"] for w in report.warnings_report()} - set(run.confirmed_warnings)
    if new_codes:
        return gettext(
            "Nothing was written: new warnings appeared since the preview: %(codes)s"
        ) % {"codes": ", ".join(sorted(new_codes))}
    return None


def import_export_dataset(*, kind: str):
    """Every row of ``kind`` in its import layout (a tablib Dataset of raw values)."""
    if kind not in ImportKind.values:
        raise ImportKindUnknownError(field="kind")
    return KINDS[kind].export_dataset()
