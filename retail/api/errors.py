"""One JSON shape for every API error: ``{"code", "message", "fields"?, "extra"?}``.

``code`` is a stable snake_case string a client can branch on; ``fields``
maps a field path (``lines.0.sku``) to its errors, each ``{"code", "message"}``.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error

from retail.db_outage import is_database_outage
from retail.errors import DomainError

logger = logging.getLogger("retail.api")

NON_FIELD_KEYS = {"non_field_errors", "__all__"}


def error_body(code: str, message: str, *, fields=None, extra=None) -> dict:
    body = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    if extra:
        body["extra"] = extra
    return body


def _flatten(detail, prefix: str, out: dict) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = key if not prefix else (prefix if key in NON_FIELD_KEYS else f"{prefix}.{key}")
            _flatten(value, path, out)
    elif isinstance(detail, list):
        if all(isinstance(item, exceptions.ErrorDetail) for item in detail):
            for item in detail:
                out.setdefault(prefix, []).append({"code": item.code, "message": str(item)})
        else:
            for index, item in enumerate(detail):
                if item:
                    _flatten(item, f"{prefix}.{index}" if prefix else str(index), out)
    elif isinstance(detail, exceptions.ErrorDetail):
        out.setdefault(prefix, []).append({"code": detail.code, "message": str(detail)})


def validation_error_body(detail) -> dict:
    flat: dict[str, list[dict]] = {}
    _flatten(detail, "", flat)
    general = flat.pop("", []) + [e for k in NON_FIELD_KEYS for e in flat.pop(k, [])]
    if general and not flat:
        return error_body(general[0]["code"], general[0]["message"])
    message = "Some fields are not valid: " + ", ".join(sorted(flat)) + "."
    if general:
        message = general[0]["message"] + " " + message
    return error_body("invalid", message, fields=flat)


def _view_name(context) -> str:
    view = context.get("view")
    return type(view).__name__ if view else "API view"


def exception_handler(exc, context):
    """Render every exception raised in an API view as the one error shape."""
    if isinstance(exc, DomainError):
        fields = {exc.field: [{"code": exc.code, "message": exc.message}]} if exc.field else None
        return Response(
            error_body(exc.code, exc.message, fields=fields, extra=exc.extra), exc.status
        )
    if is_database_outage(exc):
        from retail.db_outage import CODE, RETRY_AFTER_SECONDS, outage_message

        logger.error("database unavailable in %s: %s", _view_name(context), exc)
        return Response(
            error_body(CODE, outage_message()),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
    if isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("request_too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):
        return Response(
            error_body("bad_request", _("The request could not be understood.")),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or None)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    if isinstance(exc, exceptions.ValidationError):
        return Response(validation_error_body(exc.detail), status=exc.status_code)
    if isinstance(exc, exceptions.APIException):
        headers = {}
        if getattr(exc, "auth_header", None):
            headers["WWW-Authenticate"] = exc.auth_header
        extra = None
        if isinstance(exc, exceptions.Throttled):
            extra = {"retry_after_seconds": exc.wait}
            if exc.wait is not None:
                headers["Retry-After"] = str(int(exc.wait))
        code = (
            exc.detail.code if isinstance(exc.detail, exceptions.ErrorDetail) else exc.default_code
        )
        return Response(
            error_body(code, str(exc.detail), extra=extra), exc.status_code, headers=headers
        )

    view = context.get("view")
    logger.exception("Unhandled error in %s", type(view).__name__ if view else "API view")
    return Response(
        error_body("server_error", "An unexpected error occurred; it has been logged."),
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def json_not_found(request, exception=None):
    """404 for URLs no view matches, in the API's shape under /api/."""
    return JsonResponse(error_body("not_found", _("No such endpoint.")), status=404)


def json_server_error(request):
    return JsonResponse(
        error_body("server_error", _("An unexpected error occurred; it has been logged.")),
        status=500,
    )


def json_csrf_failure(request, reason=""):
    """A CSRF failure under /api/ in the API's shape; Django's page everywhere else."""
    from django.views.csrf import csrf_failure

    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body("csrf_failed", _("CSRF check failed; send an API key instead.")),
            status=403,
        )
    return csrf_failure(request, reason=reason)
