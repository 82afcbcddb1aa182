"""Orders' domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from django.utils.translation import gettext_lazy as _

from retail.errors import ConflictError, DomainError, NotFoundError


class OrderNotFoundError(NotFoundError):
    code = "order_not_found"
    default_message = _("No such order.")


class PriceChangedError(ConflictError):
    """The total the client showed is not today's price; ``extra["basket"]`` has the new one."""

    code = "price_changed"
    default_message = _("The price has changed since the customer saw it.")


class TenderMismatchError(DomainError):
    code = "tender_mismatch"
    default_message = _("The tenders do not add up to the order total.")


class InvalidFulfilmentError(DomainError):
    code = "invalid_fulfilment"
    default_message = _("This store cannot fulfil the order that way.")


class InvalidOrderStateError(ConflictError):
    code = "invalid_order_state"
    default_message = _("The order is not in a state that allows this.")


class PickupCodeNotFoundError(NotFoundError):
    code = "pickup_code_not_found"
    default_message = _("No order ready for pickup has this code here.")


class ReturnNotAllowedError(DomainError):
    code = "return_not_allowed"
    default_message = _("This line cannot be returned.")


class ReturnWindowClosedError(DomainError):
    code = "return_window_closed"
    default_message = _("The return window for this purchase has closed.")


class ReceiptInvalidError(DomainError):
    code = "receipt_invalid"
    default_message = _("The receipt does not add up.")


class CustomerRequiredError(DomainError):
    code = "customer_required"
    default_message = _("This needs a customer.")
