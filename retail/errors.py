"""Domain errors: what services raise and one exception handler renders.

Every error reaches a client as ``{"code", "message", "fields"?, "extra"?}``.
Services raise these, never DRF exceptions; views never translate them.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every business-rule error; subclasses set ``code`` and ``status``."""

    code = "domain_error"
    status = 400
    default_message = "The request breaks a business rule."

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ):
        self.message = message or self.default_message
        self.field = field
        self.extra = extra or {}
        super().__init__(self.message)


class NotFoundError(DomainError):
    code = "not_found"
    status = 404
    default_message = "Not found."


class ConflictError(DomainError):
    code = "conflict"
    status = 409
    default_message = "The request conflicts with the current state."


class CustomerNotFoundError(NotFoundError):
    code = "customer_not_found"
    default_message = "No customer matches the given identifier."


class CustomerIdentifierRequiredError(DomainError):
    code = "customer_identifier_required"
    default_message = "Give exactly one of member_number, email, phone or external_id."


class CustomerExistsError(ConflictError):
    code = "customer_exists"
    default_message = "A customer with this identifier already exists."


class InvalidGtinError(DomainError):
    code = "invalid_gtin"
    default_message = "Not a valid GTIN."


class IdempotencyKeyRequiredError(DomainError):
    code = "idempotency_key_required"
    default_message = "This request needs an Idempotency-Key header."


class IdempotencyKeyInvalidError(DomainError):
    code = "idempotency_key_invalid"
    default_message = "An Idempotency-Key is 1 to 255 printable ASCII characters."


class IdempotencyKeyReusedError(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = "This Idempotency-Key was used with a different request."


class IdempotencyRequestInProgressError(ConflictError):
    code = "idempotency_request_in_progress"
    default_message = "A request with this Idempotency-Key is still being processed."
