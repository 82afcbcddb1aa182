"""Idempotency-Key bookkeeping: claim a key, keep the first response, replay it on retries.

Why our own and not a package: the semantics we promise clients (keys scoped
per API client, 422 when a key is reused for a different request, 409 while
the first request runs, takeover after a crash) are not what the existing
middleware packages do, and the table is small.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from retail import locking
from retail.errors import IdempotencyKeyReusedError, IdempotencyRequestInProgressError
from retail.models import IdempotencyRecord


@dataclass(frozen=True)
class Replay:
    status: int
    body: object


def idempotency_begin(
    *, scope: str, key: str, method: str, path: str, request_hash: str, at: datetime
) -> IdempotencyRecord | Replay:
    """Claim ``key`` for this request, or return the stored response of its first use.

    Commits the claim at once (call outside any transaction that the request's
    work will use), so concurrent retries see it.  Raises
    ``IdempotencyKeyReusedError`` if the key was used for a different request
    and ``IdempotencyRequestInProgressError`` while the first is still running.
    """
    lock = timedelta(seconds=settings.API_IDEMPOTENCY_LOCK_SECONDS)
    ttl = timedelta(seconds=settings.API_IDEMPOTENCY_TTL)
    fields = {
        "method": method,
        "path": path,
        "request_hash": request_hash,
        "status": IdempotencyRecord.Status.IN_PROGRESS,
        "response_status": None,
        "response_body": None,
        "created_at": at,
        "locked_until": at + lock,
        "expires_at": at + ttl,
    }
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(scope=scope, key=key, **fields)
    except IntegrityError:
        pass
    with locking.atomic():
        (record,) = locking.rows_lock(IdempotencyRecord.objects.filter(scope=scope, key=key))
        stale = record.expires_at <= at or (
            record.status == IdempotencyRecord.Status.IN_PROGRESS and record.locked_until <= at
        )
        if stale:
            # Expired, or its first request died without finishing: this one takes over.
            for name, value in fields.items():
                setattr(record, name, value)
            record.save()
            return record
        if record.request_hash != request_hash:
            raise IdempotencyKeyReusedError(extra={"idempotency_key": key})
        if record.status == IdempotencyRecord.Status.IN_PROGRESS:
            raise IdempotencyRequestInProgressError(extra={"idempotency_key": key})
        return Replay(status=record.response_status, body=record.response_body)


def idempotency_complete(*, record: IdempotencyRecord, status: int, body: object) -> None:
    """Store the response of the request that holds ``record``; call in its transaction."""
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        status=IdempotencyRecord.Status.COMPLETED, response_status=status, response_body=body
    )


def idempotency_abandon(*, record: IdempotencyRecord) -> None:
    """Release the key after a failure that a retry may cure (5xx, 409, 429)."""
    IdempotencyRecord.objects.filter(
        pk=record.pk, status=IdempotencyRecord.Status.IN_PROGRESS
    ).delete()


def idempotency_records_purge(*, at: datetime) -> int:
    """Delete records whose replay window has passed; returns how many."""
    deleted, _ = IdempotencyRecord.objects.filter(expires_at__lte=at).delete()
    return deleted
