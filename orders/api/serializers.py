"""What the orders API answers: orders and receipts, lines, tenders, returns, refunds.

Money is a decimal string with two decimals beside the order's ``currency``.
Stored-value codes are never shown, only their last four characters.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orders.models import Order, OrderLine, Refund, Return, ReturnLine, Tender
from orders.selectors import order_details
from orders.selectors_figures import OrderFigures, order_figures
from pricing.api.serializers import Money


@extend_schema_field(OpenApiTypes.STR)
class ChoiceText(serializers.ChoiceField):
    """A choice documented as a string listing its values.

    Not an enum component: the orders API has several ``kind`` and ``status``
    choice sets, and shared enum names would collide in the schema.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        values = ", ".join(f"`{value}`" for value in self.choices)
        help_text = str(self.help_text or "").strip()
        self.help_text = f"{help_text} One of {values}." if help_text else f"One of {values}."


class ModelSerializer(serializers.ModelSerializer):
    serializer_choice_field = ChoiceText


class FrozenDiscountSerializer(serializers.Serializer):
    campaign = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    text = serializers.CharField()
    amount = serializers.CharField(help_text="Decimal string.")
    coupon = serializers.CharField(allow_null=True, allow_blank=True)


class OrderLineSerializer(ModelSerializer):
    unit_price = Money(source="unit_price_amount")
    base_total = Money(source="base_total_amount", help_text="Before discounts.")
    discount = Money(source="discount_amount")
    total = Money(source="total_amount", help_text="Paid for the line after its discounts.")
    vat_amount = Money()
    refunded = Money(source="refunded_amount")
    discounts = FrozenDiscountSerializer(many=True, help_text="Frozen as the customer saw them.")
    substitute_for = serializers.SerializerMethodField(help_text="Line no. this one replaces.")
    substitute_price = Money(
        source="substitute_price_amount",
        allow_null=True,
        help_text="On a substitute line: what the substitute itself cost for the quantity.",
    )

    class Meta:
        model = OrderLine
        fields = [
            "line_no",
            "sku",
            "name",
            "gtin",
            "quantity",
            "unit_price",
            "base_total",
            "discount",
            "total",
            "vat_rate",
            "vat_amount",
            "discounts",
            "status",
            "substitute_for",
            "substitute_rule",
            "substitute_price",
            "returned_quantity",
            "refunded",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_substitute_for(self, line):
        return line.substitute_for.line_no if line.substitute_for_id else None


class OrderTenderSerializer(ModelSerializer):
    amount = Money()
    refunded = Money(source="refunded_amount")
    card_last4 = serializers.CharField(
        source="code_last4", help_text="Last four characters of a gift card, note or voucher."
    )
    provider = serializers.CharField(source="external_provider")

    class Meta:
        model = Tender
        fields = [
            "kind",
            "status",
            "amount",
            "refunded",
            "points",
            "points_refunded",
            "card_last4",
            "provider",
            "external_reference",
        ]


class OrderRefundSerializer(ModelSerializer):
    order = serializers.CharField(source="order.number")
    amount = Money()
    card_last4 = serializers.CharField(source="code_last4")
    provider = serializers.SerializerMethodField()

    class Meta:
        model = Refund
        fields = [
            "id",
            "order",
            "reason",
            "kind",
            "status",
            "amount",
            "currency",
            "points",
            "card_last4",
            "provider",
            "external_reference",
            "created_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_provider(self, refund) -> str:
        return refund.tender.external_provider if refund.tender_id else ""


class ReturnLineSerializer(ModelSerializer):
    line_no = serializers.IntegerField(source="order_line.line_no")
    sku = serializers.CharField(source="order_line.sku")
    refund_amount = Money()

    class Meta:
        model = ReturnLine
        fields = ["line_no", "sku", "quantity", "condition", "refund_amount"]


class ReturnSummarySerializer(ModelSerializer):
    store = serializers.SlugRelatedField(slug_field="code", read_only=True)
    refund_amount = Money()
    lines = ReturnLineSerializer(many=True)
    exchange_order = serializers.SlugRelatedField(
        slug_field="number", read_only=True, allow_null=True
    )

    class Meta:
        model = Return
        fields = [
            "number",
            "store",
            "refund_to",
            "refund_amount",
            "currency",
            "reason",
            "created_at",
            "lines",
            "exchange_order",
        ]


class VatSerializer(serializers.Serializer):
    rate = serializers.CharField()
    gross = serializers.CharField()
    net = serializers.CharField()
    vat = serializers.CharField()


class FigureLineSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.CharField(help_text="Decimal string.")
    total = serializers.CharField(help_text="Decimal string: paid for the line as ordered.")
    status = serializers.CharField()


class FigureRemovedSerializer(serializers.Serializer):
    line_no = serializers.IntegerField()
    sku = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.IntegerField()
    amount = serializers.CharField(help_text="Decimal string: refunded for the line.")


class FigureSubstitutedSerializer(serializers.Serializer):
    line_no = serializers.IntegerField(help_text="The original line.")
    from_sku = serializers.CharField()
    to_line_no = serializers.IntegerField(help_text="The substitute's line.")
    to_sku = serializers.CharField()
    quantity = serializers.IntegerField()
    ordered_total = serializers.CharField(help_text="Decimal string: what the original cost.")
    substitute_total = serializers.CharField(
        allow_null=True, help_text="Decimal string: the substitute's own price; null if unknown."
    )
    difference = serializers.CharField(
        help_text="Decimal string: substitute minus ordered (positive: dearer)."
    )
    rule = serializers.CharField(
        help_text="The shop's rule applied: `keep_price` or `refund_cheaper`."
    )
    refunded = serializers.CharField(help_text="Decimal string: the difference given back.")
    paid = serializers.CharField(help_text="Decimal string: what the customer pays for it.")


class FigureRefundSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="The tender refunded to.")
    amount = serializers.CharField(help_text="Decimal string.")


class OrderFiguresSerializer(serializers.Serializer):
    """What was ordered, removed, substituted and refunded, and what is paid (``order_figures``)."""

    currency = serializers.CharField()
    ordered_total = serializers.CharField(help_text="Decimal string: the total as ordered.")
    ordered = FigureLineSerializer(many=True)
    removed_total = serializers.CharField(help_text="Decimal string.")
    removed = FigureRemovedSerializer(many=True)
    substituted = FigureSubstitutedSerializer(many=True)
    refunded_total = serializers.CharField(help_text="Decimal string: every refund so far.")
    refunds = FigureRefundSerializer(many=True, help_text="Refunded per tender kind.")
    paid_total = serializers.CharField(
        help_text="Decimal string: ordered minus refunded, what is paid for what is collected."
    )
    vat = VatSerializer(many=True, help_text="VAT of what is paid, per rate.")
    vat_total = serializers.CharField(help_text="Decimal string.")


def _figures(order: Order) -> OrderFigures:
    # Computed once per order and serializer pass from the prefetched lines and refunds.
    cached = getattr(order, "_api_figures", None)
    if cached is None:
        cached = order._api_figures = order_figures(order)
    return cached


class OrderSerializer(ModelSerializer):
    """An order or a POS receipt with its lines, tenders, returns and refunds."""

    channel = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    customer = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    fulfil_location = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    collect_store = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    subtotal = Money(source="subtotal_amount", help_text="Before discounts.")
    discount = Money(source="discount_amount")
    total = Money(source="total_amount", help_text="What the customer pays, VAT included.")
    vat = VatSerializer(many=True)
    coupons = serializers.ListField(source="coupon_codes", child=serializers.CharField())
    lines = OrderLineSerializer(many=True)
    tenders = OrderTenderSerializer(many=True)
    returns = ReturnSummarySerializer(many=True)
    refunds = OrderRefundSerializer(many=True)
    ordered_total = serializers.SerializerMethodField(
        help_text="Decimal string: the total as ordered (same as `total`)."
    )
    refunded_total = serializers.SerializerMethodField(
        help_text="Decimal string: everything refunded on the order (short picks, returns, ...)."
    )
    paid_total = serializers.SerializerMethodField(
        help_text="Decimal string: ordered minus refunded, what is paid for what is collected."
    )
    figures = serializers.SerializerMethodField(
        help_text="Ordered, removed, substituted, refunded and paid, as on every screen."
    )

    class Meta:
        model = Order
        fields = [
            "number",
            "kind",
            "status",
            "channel",
            "customer",
            "fulfilment",
            "fulfil_location",
            "collect_store",
            "receipt_id",
            "pickup_code",
            "shipping_address",
            "currency",
            "subtotal",
            "discount",
            "total",
            "vat",
            "coupons",
            "language",
            "notify_email",
            "notify_sms",
            "placed_at",
            "promised_at",
            "ready_at",
            "pickup_expires_at",
            "closed_at",
            "lines",
            "tenders",
            "returns",
            "refunds",
            "ordered_total",
            "refunded_total",
            "paid_total",
            "figures",
        ]

    @extend_schema_field(serializers.CharField())
    def get_ordered_total(self, order) -> str:
        return str(_figures(order).ordered_total)

    @extend_schema_field(serializers.CharField())
    def get_refunded_total(self, order) -> str:
        return str(_figures(order).refunded_total)

    @extend_schema_field(serializers.CharField())
    def get_paid_total(self, order) -> str:
        return str(_figures(order).paid_total)

    @extend_schema_field(OrderFiguresSerializer())
    def get_figures(self, order) -> dict:
        return _figures(order).as_json()


class HistoryOrderSerializer(OrderSerializer):
    """A purchase in the customer's history: no pickup code or delivery address."""

    class Meta(OrderSerializer.Meta):
        fields = [
            f for f in OrderSerializer.Meta.fields if f not in ("pickup_code", "shipping_address")
        ]


class ReturnSerializer(ReturnSummarySerializer):
    order = serializers.CharField(source="order.number")
    refunds = OrderRefundSerializer(many=True)
    exchange_order = serializers.SerializerMethodField(help_text="The new sale of an exchange.")

    class Meta(ReturnSummarySerializer.Meta):
        fields = ["order", *ReturnSummarySerializer.Meta.fields, "refunds"]

    @extend_schema_field(OrderSerializer(allow_null=True))
    def get_exchange_order(self, record):
        if not record.exchange_order_id:
            return None
        return OrderSerializer(order_details().get(pk=record.exchange_order_id)).data


class QueueOrderSerializer(ModelSerializer):
    customer_name = serializers.SerializerMethodField()
    total = Money(source="total_amount")

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "fulfilment",
            "customer_name",
            "total",
            "currency",
            "placed_at",
            "promised_at",
            "ready_at",
            "pickup_expires_at",
        ]

    @extend_schema_field(serializers.CharField())
    def get_customer_name(self, order) -> str:
        customer = order.customer
        if customer is None:
            return ""
        return f"{customer.first_name} {customer.last_name}".strip()


class QueueRowSerializer(serializers.Serializer):
    """A ``orders.queue.QueueRow``: the order, its open lines, age and due time."""

    order = QueueOrderSerializer()
    lines_count = serializers.IntegerField(help_text="Lines still to hand over.")
    age_minutes = serializers.SerializerMethodField()
    due_at = serializers.DateTimeField(
        allow_null=True, help_text="Pickup expiry when ready, else the promised time."
    )
    overdue = serializers.BooleanField()

    @extend_schema_field(serializers.IntegerField())
    def get_age_minutes(self, row) -> int:
        return max(int(row.age.total_seconds() // 60), 0)


class QueueSectionSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="new, picking, in_transit, ready or overdue.")
    title = serializers.CharField()
    count = serializers.IntegerField()
    rows = QueueRowSerializer(many=True)


class QueueSerializer(serializers.Serializer):
    store = serializers.CharField()
    sort = serializers.CharField()
    sections = QueueSectionSerializer(many=True)
