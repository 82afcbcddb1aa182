"""Domain errors: what services raise and one exception handler renders.

Every error reaches a client as ``{"code", "message", "fields"?, "extra"?}``.
Services raise these, never DRF exceptions; views never translate them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def gettext_noop(message: str) -> str:
    """Mark ``message`` for makemessages; ``DomainError`` translates it when raised.

    This module stays free of Django (the pricing engine raises these errors):
    the retail app installs Django's ``gettext`` with ``set_translator`` when
    Django starts, and until then messages stay English.
    """
    return message


_translate: Callable[[str], str] = gettext_noop


def set_translator(translate: Callable[[str], str]) -> None:
    """Translate every DomainError's message with ``translate`` from now on."""
    global _translate
    _translate = translate


class DomainError(Exception):
    """Base of every business-rule error; subclasses set ``code`` and ``status``."""

    code = "domain_error"
    status = 400
    default_message = gettext_noop("The request breaks a business rule.")

    def __init__(
        self,
        message: str | None = None,
        *,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ):
        # Rendered now, in the language active where the error is raised.
        self.message = _translate(str(message or self.default_message))
        self.field = field
        self.extra = extra or {}
        super().__init__(self.message)


class NotFoundError(DomainError):
    code = "not_found"
    status = 404
    default_message = gettext_noop("Not found.")


class ConflictError(DomainError):
    code = "conflict"
    status = 409
    default_message = gettext_noop("The request conflicts with the current state.")


class CustomerNotFoundError(NotFoundError):
    code = "customer_not_found"
    default_message = gettext_noop("No customer matches the given identifier.")


class CustomerIdentifierRequiredError(DomainError):
    code = "customer_identifier_required"
    default_message = gettext_noop(
        "Give exactly one of member_number, email, phone or external_id."
    )


class CustomerExistsError(ConflictError):
    code = "customer_exists"
    default_message = gettext_noop("A customer with this identifier already exists.")


# Errors about who calls and what a call names, shared by every app's API.  A
# code named in a query or body that matches nothing is 400 on that field (the
# request is wrong, not the URL), like any other invalid parameter; 404 is for
# what the path names (an order number, a reservation reference).


class ApiKeyRequiredError(DomainError):
    code = "api_key_required"
    status = 403
    default_message = gettext_noop("Only a channel client with an API key may do this.")


class StoreKeyRequiredError(DomainError):
    code = "store_key_required"
    status = 403
    default_message = gettext_noop("Only a key bound to a store (POS, handheld) may do this.")


class ChannelRequiredError(DomainError):
    code = "channel_required"
    default_message = gettext_noop("Give the channel code: only an API key implies its channel.")


class ChannelNotFoundError(DomainError):
    code = "channel_not_found"
    default_message = gettext_noop("No active channel with this code.")


class ChannelNotAllowedError(DomainError):
    code = "channel_not_allowed"
    status = 403
    default_message = gettext_noop("This API key belongs to another channel.")


class StoreRequiredError(DomainError):
    code = "store_required"
    default_message = gettext_noop("Give the store code: only a POS key implies its store.")


class StoreNotFoundError(DomainError):
    code = "store_not_found"
    default_message = gettext_noop("No active store or warehouse with this code.")


class StoreNotAllowedError(DomainError):
    code = "store_not_allowed"
    status = 403
    default_message = gettext_noop("This caller cannot use this store.")


class UnknownProductError(DomainError):
    code = "unknown_product"
    default_message = gettext_noop("No product with this SKU or GTIN.")


class TooManySkusError(DomainError):
    code = "too_many_skus"
    default_message = gettext_noop("Too many SKUs in one call.")


class InvalidGtinError(DomainError):
    code = "invalid_gtin"
    default_message = gettext_noop("Not a valid GTIN.")


class IdempotencyKeyRequiredError(DomainError):
    code = "idempotency_key_required"
    default_message = gettext_noop("This request needs an Idempotency-Key header.")


class IdempotencyKeyInvalidError(DomainError):
    code = "idempotency_key_invalid"
    default_message = gettext_noop("An Idempotency-Key is 1 to 255 printable ASCII characters.")


class IdempotencyKeyReusedError(DomainError):
    code = "idempotency_key_reused"
    status = 422
    default_message = gettext_noop("This Idempotency-Key was used with a different request.")


class IdempotencyRequestInProgressError(ConflictError):
    code = "idempotency_request_in_progress"
    default_message = gettext_noop("A request with this Idempotency-Key is still being processed.")
