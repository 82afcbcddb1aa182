"""The request id: taken from ``X-Request-ID`` when it is sane, made up otherwise, echoed back.

django-structlog's ``RequestMiddleware`` (after this one) binds it to every
log line of the request, and its Celery receivers carry it in the headers of
every task the request enqueues, so the worker's lines name it too.
"""

from __future__ import annotations

import re
import uuid

import structlog

HEADER = "X-Request-ID"
META_KEY = "HTTP_X_REQUEST_ID"
# A proxy's id (uuid, hex, ``abc-123``, ``Root=1-...``) passes; anything that could
# break a log line or a header (spaces, quotes, newlines, NUL) or flood it does not.
_SANE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")


def request_id_sanitise(value: str | None) -> str | None:
    """Return ``value`` when it is a usable request id, else None."""
    if value and _SANE.fullmatch(value):
        return value
    return None


class RequestIdMiddleware:
    """Give every request an id (``request.request_id``) and answer with it in ``X-Request-ID``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_sanitise(request.META.get(META_KEY)) or uuid.uuid4().hex
        # django-structlog trusts the header (DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID):
        # what it reads now is the sanitised one.
        request.META[META_KEY] = request_id
        request.request_id = request_id
        response = self.get_response(request)
        response[HEADER] = request_id
        return response


def bind_api_client(client) -> None:
    """Name the channel client of a key-authenticated call on the rest of the request's lines."""
    # Ids only: reading ``client.channel`` could cost a query on a budgeted hot path.
    structlog.contextvars.bind_contextvars(api_client_id=client.pk, channel_id=client.channel_id)
