"""Refuse NUL characters wherever text enters the API, before any view or query sees them.

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

from django.http import JsonResponse
from django.utils.translation import gettext as _

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
            fields = _query_nul_fields(request.GET) or _body_nul_fields(request)
            if fields:
                return _refused(fields)
        return self.get_response(request)
