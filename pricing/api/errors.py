"""Errors of the pricing API's caller scope: which channel, store and customer a call may use."""

from retail.errors import DomainError, NotFoundError


class StoreNotFoundError(NotFoundError):
    code = "store_not_found"
    status = 400
    default_message = "No active store with this code."


class StoreNotAllowedError(DomainError):
    code = "store_not_allowed"
    status = 403
    default_message = "This API key belongs to one store; it cannot price for another."


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
