"""Orders and POS receipts, their tenders, returns, refunds and the notification outbox.

One ``Order`` table holds both what a channel orders (click-and-collect,
ship-from-store, delivery, collect from another store) and what a POS sold
(``kind=receipt``), so a customer's purchase history, returns and refunds
work the same for both.  Lines freeze the price and its explanation as the
customer saw it.  Amount columns are VAT-inclusive ``Decimal`` beside the
order's ``currency``; every write goes through ``orders.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from retail.models import Channel, Customer, Product, Store
from retail.money import Currency, money_field


class Order(models.Model):
    """A customer's purchase in one channel: an order to fulfil, or a completed POS receipt."""

    class Kind(models.TextChoices):
        ORDER = "order", _("Order")
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
    rules_version = models.CharField(max_length=64, blank=True)
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


class Return(models.Model):
    """Lines of one order or receipt brought back (in a store or by post), maybe as an exchange."""

    class RefundTo(models.TextChoices):
        ORIGINAL = "original", _("Original tenders")
        CREDIT_NOTE = "credit_note", _("Credit note")

    number = models.CharField(max_length=20, unique=True)
    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="returns")
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where it was returned; empty: by post to the warehouse."),
    )
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="+")
    refund_to = models.CharField(max_length=12, choices=RefundTo.choices)
    refund_amount = money_field(default=0)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    exchange_order = models.OneToOneField(
        Order, on_delete=models.PROTECT, null=True, blank=True, related_name="exchanged_from"
    )
    source_key = models.CharField(max_length=200, unique=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.number


class ReturnLine(models.Model):
    class Condition(models.TextChoices):
        RESELLABLE = "resellable", _("Back to stock")
        DAMAGED = "damaged", _("Damaged: written off")

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT, related_name="return_lines")
    quantity = models.PositiveIntegerField()
    condition = models.CharField(max_length=12, choices=Condition.choices)
    refund_amount = money_field()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="return_line_quantity_positive"
            )
        ]

    def __str__(self):
        return f"{self.order_line_id} x{self.quantity}"


class Refund(models.Model):
    """Money (or points) given back on one tender, or a new credit note, for one reason."""

    class Reason(models.TextChoices):
        SHORT_PICK = "short_pick", _("Item missing when picking")
        RETURN = "return", _("Return")
        EXPIRED = "expired", _("Order not collected")
        CANCELLED = "cancelled", _("Order cancelled")
        EXCHANGE = "exchange", _("Exchange difference")

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        PENDING = "pending", _("Instruction for the payment provider")

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="refunds")
    tender = models.ForeignKey(
        Tender, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    return_record = models.ForeignKey(
        Return, on_delete=models.PROTECT, null=True, blank=True, related_name="refunds"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    kind = models.CharField(max_length=12, choices=Tender.Kind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DONE)
    amount = money_field()
    currency = models.CharField(max_length=3, choices=Currency.choices)
    points = models.PositiveIntegerField(default=0)
    stored_value_account_id = models.BigIntegerField(null=True, blank=True)
    code_last4 = models.CharField(max_length=4, blank=True)
    external_reference = models.CharField(max_length=200, blank=True)
    source_key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="refund_amount_not_negative")
        ]

    def __str__(self):
        return f"{self.reason} {self.kind} {self.amount}"


class OrderEvent(models.Model):
    """What happened to an order, for staff and the customer's history (append-only)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32)
    message = models.CharField(max_length=300, blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.order_id} {self.kind}"


class Notification(models.Model):
    """Outbox: written in the event's transaction, sent after commit by a task, exactly once."""

    class Kind(models.TextChoices):
        ORDER_CONFIRMED = "order_confirmed", _("Order confirmation")
        READY = "ready", _("Ready for pickup")
        REMINDER = "reminder", _("Pickup reminder")
        EXPIRED = "expired", _("Order expired")
        SHORT_PICKED = "short_picked", _("Item missing")
        REFUND_ISSUED = "refund_issued", _("Refund issued")
        SHIPPED = "shipped", _("Order shipped")

    class Medium(models.TextChoices):
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed (gave up)")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    medium = models.CharField(max_length=8, choices=Medium.choices)
    recipient = models.CharField(max_length=254)
    language = models.CharField(max_length=5)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    dedupe_key = models.CharField(max_length=200, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.medium} {self.order_id}"
