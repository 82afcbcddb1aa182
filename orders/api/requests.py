"""What an orders API request may say.  Only shapes: the services judge the rules."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from orders.api.serializers import ChoiceText
from orders.models import Order, Return, ReturnLine, Tender
from pricing.api.serializers import MAX_BASKET_LINES, MAX_COUPONS, BasketLineSerializer
from retail.api.fields import ChannelCurrencyField, LocalDateTimeField, local_time_help
from retail.models import Language
from retail.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS

MAX_TENDERS = 10


def Amount(**kwargs):
    return serializers.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES, **kwargs
    )


class TenderRequestSerializer(serializers.Serializer):
    kind = ChoiceText(choices=Tender.Kind.choices)
    amount = Amount(
        required=False,
        allow_null=True,
        min_value=0,
        help_text="Leave out on the one external tender to pay the rest.",
    )
    code = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="Gift card, note or voucher."
    )
    pin = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=12)
    points = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    external_reference = serializers.CharField(required=False, allow_blank=True, max_length=200)
    provider = serializers.CharField(required=False, allow_blank=True, max_length=40)


PLACE_FULFILMENTS = [
    choice for choice in Order.Fulfilment.choices if choice[0] != Order.Fulfilment.IN_STORE
]


class OrderPlaceSerializer(serializers.Serializer):
    customer = serializers.UUIDField(help_text="The customer's public id.")
    lines = BasketLineSerializer(many=True, allow_empty=False, max_length=MAX_BASKET_LINES)
    fulfilment = ChoiceText(choices=PLACE_FULFILMENTS)
    collect_store = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="Store code to collect at; a store key defaults to its own store.",
    )
    source_store = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=16,
        help_text="Store or warehouse that ships (collect elsewhere, ship-from-store).",
    )
    shipping_address = serializers.DictField(required=False)
    coupons = serializers.ListField(
        child=serializers.CharField(max_length=32), required=False, max_length=MAX_COUPONS
    )
    expected_total = Amount(
        required=False,
        allow_null=True,
        help_text="The total shown to the customer; a different price is `price_changed` (409).",
    )
    tenders = TenderRequestSerializer(many=True, allow_empty=False, max_length=MAX_TENDERS)
    notify_email = serializers.BooleanField(default=True)
    notify_sms = serializers.BooleanField(default=False)
    language = serializers.ChoiceField(choices=Language.choices, required=False)
    promised_at = LocalDateTimeField(
        store_field="collect_store",
        required=False,
        allow_null=True,
        help_text=local_time_help(_("When the order is promised to the customer.")),
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class ShortPickSerializer(serializers.Serializer):
    substitute_sku = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="SKU or GTIN of a substitute from this store's stock; none: remove and refund.",
    )


class ShipSerializer(serializers.Serializer):
    tracking = serializers.CharField(required=False, allow_blank=True, max_length=200)


class HandOverSerializer(serializers.Serializer):
    pickup_code = serializers.CharField(max_length=20, help_text="As scanned or typed.")


class ReturnLineRequestSerializer(serializers.Serializer):
    line_no = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1)
    condition = ChoiceText(
        choices=ReturnLine.Condition.choices, default=ReturnLine.Condition.RESELLABLE
    )


class ReturnRequestSerializer(serializers.Serializer):
    lines = ReturnLineRequestSerializer(many=True, allow_empty=False, max_length=MAX_BASKET_LINES)
    refund_to = ChoiceText(choices=Return.RefundTo.choices, default=Return.RefundTo.ORIGINAL)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)
    customer = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The order's customer: lets any store take back another channel's order.",
    )


class ExchangeRequestSerializer(serializers.Serializer):
    lines = ReturnLineRequestSerializer(many=True, allow_empty=False, max_length=MAX_BASKET_LINES)
    new_lines = BasketLineSerializer(many=True, allow_empty=False, max_length=MAX_BASKET_LINES)
    tenders = TenderRequestSerializer(many=True, required=False, max_length=MAX_TENDERS)
    customer = serializers.UUIDField(required=False, allow_null=True)


class ReceiptLineSerializer(serializers.Serializer):
    sku = serializers.CharField(required=False, max_length=64)
    gtin = serializers.CharField(required=False, max_length=14)
    quantity = serializers.IntegerField(min_value=1, max_value=9999)
    unit_price = Amount(min_value=0)
    total = Amount(min_value=0, help_text="Paid for the line after its discounts.")
    discounts = serializers.ListField(child=serializers.DictField(), required=False)

    def validate(self, attrs):
        if bool(attrs.get("sku")) == bool(attrs.get("gtin")):
            raise serializers.ValidationError(
                {"sku": "Give exactly one of sku or gtin."}, code="required"
            )
        return attrs


class ReceiptTenderSerializer(serializers.Serializer):
    kind = ChoiceText(choices=Tender.Kind.choices)
    amount = Amount(min_value=0)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200)
    card_last4 = serializers.CharField(required=False, allow_blank=True, max_length=4)
    points = serializers.IntegerField(required=False, min_value=0, default=0)


class ReceiptSerializer(serializers.Serializer):
    receipt_id = serializers.CharField(max_length=64, help_text="The POS's id; unique per store.")
    customer = serializers.UUIDField(required=False, allow_null=True)
    sold_at = LocalDateTimeField(help_text=local_time_help(_("When the till sold it.")))
    currency = ChannelCurrencyField(
        required=False,
        allow_blank=True,
        help_text=_("The till's currency: its channel's (the default when left out)."),
    )
    rules_version = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The `version` of the rules snapshot the till priced with "
        "(GET /api/v1/pricing/rules/); the price audit tells a stale till by it.",
    )
    till = serializers.CharField(
        required=False, allow_blank=True, max_length=64, help_text="The till's own id."
    )
    lines = ReceiptLineSerializer(many=True, allow_empty=False, max_length=MAX_BASKET_LINES)
    tenders = ReceiptTenderSerializer(many=True, allow_empty=False, max_length=MAX_TENDERS)


class HistoryQuerySerializer(serializers.Serializer):
    customer = serializers.UUIDField(help_text="The customer's public id.")


class OrderQuerySerializer(serializers.Serializer):
    customer = serializers.UUIDField(
        required=False,
        help_text="The order's customer: lets a store read another channel's order (returns).",
    )


class QueueQuerySerializer(serializers.Serializer):
    sort = ChoiceText(
        choices=[("newest", "Newest first"), ("promised", "Due soonest first")],
        default="newest",
    )


class PendingRefundsQuerySerializer(serializers.Serializer):
    provider = serializers.CharField(required=False, allow_blank=True, max_length=40)


class RefundDoneSerializer(serializers.Serializer):
    provider_reference = serializers.CharField(max_length=200)
