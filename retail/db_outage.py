"""A database that is down or dropped the connection: a clean 503, never a 500.

PostgreSQL restarting, a backend terminated by an operator (``pg_terminate_backend``)
or a failover shows up in Django as ``OperationalError`` / ``InterfaceError`` from the
first statement that needs the connection.  The request's transaction is gone with the
connection (PostgreSQL rolls it back), so nothing it wrote is kept; the answer tells the
client to retry.  Django throws the broken connection away when the request ends
(``close_old_connections``; ``CONN_HEALTH_CHECKS`` re-checks a reused one), so the next
request connects again: no web process needs a restart.

The API answers in its error shape (``retail.api.errors``, code
``database_unavailable``); store pages get ``templates/503.html``, which needs no
database (no session, no user, no store).
"""

from __future__ import annotations

import logging

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger("retail.db_outage")

CODE = "database_unavailable"
# Seconds a client is asked to wait before it retries.
RETRY_AFTER_SECONDS = 5


def is_database_outage(exc: BaseException | None) -> bool:
    """True when ``exc`` (or what caused it) says the database connection is unusable."""
    while exc is not None:
        if isinstance(exc, (OperationalError, InterfaceError)):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def outage_message() -> str:
    return _("The database is not reachable right now; nothing was saved. Try again shortly.")


def outage_json_response() -> JsonResponse:
    from retail.api.errors import error_body

    response = JsonResponse(error_body(CODE, outage_message()), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def outage_page_response(request) -> HttpResponse:
    body = loader.render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def outage_response(request, exc: BaseException) -> HttpResponse:
    logger.error(
        "database unavailable during %s %s: %s: %s",
        request.method,
        request.path,
        type(exc).__name__,
        str(exc).strip()[:300],
    )
    if request.path.startswith("/api/"):
        return outage_json_response()
    return outage_page_response(request)


class DatabaseOutageMiddleware:
    """Turn a lost database connection raised by a view into the 503 answer.

    Exceptions raised in other middleware (the session, the staff language) reach
    ``retail.urls.server_error``, which gives the same answer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            return outage_response(request, exception)
        return None
