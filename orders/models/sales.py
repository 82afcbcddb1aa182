"""Orders and POS receipts, their lines with frozen prices, and how they were paid."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retail.models import Channel, Customer, Product, Store
from retail.money_fields import Currency, money_field


class Order(models.Model):
    """A customer's purchase in one channel: an order to fulfil, or a completed POS receipt."""

    class Kind(models.TextChoices):
        ORDER = "order", pgettext_lazy("purchase order", "Order")
        RECEIPT = "receipt", _("POS receipt")

    class Fulfilment(models.TextChoices):
        CLICK_COLLECT = "click_collect", _("Click-and-collect")
        COLLECT_OTHER = "collect_other", _("Collect here, sourced from another store")
        SHIP_FROM_STORE = "ship_from_store", _("Ship from store")
        HOME_DELIVERY = "home_delivery", _("Home delivery from the warehouse")
        IN_STORE = "in_store", _("Bought in store")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        PICKING = "picking", _("Picking")
        IN_TRANSIT = "in_transit", _("On its way to the collecting store")
        READY = "ready", _("Ready for pickup")
        COLLECTED = "collected", _("Collected")
        SHIPPED = "shipped", _("Shipped")
        COMPLETED = "completed", _("Completed")  # POS receipts
        EXPIRED = "expired", _("Expired (not collected)")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.NEW, Status.PICKING, Status.IN_TRANSIT, Status.READY)
    FINAL_STATUSES = (
        Status.COLLECTED,
        Status.SHIPPED,
        Status.COMPLETED,
        Status.EXPIRED,
        Status.CANCELLED,
    )

    number = models.CharField(max_length=20, unique=True, help_text=_("Told to the customer."))
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ORDER)
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="orders"
    )
    fulfilment = models.CharField(max_length=16, choices=Fulfilment.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    # Where the stock is reserved and picked (store, or the warehouse).
    fulfil_location = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="+")
    # Where the customer collects (click-and-collect kinds); the store of a receipt.
    collect_store = models.ForeignKey(
        Store, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    receipt_id = models.CharField(
        max_length=64, blank=True, help_text=_("The POS's own id; unique per store.")
    )
    pickup_code = models.CharField(max_length=8, blank=True)
    shipping_address = models.JSONField(default=dict, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    subtotal_amount = money_field(help_text=_("Before discounts."))
    discount_amount = money_field(default=0)
    total_amount = money_field(help_text=_("What the customer pays, VAT included."))
    vat = models.JSONField(default=list, blank=True, help_text=_("[{rate, gross, net, vat}]"))
    coupon_codes = models.JSONField(default=list, blank=True)
    rules_version = models.CharField(
        max_length=64, blank=True, help_text=_("The rules version the order was priced with.")
    )
    till = models.CharField(max_length=64, blank=True, help_text=_("The POS till of a receipt."))
    language = models.CharField(max_length=5, default="en")
    notify_email = models.BooleanField(default=True)
    notify_sms = models.BooleanField(default=False)
    placed_at = models.DateTimeField()
    promised_at = models.DateTimeField(null=True, blank=True, help_text=_("Ready by."))
    picking_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    pickup_expires_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    transfer = models.ForeignKey(
        "inventory.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [
            models.Index(fields=["fulfil_location", "status", "placed_at"]),
            models.Index(fields=["collect_store", "status", "placed_at"]),
            models.Index(fields=["customer", "placed_at"]),
            models.Index(fields=["status", "pickup_expires_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["collect_store", "receipt_id"],
                condition=~Q(receipt_id=""),
                name="order_receipt_id_unique_per_store",
            ),
            models.UniqueConstraint(
                fields=["pickup_code"],
                condition=~Q(pickup_code=""),
                name="order_pickup_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=0) & Q(discount_amount__gte=0),
                name="order_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="order") | (Q(status="completed") & ~Q(receipt_id="")),
                name="order_receipt_completed_with_id",
            ),
            models.CheckConstraint(
                condition=~Q(fulfilment__in=["click_collect", "collect_other", "in_store"])
                | Q(collect_store__isnull=False),
                name="order_collect_store_given",
            ),
        ]

    def __str__(self):
        return self.number

    @property
    def reservation_reference(self) -> str:
        return f"order:{self.number}"

    @property
    def is_collect(self) -> bool:
        return self.fulfilment in (self.Fulfilment.CLICK_COLLECT, self.Fulfilment.COLLECT_OTHER)


class OrderLine(models.Model):
    """One product line, its price and discounts frozen as the customer saw them."""

    class Status(models.TextChoices):
        OPEN = "open", _("To pick")
        PICKED = "picked", _("Picked")
        REMOVED = "removed", _("Removed (short-picked)")
        SUBSTITUTED = "substituted", _("Replaced by a substitute")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    line_no = models.PositiveSmallIntegerField()
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    gtin = models.CharField(max_length=14, blank=True)
    quantity = models.PositiveIntegerField()
    unit_price_amount = money_field()
    base_total_amount = money_field()
    discount_amount = money_field(default=0)
    total_amount = money_field(help_text=_("Paid for this line after its discounts."))
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2)
    vat_amount = money_field()
    discounts = models.JSONField(
        default=list, blank=True, help_text=_("[{campaign, name, kind, text, amount, coupon}]")
    )
    price_list_code = models.CharField(max_length=32, blank=True)
    unit_paid = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "What each unit paid, lowest first, as decimal strings summing to the total; "
            "empty for a receipt that sent no unit shares."
        ),
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    substitute_for = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="substitutes"
    )
    returned_quantity = models.PositiveIntegerField(default=0)
    refunded_amount = money_field(default=0)

    class Meta:
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="order_line_no_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")),
                name="order_line_returned_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0) & Q(refunded_amount__lte=F("total_amount")),
                name="order_line_refund_within_paid",
            ),
        ]

    def __str__(self):
        return f"{self.order_id}/{self.line_no} {self.sku} x{self.quantity}"


