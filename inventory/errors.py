"""Inventory's domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from django.utils.translation import gettext_lazy as _

from retail.errors import ConflictError, DomainError, NotFoundError


class InsufficientStockError(ConflictError):
    """Not enough available stock; ``extra["lines"]`` names each short line."""

    code = "insufficient_stock"
    default_message = _("Not enough stock to reserve every line.")


class ReservationNotFoundError(NotFoundError):
    code = "reservation_not_found"
    default_message = _("No such reservation.")


class ReservationNotActiveError(ConflictError):
    code = "reservation_not_active"
    default_message = _("This reservation is no longer active.")


class InvalidStockQuantityError(DomainError):
    code = "invalid_quantity"
    default_message = _("Quantity must be a positive whole number.")


class UnknownLocationError(DomainError):
    code = "unknown_location"
    default_message = _("No such store or warehouse.")


class TransferNotInTransitError(ConflictError):
    code = "transfer_not_in_transit"
    default_message = _("This transfer has already been received.")


class StockFeedRejectedError(DomainError):
    code = "stock_feed_rejected"
    status = 422
    default_message = _("The stock feed was rejected; no stock was changed.")


class StockSourceKeyReusedError(ConflictError):
    """The source key already posted a different stock change (another item, kind or quantity)."""

    code = "source_key_reused"
    default_message = _("This source key was already used for a different stock change.")


class StockReasonRequiredError(DomainError):
    code = "reason_required"
    default_message = _("Give a reason for this stock change.")


class InvalidReservationExpiryError(DomainError):
    code = "invalid_expiry"
    default_message = _("A reservation must expire after now.")


class InvalidTransferError(DomainError):
    code = "invalid_transfer"
    default_message = _("A transfer goes between two different locations.")
