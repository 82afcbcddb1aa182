"""Errors of the inventory API's caller scope and parameters (services raise their own)."""

from retail.errors import DomainError, NotFoundError


class StoreNotFoundError(NotFoundError):
    code = "store_not_found"
    status = 400
    default_message = "No active store or warehouse with this code."


class StoreRequiredError(DomainError):
    code = "store_required"
    default_message = "Give the store code: only a POS key implies its store."


class StoreNotAllowedError(DomainError):
    code = "store_not_allowed"
    status = 403
    default_message = "This caller cannot use this store."


class ChannelNotFoundError(NotFoundError):
    code = "channel_not_found"
    status = 400
    default_message = "No active channel with this code."


class ChannelRequiredError(DomainError):
    code = "channel_required"
    default_message = "Give the channel code: only an API key implies its channel."


class ChannelNotAllowedError(DomainError):
    code = "channel_not_allowed"
    status = 403
    default_message = "This API key belongs to another channel."


class SkuRequiredError(DomainError):
    code = "sku_required"
    default_message = "Give at least one SKU."


class TooManySkusError(DomainError):
    code = "too_many_skus"
    default_message = "Too many SKUs in one request."


class UnknownProductError(DomainError):
    code = "unknown_product"
    default_message = "No product with this SKU or GTIN."
