"""How the OpenAPI schema tells the truth about every operation.

- ``ApiKeyAuthenticationScheme`` documents the API-key header.
- ``RetailAutoSchema`` (the ``DEFAULT_SCHEMA_CLASS``) gives every error status
  of every operation the one ``Error`` body, with the codes that status can
  carry and an example; adds the statuses any operation can answer
  (400, 401, 403, 429, 503; 404 where the path names something or a list pages;
  413 and 415 where a body is sent; 409 and 422 where an ``Idempotency-Key``
  is taken) so no view can forget
  them; and declares the ``Idempotency-Key`` header wherever a view takes one.
"""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from retail.errors import DomainError


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "retail.api.auth.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Api-Key <key>`; a key belongs to one channel client.",
        }


# ---- the one error body --------------------------------------------------------------------


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable snake_case code of this field's error.")
    message = serializers.CharField(help_text="Readable message, in the caller's language.")


class ErrorSerializer(serializers.Serializer):
    """Every API error: a machine-readable ``code``, a message, and the offending fields."""

    code = serializers.CharField(
        help_text="Stable snake_case code a client can branch on; the codes each status can "
        "carry are listed on the response."
    )
    message = serializers.CharField(help_text="Readable message.")
    fields = serializers.DictField(
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text="Field path (`lines.0.sku`) to its errors; only for errors about input.",
    )
    extra = serializers.DictField(
        required=False, help_text="Details of the error (e.g. `retry_after_seconds`)."
    )

    class Meta:
        ref_name = "Error"


# Codes DRF itself gives, by status, beside the domain errors' own.
FRAMEWORK_CODES = {
    400: ["bad_request", "invalid", "parse_error"],
    401: ["not_authenticated", "authentication_failed"],
    403: ["authentication_failed", "csrf_failed", "not_authenticated", "permission_denied"],
    404: ["not_found"],
    405: ["method_not_allowed"],
    406: ["not_acceptable"],
    413: ["request_too_large"],
    415: ["unsupported_media_type"],
    429: ["throttled"],
    503: ["database_unavailable"],
}
EXAMPLES = {
    400: {
        "code": "invalid",
        "message": "Some fields are not valid: lines.0.quantity.",
        "fields": {
            "lines.0.quantity": [{"code": "invalid_quantity", "message": "Whole number 1-9999."}]
        },
    },
    401: {"code": "not_authenticated", "message": "Authentication credentials were not provided."},
    403: {"code": "permission_denied", "message": "You may not do this."},
    404: {"code": "not_found", "message": "Not found."},
    409: {"code": "conflict", "message": "The request conflicts with the current state."},
    413: {"code": "request_too_large", "message": "The request body is too large."},
    415: {"code": "unsupported_media_type", "message": 'Unsupported media type "text/plain".'},
    422: {"code": "idempotency_key_reused", "message": "This key was used for another body."},
    429: {
        "code": "throttled",
        "message": "Request was throttled.",
        "extra": {"retry_after_seconds": 30},
    },
    503: {
        "code": "database_unavailable",
        "message": "The database is not reachable right now; nothing was saved. Try again shortly.",
    },
}


def _domain_errors(cls=DomainError):
    for sub in cls.__subclasses__():
        yield sub
        yield from _domain_errors(sub)


def error_codes(status: int) -> list[str]:
    """The ``code`` values an error of ``status`` can carry (domain errors loaded so far)."""
    codes = {cls.code for cls in _domain_errors() if cls.status == status}
    return sorted(codes | set(FRAMEWORK_CODES.get(status, ())))


def error_response(status: int, description: str = "") -> OpenApiResponse:
    """The ``Error`` body for ``status``, its possible codes in the description, an example."""
    codes = error_codes(status)
    text = description or "Error."
    if codes:
        text += " `code` is one of: " + ", ".join(f"`{code}`" for code in codes) + "."
    example = EXAMPLES.get(status, {"code": codes[0] if codes else "error", "message": "..."})
    return OpenApiResponse(
        response=ErrorSerializer,
        description=text,
        examples=[
            OpenApiExample(f"{status} {example['code']}", value=example, status_codes=[status])
        ],
    )


# What a view lists under ``responses`` for an error status; the schema class fills it in.
ERROR = OpenApiResponse(response=ErrorSerializer)


# ---- the schema class ----------------------------------------------------------------------

IDEMPOTENCY_HELP = (
    "A unique key per attempted write (e.g. a UUID); a retry with the same key and body "
    "replays the first response, the same key with another body is 422 "
    "`idempotency_key_reused`, a retry while the first runs is 409."
)


def _takes_idempotency_key(view, method: str) -> bool:
    from retail.api.idempotency import IdempotentMixin

    return isinstance(view, IdempotentMixin) and method in view.idempotency_methods


class RetailAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if _takes_idempotency_key(self.view, self.method):
            parameters.append(
                OpenApiParameter(
                    "Idempotency-Key",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    required=getattr(self.view, "idempotency_required", True),
                    description=IDEMPOTENCY_HELP,
                )
            )
        return parameters

    def _error_statuses(self) -> set[int]:
        # 503: the database went away mid-request (retail/db_outage.py); any operation.
        statuses = {400, 401, 403, 429, 503}
        if "{" in self.path or self._is_list_view():
            statuses.add(404)
        if self.method in ("POST", "PUT", "PATCH"):
            statuses |= {413, 415}
        if _takes_idempotency_key(self.view, self.method):
            statuses |= {409, 422}
        return statuses

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for status in sorted(self._error_statuses() | {int(c) for c in responses if c.isdigit()}):
            if status < 400:
                continue
            given = responses.get(str(status), {})
            description = given.get("description", "")
            if description.startswith("Error: {code"):
                description = ""
            responses[str(status)] = self._get_response_for_code(
                error_response(status, description), str(status), direction=direction
            )
        return dict(sorted(responses.items()))
