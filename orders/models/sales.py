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

    number = models.CharField(
        max_length=20, unique=True, help_text=_("Told to the customer."), verbose_name=_("number")
    )
    kind = models.CharField(
        max_length=8, choices=Kind.choices, default=Kind.ORDER, verbose_name=_("kind")
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="orders", verbose_name=_("channel")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
    )
    fulfilment = models.CharField(
        max_length=16, choices=Fulfilment.choices, verbose_name=_("fulfilment")
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, verbose_name=_("status")
    )
    # Where the stock is reserved and picked (store, or the warehouse).
    fulfil_location = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("fulfil location")
    )
    # Where the customer collects (click-and-collect kinds); the store of a receipt.
    collect_store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collect store"),
    )
    receipt_id = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("The POS's own id; unique per store."),
        verbose_name=_("receipt ID"),
    )
    pickup_code = models.CharField(max_length=8, blank=True, verbose_name=_("pickup code"))
    shipping_address = models.JSONField(
        default=dict, blank=True, verbose_name=_("shipping address")
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    subtotal_amount = money_field(
        help_text=_("Before discounts."), verbose_name=_("subtotal amount")
    )
    discount_amount = money_field(default=0, verbose_name=_("discount amount"))
    total_amount = money_field(
        help_text=_("What the customer pays, VAT included."), verbose_name=_("total amount")
    )
    vat = models.JSONField(
        default=list, blank=True, help_text=_("[{rate, gross, net, vat}]"), verbose_name=_("VAT")
    )
    coupon_codes = models.JSONField(default=list, blank=True, verbose_name=_("coupon codes"))
    rules_version = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("The rules version the order was priced with."),
        verbose_name=_("rules version"),
    )
    till = models.CharField(
        max_length=64, blank=True, help_text=_("The POS till of a receipt."), verbose_name=_("till")
    )
    language = models.CharField(max_length=5, default="en", verbose_name=_("language"))
    notify_email = models.BooleanField(default=True, verbose_name=_("notify email"))
    notify_sms = models.BooleanField(default=False, verbose_name=_("notify SMS"))
    placed_at = models.DateTimeField(verbose_name=_("placed"))
    promised_at = models.DateTimeField(
        null=True, blank=True, help_text=_("Ready by."), verbose_name=_("promised")
    )
    picking_at = models.DateTimeField(null=True, blank=True, verbose_name=_("picking"))
    ready_at = models.DateTimeField(null=True, blank=True, verbose_name=_("ready"))
    pickup_expires_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("pickup expires")
    )
    reminded_at = models.DateTimeField(null=True, blank=True, verbose_name=_("reminded"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed"))
    transfer = models.ForeignKey(
        "inventory.Transfer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("transfer"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
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

    class SubstituteRule(models.TextChoices):
        """What the shop does when a substitute's own price differs from the line's paid price."""

        KEEP_PRICE = "keep_price", _("The customer pays the ordered price, dearer or cheaper")
        REFUND_CHEAPER = (
            "refund_cheaper",
            _("A dearer substitute at the ordered price; a cheaper one refunds the difference"),
        )

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    line_no = models.PositiveSmallIntegerField(verbose_name=_("line number"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    sku = models.CharField(max_length=64, verbose_name=_("SKU"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    gtin = models.CharField(max_length=14, blank=True, verbose_name=_("GTIN"))
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    unit_price_amount = money_field(verbose_name=_("unit price amount"))
    base_total_amount = money_field(verbose_name=_("base total amount"))
    discount_amount = money_field(default=0, verbose_name=_("discount amount"))
    total_amount = money_field(
        help_text=_("Paid for this line after its discounts."), verbose_name=_("total amount")
    )
    vat_rate = models.DecimalField(max_digits=5, decimal_places=2, verbose_name=_("VAT rate"))
    vat_amount = money_field(verbose_name=_("VAT amount"))
    discounts = models.JSONField(
        default=list,
        blank=True,
        help_text=_("[{campaign, name, kind, text, amount, coupon}]"),
        verbose_name=_("discounts"),
    )
    price_list_code = models.CharField(max_length=32, blank=True, verbose_name=_("price list code"))
    unit_paid = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "What each unit paid, lowest first, as decimal strings summing to the total; "
            "empty for a receipt that sent no unit shares."
        ),
        verbose_name=_("unit paid"),
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.OPEN, verbose_name=_("status")
    )
    substitute_for = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substitutes",
        verbose_name=_("substitute for"),
    )
    substitute_rule = models.CharField(
        max_length=16,
        choices=SubstituteRule.choices,
        blank=True,
        help_text=_("On a substitute line: the shop's rule applied to the price difference."),
        verbose_name=_("substitute rule"),
    )
    substitute_price_amount = money_field(
        null=True,
        blank=True,
        help_text=_("On a substitute line: what the substitute itself cost for the quantity."),
        verbose_name=_("substitute price amount"),
    )
    returned_quantity = models.PositiveIntegerField(default=0, verbose_name=_("returned quantity"))
    refunded_amount = money_field(default=0, verbose_name=_("refunded amount"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
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

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="tenders", verbose_name=_("order")
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    status = models.CharField(max_length=10, choices=Status.choices, verbose_name=_("status"))
    amount = money_field(help_text=_("Taken or held, after reductions."), verbose_name=_("amount"))
    refunded_amount = money_field(default=0, verbose_name=_("refunded amount"))
    points = models.PositiveIntegerField(
        default=0, help_text=_("Points burned (points tender)."), verbose_name=_("points")
    )
    points_refunded = models.PositiveIntegerField(default=0, verbose_name=_("points refunded"))
    code_last4 = models.CharField(max_length=4, blank=True, verbose_name=_("last four digits"))
    stored_value_account_id = models.BigIntegerField(
        null=True, blank=True, verbose_name=_("stored value account")
    )
    hold_key = models.CharField(max_length=200, blank=True, verbose_name=_("hold key"))
    redemption_key = models.CharField(max_length=200, blank=True, verbose_name=_("redemption key"))
    points_burn_key = models.CharField(
        max_length=200, blank=True, verbose_name=_("points burn key")
    )
    external_reference = models.CharField(
        max_length=200, blank=True, verbose_name=_("external reference")
    )
    external_provider = models.CharField(
        max_length=40, blank=True, verbose_name=_("external provider")
    )

    class Meta:
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
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
