"""Stored-value errors beyond those in ``loyalty.errors``."""

from django.utils.translation import gettext_lazy as _

from retail.errors import ConflictError, DomainError, NotFoundError


class InvalidAmountError(DomainError):
    code = "invalid_amount"
    default_message = _("The amount must be positive in the currency's minor unit.")


class WrongChannelError(DomainError):
    code = "stored_value_wrong_channel"
    default_message = _("This voucher cannot be used in this channel.")


class MinimumSpendNotMetError(DomainError):
    code = "minimum_spend_not_met"
    default_message = _("The order does not reach the voucher's minimum spend.")


class VoucherPartialUseError(DomainError):
    code = "voucher_partial_use"
    default_message = _("A voucher is used once, for its whole amount.")


class NotReloadableError(DomainError):
    code = "stored_value_not_reloadable"
    default_message = _("This card cannot be reloaded.")


class AlreadyActiveError(ConflictError):
    code = "stored_value_already_active"
    default_message = _("This card is already activated.")


class RedemptionNotFoundError(NotFoundError):
    code = "redemption_not_found"
    default_message = _("No redemption with this source key.")


class HoldNotFoundError(NotFoundError):
    code = "hold_not_found"
    default_message = _("No hold with this source key.")


class RefundExceedsRedemptionError(ConflictError):
    code = "refund_exceeds_redemption"
    default_message = _("The refund is more than what is left of the redemption.")


class ReasonRequiredError(DomainError):
    code = "reason_required"
    default_message = _("An adjustment needs a reason.")
