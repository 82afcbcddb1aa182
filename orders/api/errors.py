"""Errors of the orders API about who calls and what they name (the services raise the rest)."""

from retail.errors import DomainError, NotFoundError


class ApiKeyRequiredError(DomainError):
    code = "api_key_required"
    status = 403
    default_message = "Only a channel client with an API key may do this."


class StoreKeyRequiredError(DomainError):
    code = "store_key_required"
    status = 403
    default_message = "Only a key bound to a store (POS, handheld) may do this."


class StoreNotFoundError(DomainError):
    code = "store_not_found"
    default_message = "No active store has this code."


class UnknownProductError(DomainError):
    code = "unknown_product"
    default_message = "No product has this SKU or GTIN."


class LineNotFoundError(NotFoundError):
    code = "order_line_not_found"
    default_message = "The order has no such line."


class RefundNotFoundError(NotFoundError):
    code = "refund_not_found"
    default_message = "No such refund instruction."
