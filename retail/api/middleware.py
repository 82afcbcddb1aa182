"""What every request under ``/api/`` meets before any view: JSON only, no NUL characters.

``ApiJsonMiddleware`` (below) answers every error under ``/api/`` in the one error
shape.  ``NulInputMiddleware`` refuses NUL characters wherever text enters the API,
before any view or query sees them.

PostgreSQL text cannot hold NUL (0x00), so a NUL that reaches a lookup is a
server error there and silently different on SQLite.  No code, SKU, number or
name can contain one, so:

- in the path (``/products/A%00/``) nothing can exist there: 404 ``not_found``;
- in a query parameter or a JSON or form body: 400 ``null_characters_not_allowed``
  naming each offending field (``sku``, ``lines.0.sku``), as DRF's own
  ``CharField`` does for the fields it checks.
"""

from __future__ import annotations

import json

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from retail.api.errors import error_body

CODE = "null_characters_not_allowed"


def _nul_paths(value, prefix: str, out: list[str]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            out.append(prefix)
    elif isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            if "\x00" in str(key):
                out.append(path)
            else:
                _nul_paths(item, path, out)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _nul_paths(item, f"{prefix}.{index}" if prefix else str(index), out)


def _query_nul_fields(querydict) -> list[str]:
    return sorted(
        key
        for key, values in querydict.lists()
        if "\x00" in key or any("\x00" in v for v in values)
    )


def _body_nul_fields(request) -> list[str]:
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded":
        return _query_nul_fields(request.POST)
    if not content_type.endswith("json"):
        return []
    body = request.body
    if b"\\u0000" not in body and b"\x00" not in body:
        return []
    try:
        data = json.loads(body)
    except ValueError:
        return []  # the parser names the broken body
    out: list[str] = []
    _nul_paths(data, "", out)
    return sorted(set(out))


def _refused(fields: list[str]) -> JsonResponse:
    message = _("Null characters are not allowed.")
    return JsonResponse(
        error_body(
            CODE,
            _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(fields)},
            fields={field or "body": [{"code": CODE, "message": message}] for field in fields},
        ),
        status=400,
    )


class NulInputMiddleware:
    """Answer an API request carrying NUL characters with the standard error (module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/api/"):
            if "\x00" in request.path_info:
                return JsonResponse(error_body("not_found", _("Not found.")), status=404)
            try:
                fields = _query_nul_fields(request.GET) or _body_nul_fields(request)
            except RequestDataTooBig:
                return api_error_response(413)
            if fields:
                return _refused(fields)
        return self.get_response(request)


# ---- every answer under /api/ is JSON ---------------------------------------------------------

API_PREFIX = "/api/"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# What an HTML error page of Django's (its own views or, with DEBUG, the technical pages)
# becomes under /api/: the status stays, the body is the one error shape.
STATUS_ERRORS = {
    400: ("bad_request", gettext_noop("The request could not be understood.")),
    403: ("permission_denied", gettext_noop("You do not have permission to do this.")),
    404: ("not_found", gettext_noop("No such endpoint.")),
    405: ("method_not_allowed", gettext_noop("This endpoint does not take this method.")),
    413: ("request_too_large", gettext_noop("The request body is too large.")),
    415: ("unsupported_media_type", gettext_noop("Send the body as JSON.")),
}
SERVER_ERROR = ("server_error", gettext_noop("An unexpected error occurred; it has been logged."))


def _resolves(path: str, urlconf) -> bool:
    try:
        resolve(path, urlconf)
    except Resolver404:
        return False
    return True


def _is_json(response) -> bool:
    content_type = response.get("Content-Type", "")
    return content_type.startswith("application/json") or "+json" in content_type


def api_error_response(status: int) -> JsonResponse:
    """The one error shape for ``status`` when no view of ours gave a JSON answer."""
    if status >= 500:
        code, message = SERVER_ERROR
    else:
        code, message = STATUS_ERRORS.get(status, ("error", gettext_noop("Request failed.")))
    return JsonResponse(error_body(code, _(message)), status=status)


class ApiJsonMiddleware:
    """Make every answer under ``/api/`` JSON (put it right after SecurityMiddleware).

    - A write (POST, PUT, PATCH, DELETE) to a path without its trailing slash is
      served by the slashed route: a redirect would turn a POST into a GET, and
      ``APPEND_SLASH`` refuses it with a RuntimeError (a 500 page) under DEBUG.
    - Any error page Django renders itself (unknown path, wrong method on a
      plain view, a bad ``Host``, a CSRF failure, a body too large, and the
      DEBUG technical pages for 404 and 500) becomes the one error shape with
      the same status.  JSON answers of the API views pass unchanged.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method in WRITE_METHODS and not request.path_info.endswith("/"):
            urlconf = getattr(request, "urlconf", None)
            slashed = request.path_info + "/"
            if not _resolves(request.path_info, urlconf) and _resolves(slashed, urlconf):
                request.path_info = slashed
                request.path = request.path + "/"
        response = self.get_response(request)
        if response.status_code >= 400 and not _is_json(response):
            return api_error_response(response.status_code)
        return response
