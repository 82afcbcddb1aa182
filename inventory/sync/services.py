"""Stock feed services: record a feed and queue it; apply it in short, resumable chunks.

A run goes ``pending`` -> ``running`` -> ``succeeded`` | ``rejected``
(``failed`` when something unexpected stopped it; running it again resumes).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from inventory import conf
from inventory.models import StockFeedRun
from inventory.sync.apply_orm import chunk_apply_orm
from inventory.sync.apply_sql import ChunkRetry, chunk_apply_sql
from inventory.sync.errors import StockFeedInvalidError
from inventory.sync.feed import ApplyContext, Chunk, ParsedFeed, line_key_prefix
from inventory.sync.parsing import feed_parse
from retail import locking, metrics
from retail.models import Store

logger = logging.getLogger(__name__)

Status = StockFeedRun.Status
FINISHED = (Status.SUCCEEDED, Status.REJECTED)
CHUNK_ATTEMPTS = 5
# SQLSTATEs after which a chunk is simply run again: deadlock, lock timeout, serialization.
RETRYABLE_SQLSTATES = {"40P01", "55P03", "40001"}
POS_SOURCE_PREFIX = "pos:"
SOURCE_MAX = StockFeedRun._meta.get_field("source").max_length
FEED_ID_MAX = StockFeedRun._meta.get_field("feed_id").max_length


def stock_feed_submit(
    *,
    kind: str,
    source: str,
    feed_id: str,
    file: File | None = None,
    rows: Iterable[dict] | None = None,
    user=None,
    api_client=None,
    at: datetime | None = None,
) -> StockFeedRun:
    """Record a feed (a file, or rows as dicts) as a pending run and queue its ingestion.

    ``feed_id`` is the sender's id of the feed: a feed id seen before returns
    that run and changes nothing (whatever the content).  The task is queued
    after commit.  ``source`` names the sender; ``pos:<STORE>`` binds the
    feed to that store; ``api_client`` is the API client sending it (kept on
    the run: who may read it back).  Raises StockFeedInvalidError (on ``kind``,
    ``feed_id``, ``source`` or ``file``) when the submission is unusable;
    the content itself is checked by the task and reported on the run.
    """
    from inventory.tasks import apply_stock_feed  # the task module imports this one

    feed_id, source = (feed_id or "").strip(), (source or "").strip()
    if kind not in StockFeedRun.Kind.values:
        raise StockFeedInvalidError(gettext("Kind is snapshot or delta."), field="kind")
    if not feed_id or len(feed_id) > FEED_ID_MAX:
        raise StockFeedInvalidError(
            gettext("Give a feed id of 1 to %(FEED_ID_MAX)s characters.")
            % {"FEED_ID_MAX": FEED_ID_MAX},
            field="feed_id",
        )
    if not source or len(source) > SOURCE_MAX:
        raise StockFeedInvalidError(
            gettext("Give a source of 1 to %(SOURCE_MAX)s characters.")
            % {"SOURCE_MAX": SOURCE_MAX},
            field="source",
        )
    if (file is None) == (rows is None):
        raise StockFeedInvalidError(gettext("Give either a file or rows."), field="file")
    existing = StockFeedRun.objects.filter(feed_id=feed_id).first()
    if existing is not None:
        return existing
    if rows is not None:
        lines = "".join(json.dumps(row, default=str) + "\n" for row in rows)
        file = ContentFile(lines.encode(), name=f"{slugify(feed_id)[:60] or 'feed'}.jsonl")
    run = StockFeedRun(
        kind=kind,
        source=source,
        feed_id=feed_id,
        created_by=user if getattr(user, "pk", None) else None,
        api_client=api_client,
        created_at=at or timezone.now(),
    )
    run.file.save(file.name or "feed", file, save=False)
    try:
        with locking.atomic():
            run.save(force_insert=True)
    except IntegrityError:
        run.file.delete(save=False)  # the same feed id arrived concurrently: keep theirs
        return StockFeedRun.objects.get(feed_id=feed_id)
    transaction.on_commit(lambda: apply_stock_feed.delay(run.pk))
    return run


@metrics.timed(metrics.feed_apply_seconds)
def stock_feed_apply(
    *,
    run: StockFeedRun,
    at: datetime | None = None,
    chunk_size: int | None = None,
    set_based: bool | None = None,
) -> StockFeedRun:
    """Check the whole feed, then apply it chunk by chunk; return the run as it ended.

    A feed with any error (see ``inventory.sync``) is ``rejected`` and
    changes no stock; unknown SKUs are skipped and reported.  Each chunk
    commits its movements, stock and progress (``rows_read``) together, so
    a run that was killed resumes after its last committed chunk, and
    movement source keys make any reapplication a no-op.  A finished run is
    returned as it is.  ``set_based``: COPY and set-based SQL (default on
    PostgreSQL) or the ORM path (False).  Opens its own transactions; call
    outside one.  Unexpected errors mark the run ``failed`` and propagate.
    """
    at = at or timezone.now()
    size = chunk_size or conf.feed_chunk_size()
    if set_based is None:
        set_based = connection.vendor == "postgresql"
    if set_based and connection.vendor != "postgresql":
        raise ValueError("The set-based path needs PostgreSQL.")
    run = _start(run.pk, at)
    if run.status in FINISHED:
        return run
    try:
        parsed = _parse(run)
        StockFeedRun.objects.filter(pk=run.pk).update(
            rows_total=parsed.rows_total,
            errors=parsed.errors_report(),
            unknown_skus=parsed.unknown_report(),
        )
        if parsed.rejected:
            return _finish(run.pk, Status.REJECTED, rows_read=parsed.rows_total)
        ctx = _context(run, at)
        apply = chunk_apply_sql if set_based else chunk_apply_orm
        for chunk in parsed.chunks(size, after_ordinal=run.rows_read):
            if not _chunk_commit(run.pk, chunk, ctx, apply):
                break  # another worker finished the run
        return _finish(run.pk, Status.SUCCEEDED, rows_read=parsed.rows_total)
    except Exception as exc:
        logger.exception("Stock feed %s failed", run.feed_id)
        failure = {"line": None, "column": "", "code": "failed", "message": str(exc)[:500]}
        StockFeedRun.objects.filter(pk=run.pk).exclude(status__in=FINISHED).update(
            status=Status.FAILED, errors=[failure], finished_at=timezone.now()
        )
        raise


def allowed_store_ids(source: str) -> frozenset[int] | None:
    """The stores a source may feed: ``pos:<STORE>`` only its own; any other source all."""
    if not source.lower().startswith(POS_SOURCE_PREFIX):
        return None
    code = source[len(POS_SOURCE_PREFIX) :].strip()
    return frozenset(Store.objects.filter(code__iexact=code).values_list("pk", flat=True))


def _start(run_id: int, at: datetime) -> StockFeedRun:
    with locking.atomic():
        (run,) = locking.rows_lock(StockFeedRun.objects.filter(pk=run_id))
        if run.status not in FINISHED:
            run.status = Status.RUNNING
            run.started_at = run.started_at or at
            run.finished_at = None
            run.save(update_fields=["status", "started_at", "finished_at"])
    return run


def _finish(run_id: int, status: str, *, rows_read: int) -> StockFeedRun:
    with locking.atomic():
        (run,) = locking.rows_lock(StockFeedRun.objects.filter(pk=run_id))
        if run.status not in FINISHED:
            run.status, run.rows_read, run.finished_at = status, rows_read, timezone.now()
            run.save(update_fields=["status", "rows_read", "finished_at"])
    return run


def _parse(run: StockFeedRun) -> ParsedFeed:
    with run.file.open("rb") as handle:
        return feed_parse(
            kind=run.kind,
            stream=getattr(handle, "file", handle),
            name=run.file.name,
            allowed_store_ids=allowed_store_ids(run.source),
        )


def _context(run: StockFeedRun, at: datetime) -> ApplyContext:
    return ApplyContext(
        run_id=run.pk,
        kind=run.kind,
        key_prefix=line_key_prefix(run.feed_id),
        actor_id=run.created_by_id,
        actor_label=f"feed:{run.source}"[:100],
        source_document=run.feed_id[:100],
        at=at,
        release_reason=f"stock feed {run.feed_id} left fewer units than reserved"[:200],
    )


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, ChunkRetry):
        return True
    cause = exc.__cause__
    if getattr(cause, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return connection.vendor == "sqlite" and "locked" in str(exc)


def _chunk_commit(
    run_id: int, chunk: Chunk, ctx: ApplyContext, apply: Callable[[Chunk, ApplyContext], int]
) -> bool:
    """Apply ``chunk`` and record the progress in one transaction; retry it on lock trouble.

    The run's row is locked first: a second worker on the same run waits,
    then sees the progress and skips what is done.  Returns False when the
    run was finished meanwhile.
    """
    timeout = conf.feed_lock_timeout_ms()
    for attempt in range(1, CHUNK_ATTEMPTS + 1):
        try:
            with locking.atomic():
                (run,) = locking.rows_lock(
                    StockFeedRun.objects.filter(pk=run_id).only("status", "rows_read")
                )
                if run.status in FINISHED:
                    return False
                if run.rows_read >= chunk.last_ordinal:
                    return True
                todo = chunk.after(run.rows_read)
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        # A chunk waits at most this long for a row lock, then is retried.
                        # Its commit need not wait for the disk: were the server to lose the
                        # last chunks, their progress is lost with them and the rerun redoes
                        # them.
                        cursor.execute(
                            "SELECT set_config('lock_timeout', %s, true),"
                            " set_config('synchronous_commit', 'off', true)",
                            [f"{timeout}ms"],
                        )
                changed = apply(todo, ctx)
                StockFeedRun.objects.filter(pk=run_id).update(
                    rows_read=chunk.last_ordinal, rows_changed=F("rows_changed") + changed
                )
                applied = chunk.last_ordinal - run.rows_read
            metrics.feed_rows_applied.inc(applied)
            return True
        except (OperationalError, ChunkRetry) as exc:
            if attempt == CHUNK_ATTEMPTS or not _retryable(exc):
                raise
            logger.warning("Stock feed chunk retried (%s): %s", attempt, exc)
            time.sleep(0.05 * 2**attempt)
    return True


def stock_feed_requeue(*, run: StockFeedRun) -> bool:
    """Queue a failed (or stuck running) run again; it resumes after its last committed chunk.

    Returns False, queueing nothing, for a finished run.  The task is queued
    after commit.
    """
    from inventory.tasks import apply_stock_feed

    if StockFeedRun.objects.filter(pk=run.pk, status__in=FINISHED).exists():
        return False
    transaction.on_commit(lambda: apply_stock_feed.delay(run.pk))
    return True
