"""The words of hints and coupon reasons, in the customer's language.

The engine answers with structures (``pricing.engine.types.Hint``,
``CouponResult``); this renders them with gettext, named placeholders so a
translation may reorder them, and money in the language's number format
("50,00 DKK" in Danish).  Call inside ``translation.override(language)``.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from pricing.engine import types as t


def money_text(amount: Decimal, currency: str) -> str:
    """``amount`` in the active language's number format, with the currency code."""
    number = formats.number_format(amount, decimal_pos=2, use_l10n=True)
    return _("%(amount)s %(currency)s") % {"amount": number, "currency": currency}


def percent_text(percent: Decimal) -> str:
    number = formats.number_format(percent.normalize(), use_l10n=True)
    return _("%(percent)s%%") % {"percent": number}


def target_text(target: t.HintTarget) -> str:
    """What to add or spend on, as a customer reads it."""
    if target.type == t.TARGET_BASKET:
        return pgettext("hint target", "the basket")
    if target.type == t.TARGET_PRODUCT:
        return _("%(name)s (%(sku)s)") % {"name": target.name, "sku": target.code}
    return target.name


def reward_text(reward: t.HintReward, currency: str) -> str:
    """The deal in a few words: "3 for 2", "2 for 30,00 DKK", "10% off", "a free Mug"."""
    if reward.kind == t.REWARD_FREE_UNITS:
        return _("%(size)s for %(pay)s") % {"size": reward.size, "pay": reward.pay}
    if reward.kind == t.REWARD_GROUP_PRICE:
        return _("%(size)s for %(price)s") % {
            "size": reward.size,
            "price": money_text(reward.price or Decimal(0), currency),
        }
    if reward.kind == t.REWARD_CHEAPEST_PERCENT:
        return _("%(percent)s off the cheapest of %(size)s") % {
            "percent": percent_text(reward.percent or Decimal(0)),
            "size": reward.size,
        }
    if reward.kind == t.REWARD_PERCENT:
        return _("%(percent)s off") % {"percent": percent_text(reward.percent or Decimal(0))}
    if reward.kind == t.REWARD_AMOUNT:
        amount = money_text(reward.price or reward.amount, currency)
        if reward.another:
            return _("another %(amount)s off") % {"amount": amount}
        return _("%(amount)s off") % {"amount": amount}
    if reward.kind == t.REWARD_BUNDLE:
        return _("the bundle for %(price)s") % {
            "price": money_text(reward.price or Decimal(0), currency)
        }
    if reward.kind == t.REWARD_GIFT and reward.gift is not None:
        return ngettext("a free %(name)s", "%(count)s free %(name)s", reward.quantity) % {
            "name": reward.gift.name,
            "count": reward.quantity,
        }
    return _("%(amount)s off") % {"amount": money_text(reward.amount, currency)}


def hint_message(hint: t.Hint, currency: str) -> str:
    """The hint as one sentence a customer can act on."""
    values = {
        "quantity": hint.missing_quantity,
        "amount": money_text(hint.missing_amount, currency) if hint.missing_amount else "",
        "target": target_text(hint.target),
        "reward": reward_text(hint.reward, currency),
        "saving": money_text(hint.reward.amount, currency),
    }
    if hint.kind == t.ADD_QUANTITY:
        if hint.target.type == t.TARGET_PRODUCT:
            return _("Add %(quantity)s more %(target)s to get %(reward)s") % values
        return _("Add %(quantity)s more from %(target)s to get %(reward)s") % values
    if hint.kind == t.COMPLETE_BUNDLE:
        return (
            _("Add %(quantity)s × %(target)s to complete the bundle and save %(saving)s") % values  # noqa: RUF001
        )
    if hint.kind == t.SPEND_MORE:
        if hint.target.type == t.TARGET_BASKET:
            return _("Spend %(amount)s more to get %(reward)s") % values
        return _("Spend %(amount)s more on %(target)s to get %(reward)s") % values
    if hint.kind == t.ADD_GIFT:
        return _("Add %(target)s – it's free with your purchase") % values  # noqa: RUF001
    return _("Get %(reward)s") % values


def coupon_message(coupon: t.CouponResult, currency: str) -> str:
    """Why a valid coupon gave nothing, as a cashier can say it ("" when it applied)."""
    reason = coupon.reason
    if coupon.applied:
        return ""
    if reason == t.COUPON_NO_ITEMS:
        if coupon.targets:
            names = ", ".join(target_text(target) for target in coupon.targets[:5])
            return _("Nothing in the basket is part of this offer. It applies to: %(targets)s.") % {
                "targets": names
            }
        return _("Nothing in the basket is part of this offer.")
    if reason in (t.COUPON_SPEND_SHORT, t.COUPON_QUANTITY_SHORT) and coupon.hint is not None:
        return _("Not yet: %(hint)s.") % {"hint": hint_message(coupon.hint, currency)}
    if reason == t.COUPON_BETTER_OFFER:
        return _("A better or exclusive offer (%(campaigns)s) already covers these items.") % {
            "campaigns": ", ".join(coupon.by)
        }
    if reason == t.COUPON_OTHER_CHANNEL:
        return _("This offer is not valid in this sales channel.")
    if reason == t.COUPON_OTHER_STORE:
        return _("This offer is not valid in this store.")
    if reason == t.COUPON_CUSTOMER_GROUP:
        return _("This offer is only for members of certain customer groups.")
    if reason == t.COUPON_OTHER_CURRENCY:
        return _("This offer is not valid in this currency.")
    if reason == t.COUPON_NOT_STARTED and coupon.valid_from is not None:
        return _("This offer starts on %(date)s.") % {
            "date": formats.date_format(coupon.valid_from, "SHORT_DATE_FORMAT")
        }
    if reason == t.COUPON_ENDED and coupon.valid_to is not None:
        return _("This offer ended on %(date)s.") % {
            "date": formats.date_format(coupon.valid_to, "SHORT_DATE_FORMAT")
        }
    return _("This coupon gives no discount on this basket.")