class Tender(models.Model):
    """How (part of) an order was paid; refunds go back to it."""

    class Kind(models.TextChoices):
        POINTS = "points", _("Loyalty points")
        VOUCHER = "voucher", _("Money voucher")
        CREDIT_NOTE = "credit_note", _("Credit note")
        GIFT_CARD = "gift_card", _("Gift card")
        EXTERNAL = "external", _("External payment (card, MobilePay, cash)")

    # Stored value pays first, the external payment the rest; refunds run the other way.
    APPLY_ORDER = (Kind.POINTS, Kind.VOUCHER, Kind.CREDIT_NOTE, Kind.GIFT_CARD, Kind.EXTERNAL)

    class Status(models.TextChoices):
        HELD = "held", _("Held (captured on hand-over)")
        CAPTURED = "captured", _("Captured")
        RELEASED = "released", _("Released")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="tenders")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices)
    amount = money_field(help_text=_("Taken or held, after reductions."))
    refunded_amount = money_field(default=0)
    points = models.PositiveIntegerField(default=0, help_text=_("Points burned (points tender)."))
    points_refunded = models.PositiveIntegerField(default=0)
    code_last4 = models.CharField(max_length=4, blank=True)
    stored_value_account_id = models.BigIntegerField(null=True, blank=True)
    hold_key = models.CharField(max_length=200, blank=True)
    redemption_key = models.CharField(max_length=200, blank=True)
    points_burn_key = models.CharField(max_length=200, blank=True)
    external_reference = models.CharField(max_length=200, blank=True)
    external_provider = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0)
                & Q(refunded_amount__gte=0)
                & Q(refunded_amount__lte=F("amount")),
                name="tender_refund_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(points_refunded__lte=F("points")), name="tender_points_refund_within"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"
