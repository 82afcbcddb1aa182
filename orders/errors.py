"""Orders' domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from retail.errors import ConflictError, DomainError, NotFoundError


class OrderNotFoundError(NotFoundError):
    code = "order_not_found"
    default_message = "No such order."


class PriceChangedError(ConflictError):
    """The total the client showed is not today's price; ``extra["basket"]`` has the new one."""

    code = "price_changed"
    default_message = "The price has changed since the customer saw it."


class TenderMismatchError(DomainError):
    code = "tender_mismatch"
    default_message = "The tenders do not add up to the order total."


class InvalidFulfilmentError(DomainError):
    code = "invalid_fulfilment"
    default_message = "This store cannot fulfil the order that way."


class InvalidOrderStateError(ConflictError):
    code = "invalid_order_state"
    default_message = "The order is not in a state that allows this."


class PickupCodeNotFoundError(NotFoundError):
    code = "pickup_code_not_found"
    default_message = "No order ready for pickup has this code here."


class ReturnNotAllowedError(DomainError):
    code = "return_not_allowed"
    default_message = "This line cannot be returned."


class ReturnWindowClosedError(DomainError):
    code = "return_window_closed"
    default_message = "The return window for this purchase has closed."


class ReceiptInvalidError(DomainError):
    code = "receipt_invalid"
    default_message = "The receipt does not add up."


class CustomerRequiredError(DomainError):
    code = "customer_required"
    default_message = "This needs a customer."
