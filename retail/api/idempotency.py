"""Opt-in Idempotency-Key support for POST views.

A view mixes in :class:`IdempotentMixin`.  The first request with a key runs
in one transaction together with storing its response, so a stored response
exists exactly when the work was committed.  Retries with the same key and
body replay that response (with ``Idempotent-Replayed: true``); the same key
with a different body is 422; a retry while the first runs is 409.
"""

import hashlib
import json

from django.db import DatabaseError, transaction
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from retail.api.auth import request_client
from retail.errors import IdempotencyKeyInvalidError, IdempotencyKeyRequiredError
from retail.services.idempotency import (
    Replay,
    idempotency_abandon,
    idempotency_begin,
    idempotency_complete,
)

HEADER = "Idempotency-Key"
# Outcomes a retry may change: server errors, conflicts, throttling.
RETRYABLE_STATUSES = {409, 423, 429}


class _ReplayResponse(Exception):
    def __init__(self, replay: Replay):
        self.replay = replay


def _canonical_body(request) -> bytes:
    data = request.data
    if hasattr(data, "lists"):  # QueryDict from a form or multipart body
        files = getattr(request, "FILES", {})
        data = {
            "fields": sorted((k, v) for k, v in data.lists() if k not in files),
            "files": sorted((k, f.name, f.size) for k, f in files.items()),
        }
    return json.dumps(data, cls=JSONEncoder, sort_keys=True, separators=(",", ":")).encode()


def request_fingerprint(request) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode() + b"\n" + request.get_full_path().encode() + b"\n")
    digest.update(_canonical_body(request))
    return digest.hexdigest()


def request_scope(request) -> str:
    client = request_client(request)
    if client is not None:
        return f"client:{client.pk}"
    return f"user:{request.user.pk}"


class IdempotentMixin:
    """Make a view's POST idempotent on the ``Idempotency-Key`` header."""

    idempotency_methods = ("POST",)
    idempotency_required = True

    _idempotency_record = None
    _idempotency_atomic = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if request.method not in self.idempotency_methods:
            return
        key = request.headers.get(HEADER, "")
        if not key:
            if self.idempotency_required:
                raise IdempotencyKeyRequiredError()
            return
        if len(key) > 255 or not key.isascii() or not key.isprintable():
            raise IdempotencyKeyInvalidError()
        outcome = idempotency_begin(
            scope=request_scope(request),
            key=key,
            method=request.method,
            path=request.get_full_path()[:500],
            request_hash=request_fingerprint(request),
            at=timezone.now(),
        )
        if isinstance(outcome, Replay):
            raise _ReplayResponse(outcome)
        self._idempotency_record = outcome
        self._idempotency_atomic = transaction.atomic()
        self._idempotency_atomic.__enter__()

    def handle_exception(self, exc):
        if isinstance(exc, _ReplayResponse):
            return Response(
                exc.replay.body, status=exc.replay.status, headers={"Idempotent-Replayed": "true"}
            )
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record, atomic = self._idempotency_record, self._idempotency_atomic
        if record is None:
            return response
        self._idempotency_record = self._idempotency_atomic = None
        keep = response.status_code < 500 and response.status_code not in RETRYABLE_STATUSES
        try:
            if keep:
                body = json.loads(json.dumps(response.data, cls=JSONEncoder))
                try:
                    with transaction.atomic():
                        idempotency_complete(record=record, status=response.status_code, body=body)
                except DatabaseError:
                    # The view left the transaction unusable: keep nothing, let a retry run.
                    keep = False
            if not keep:
                transaction.set_rollback(True)
        finally:
            atomic.__exit__(None, None, None)
        if not keep:
            idempotency_abandon(record=record)
        return response
