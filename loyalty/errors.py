"""Loyalty's domain errors; the API renders them as {"code", "message", "fields"?, "extra"?}."""

from django.utils.translation import gettext_lazy as _

from retail.errors import ConflictError, DomainError, NotFoundError


class StoredValueNotFoundError(NotFoundError):
    code = "stored_value_not_found"
    default_message = _("No gift card, credit note or voucher with this code.")


class StoredValueExpiredError(DomainError):
    code = "stored_value_expired"
    default_message = _("This card or voucher has expired.")


class StoredValueInactiveError(DomainError):
    code = "stored_value_inactive"
    default_message = _("This card has not been activated.")


class StoredValueLockedError(DomainError):
    code = "stored_value_locked"
    status = 423
    default_message = _("This card is locked after too many wrong PINs.")


class WrongPinError(DomainError):
    code = "wrong_pin"
    status = 403
    default_message = _("Wrong PIN.")


class WrongCurrencyError(DomainError):
    code = "wrong_currency"
    default_message = _("This card is in another currency.")


class InsufficientBalanceError(ConflictError):
    code = "insufficient_balance"
    default_message = _("The balance does not cover this amount.")


class HoldNotActiveError(ConflictError):
    code = "hold_not_active"
    default_message = _("This hold is no longer active.")


class NotAMemberError(NotFoundError):
    code = "not_a_member"
    default_message = _("This customer is not a club member.")


class AlreadyMemberError(ConflictError):
    code = "already_member"
    default_message = _("This customer is already a club member.")


class InsufficientPointsError(ConflictError):
    code = "insufficient_points"
    default_message = _("Not enough points.")


class SourceKeyReusedError(ConflictError):
    code = "source_key_reused"
    default_message = _("This source key was used for a different operation.")
