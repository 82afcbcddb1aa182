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
from retail.models import IdempotencyRecord
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


def client_source_key(request, key: str) -> str:
    """The ledger source key of ``key`` (an Idempotency-Key or a key the client names), per client.

    ``api:<client id>:<key>`` for a key, ``user:<user id>:<key>`` for signed-in
    staff: two clients that number their keys alike never meet in a ledger,
    and a client naming another's key names nothing.  (Order services use
    the same ``api:<client id>:`` namespace for returns and exchanges.)
    """
    client = request_client(request)
    if client is not None:
        return f"api:{client.pk}:{key}"
    return f"user:{request.user.pk}:{key}"


def legacy_source_key(request, key: str, *, path_prefix: str) -> str | None:
    """The ledger key ``key`` had before keys were scoped per client, if this caller made it.

    Rows written before then carry ``<channel code>:<key>`` (``staff:<key>``
    for staff), shared by every client of the channel.  Such a row is the
    caller's only while its own idempotency record of a successful POST
    under ``key`` to a path under ``path_prefix`` is kept
    (``API_IDEMPOTENCY_TTL``); after that, None and the old row is no
    longer named through the API (its balance and ledger stay as they are).
    """
    client = request_client(request)
    prefix = client.channel.code if client is not None else "staff"
    made = IdempotencyRecord.objects.filter(
        scope=request_scope(request),
        key=key,
        path__startswith=path_prefix,
        response_status__in=(200, 201),
    ).exists()
    return f"{prefix}:{key}" if made else None


def own_source_key(request, key: str) -> str:
    """``key`` as the caller's ledger key: its own full source key is kept, a bare key scoped.

    A client may name a ledger row by the Idempotency-Key it wrote it with
    or by the ``source_key`` an answer showed it (``api:<its id>:<key>``);
    the pre-scoping form ``<its channel code>:<key>`` is read as the bare key.
    """
    own = client_source_key(request, "")
    if key.startswith(own):
        return key
    client = request_client(request)
    legacy_prefix = f"{client.channel.code}:" if client is not None else "staff:"
    if key.startswith(legacy_prefix):
        key = key[len(legacy_prefix) :]
    return client_source_key(request, key)


def named_source_key(request, key: str, *, exists, path_prefix: str) -> str:
    """The caller's ledger key for a row it names by ``key`` (a hold or a redemption of its own).

    ``exists(source_key)`` says whether the row is there.  Another client's
    key names nothing (the service then answers not found).  A row written
    before keys were scoped per client is found while the caller's own
    idempotency record proves it wrote it (``legacy_source_key``).
    """
    own = own_source_key(request, key)
    if exists(own):
        return own
    bare = own[len(client_source_key(request, "")) :]
    legacy = legacy_source_key(request, bare, path_prefix=path_prefix)
    return legacy if legacy is not None and exists(legacy) else own
