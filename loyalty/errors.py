"""Loyalty's domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from retail.errors import ConflictError, DomainError, NotFoundError


class StoredValueNotFoundError(NotFoundError):
    code = "stored_value_not_found"
    default_message = "No gift card, credit note or voucher with this code."


class StoredValueExpiredError(DomainError):
    code = "stored_value_expired"
    default_message = "This card or voucher has expired."


class StoredValueInactiveError(DomainError):
    code = "stored_value_inactive"
    default_message = "This card has not been activated."


class StoredValueLockedError(DomainError):
    code = "stored_value_locked"
    status = 423
    default_message = "This card is locked after too many wrong PINs."


class WrongPinError(DomainError):
    code = "wrong_pin"
    status = 403
    default_message = "Wrong PIN."


class WrongCurrencyError(DomainError):
    code = "wrong_currency"
    default_message = "This card is in another currency."


class InsufficientBalanceError(ConflictError):
    code = "insufficient_balance"
    default_message = "The balance does not cover this amount."


class HoldNotActiveError(ConflictError):
    code = "hold_not_active"
    default_message = "This hold is no longer active."


class NotAMemberError(NotFoundError):
    code = "not_a_member"
    default_message = "This customer is not a club member."


class AlreadyMemberError(ConflictError):
    code = "already_member"
    default_message = "This customer is already a club member."


class InsufficientPointsError(ConflictError):
    code = "insufficient_points"
    default_message = "Not enough points."


class SourceKeyReusedError(ConflictError):
    code = "source_key_reused"
    default_message = "This source key was used for a different operation."
