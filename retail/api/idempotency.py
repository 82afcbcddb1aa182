"""Opt-in Idempotency-Key support for POST views.

A view mixes in :class:`IdempotentMixin`.  The first request with a key
claims it, then runs its handler inside one ``with transaction.atomic()``
block that also stores the response, so a stored response exists exactly
when the work was committed.  Retries with the same key and body replay that
response (with ``Idempotent-Replayed: true``); the same key with a different
body is 422; a retry while the first runs is 409.
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
    """Make a view's POST idempotent on the ``Idempotency-Key`` header.

    The handler runs inside ``with transaction.atomic():`` together with
    storing its response (see :meth:`dispatch`).  Mix in before ``APIView``.
    """

    idempotency_methods = ("POST",)
    idempotency_required = True

    def check_before_transaction(self, request) -> None:
        """Hook: checks whose writes must outlive a rolled-back request (a counted wrong PIN).

        Runs after authentication, permissions, throttles and the key check,
        before the key is claimed and the handler's transaction opens; raise
        an error to answer with it instead.  Nothing to check by default.
        """

    def dispatch(self, request, *args, **kwargs):
        """DRF's ``APIView.dispatch``, but an idempotent method's handler runs through its key.

        Only the handler call differs: for ``idempotency_methods`` it is made
        by :meth:`_respond_idempotently`, inside the transaction it opens.
        """
        self.args = args
        self.kwargs = kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        try:
            self.initial(request, *args, **kwargs)
            if request.method in self.idempotency_methods:
                response = self._respond_idempotently(request, *args, **kwargs)
            else:
                response = self._respond(request, *args, **kwargs)
        except Exception as exc:
            response = self.handle_exception(exc)
        self.response = self.finalize_response(request, response, *args, **kwargs)
        return self.response

    def _respond(self, request, *args, **kwargs):
        """Call the method's handler; render what it raises as the one error shape."""
        name = request.method.lower()
        handler = self.http_method_not_allowed
        if name in self.http_method_names:
            handler = getattr(self, name, self.http_method_not_allowed)
        try:
            return handler(request, *args, **kwargs)
        except Exception as exc:
            return self.handle_exception(exc)

    def _respond_idempotently(self, request, *args, **kwargs):
        """Replay the key's first response, or run the handler and keep its response.

        Claiming the key commits at once, so a concurrent retry sees it (409).
        The handler's work and its stored response then commit together in
        one transaction; a response a retry may change (5xx, 409, 423, 429)
        is rolled back with the work and releases the key.
        """
        key = request.headers.get(HEADER, "")
        if not key:
            if self.idempotency_required:
                raise IdempotencyKeyRequiredError()
        elif len(key) > 255 or not key.isascii() or not key.isprintable():
            raise IdempotencyKeyInvalidError()
        self.check_before_transaction(request)
        if not key:
            return self._respond(request, *args, **kwargs)
        outcome = idempotency_begin(
            scope=request_scope(request),
            key=key,
            method=request.method,
            path=request.get_full_path()[:500],
            request_hash=request_fingerprint(request),
            at=timezone.now(),
        )
        if isinstance(outcome, Replay):
            return Response(
                outcome.body, status=outcome.status, headers={"Idempotent-Replayed": "true"}
            )
        committed = False
        try:
            with transaction.atomic():
                response = self._respond(request, *args, **kwargs)
                kept = _keep(outcome, response)
                if not kept:
                    transaction.set_rollback(True)
            committed = kept
        finally:
            if not committed:
                idempotency_abandon(record=outcome)
        return response


def _keep(record, response) -> bool:
    """Store ``response`` under ``record`` in the open transaction; False when it is not kept."""
    if response.status_code >= 500 or response.status_code in RETRYABLE_STATUSES:
        return False
    body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    try:
        with transaction.atomic():
            idempotency_complete(record=record, status=response.status_code, body=body)
    except DatabaseError:
        # The view left the transaction unusable: keep nothing, let a retry run.
        return False
    return True
