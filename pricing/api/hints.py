"""Serializers of hints and coupon results: structured fields and a message in the
response language (rendered by ``pricing.api.texts``; activate the language first)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from pricing.api import texts
from pricing.api.money import Money
from pricing.engine import types as t

HINT_KINDS = [t.ADD_QUANTITY, t.COMPLETE_BUNDLE, t.SPEND_MORE, t.ADD_GIFT]
TARGET_TYPES = [t.TARGET_PRODUCT, t.TARGET_CATEGORY, t.TARGET_BRAND, t.TARGET_SET, t.TARGET_BASKET]
COUPON_REASONS = [
    t.COUPON_NO_ITEMS,
    t.COUPON_SPEND_SHORT,
    t.COUPON_QUANTITY_SHORT,
    t.COUPON_BETTER_OFFER,
    t.COUPON_OTHER_CHANNEL,
    t.COUPON_OTHER_STORE,
    t.COUPON_CUSTOMER_GROUP,
    t.COUPON_OTHER_CURRENCY,
    t.COUPON_NOT_STARTED,
    t.COUPON_ENDED,
    t.COUPON_NOT_APPLICABLE,
]


def _currency(serializer) -> str:
    """The basket's currency, from the quote the root serializer renders."""
    return serializer.root.instance.basket.currency


class HintTargetSerializer(serializers.Serializer):
    type = serializers.ChoiceField(
        choices=TARGET_TYPES,
        help_text="What to add or spend on: a product, a category, brand or product set, "
        "or the whole basket.",
    )
    code = serializers.CharField(
        help_text="The product's SKU, or the category, brand or set code; empty for the basket."
    )
    name = serializers.CharField(help_text="Its name as a customer reads it; empty for the basket.")


class HintRewardSerializer(serializers.Serializer):
    amount = Money(help_text="The discount the customer would get (at today's prices).")
    currency = serializers.SerializerMethodField(help_text="Currency of `amount`.")
    text = serializers.SerializerMethodField(
        help_text='The deal in a few words, in the response language ("3 for 2", "10% off").'
    )

    def get_currency(self, reward) -> str:
        return _currency(self)

    def get_text(self, reward) -> str:
        return texts.reward_text(reward, _currency(self))


class HintSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=HINT_KINDS,
        help_text="add_quantity: add `missing_quantity` more of `target`; complete_bundle: add "
        "the missing component `target`; spend_more: spend `missing_amount` more on `target`; "
        "add_gift: add the gift `target`, it is free with the purchase.",
    )
    campaign = serializers.CharField(source="campaign_code", help_text="The campaign's code.")
    target = HintTargetSerializer(help_text="What to add or spend on.")
    missing_quantity = serializers.IntegerField(
        allow_null=True, help_text="Units to add; null for a spend hint."
    )
    missing_amount = Money(allow_null=True, help_text="Spend to add; null for a quantity hint.")
    reward = HintRewardSerializer(help_text="What acting on the hint gives.")
    message = serializers.SerializerMethodField(
        help_text="The hint as one sentence in the response language (`language`, else "
        "Accept-Language, else the channel's)."
    )

    def get_message(self, hint) -> str:
        return texts.hint_message(hint, _currency(self))


class CouponResultSerializer(serializers.Serializer):
    code = serializers.CharField()
    applied = serializers.BooleanField()
    status = serializers.SerializerMethodField(
        help_text="`applied`, or `not_applicable` for a valid code that gives nothing here."
    )
    reason = serializers.SerializerMethodField(
        help_text="Why a valid code gives nothing (null when applied): "
        "no_qualifying_items, spend_short, quantity_short, better_offer_applies, "
        "other_channel, other_store, customer_group, other_currency, not_started, ended, "
        "not_applicable (no more precise reason)."
    )
    message = serializers.SerializerMethodField(
        help_text="The reason as a cashier can say it, in the response language; "
        "empty when applied."
    )

    @extend_schema_field(
        {"type": "string", "enum": ["applied", "not_applicable"], "example": "not_applicable"}
    )
    def get_status(self, coupon):
        return "applied" if coupon.applied else "not_applicable"

    @extend_schema_field({"type": "string", "nullable": True, "enum": [*COUPON_REASONS, None]})
    def get_reason(self, coupon):
        return None if coupon.applied else (coupon.reason or t.COUPON_NOT_APPLICABLE)

    def get_message(self, coupon) -> str:
        return texts.coupon_message(coupon, _currency(self))
