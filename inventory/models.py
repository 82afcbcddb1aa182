"""Inventory owns stock: levels, the movement ledger, reservations, buffers, transfers, feeds.

Imports ``retail`` only; never ``pricing``, ``loyalty`` or ``orders``.
Stock changes only through ``inventory.services``: one conditional statement
or row locks in primary-key order, with the movement in the same transaction.
The CHECK constraints below hold whatever the code does.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from retail.models import Category, Channel, Customer, Product, Store


class StockLevel(models.Model):
    """On hand and reserved units of a product at a location (store or warehouse)."""

    location = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("location")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("product")
    )
    on_hand = models.IntegerField(default=0, verbose_name=_("on hand"))
    reserved = models.IntegerField(default=0, verbose_name=_("reserved"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["location", "product"], name="stock_level_unique"),
            models.CheckConstraint(condition=Q(on_hand__gte=0), name="stock_on_hand_not_negative"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]
        indexes = [
            # Availability reads every location of a few products: on PostgreSQL the
            # figures ride in the index, so that is an index-only scan of a few pages
            # instead of one heap page per (location, product).  SQLite ignores ``include``.
            models.Index(
                fields=["product", "location"],
                include=["on_hand", "reserved"],
                name="stock_level_by_product",
            )
        ]

    def __str__(self):
        where = f"{self.location_id}/{self.product_id}"
        return f"{where}: {self.on_hand} on hand, {self.reserved} reserved"


class StockMovement(models.Model):
    """Append-only ledger: on hand at a location is always the sum of its movements."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", pgettext_lazy("goods received", "Receipt")
        SALE = "sale", _("Sale")
        RETURN = "return", pgettext_lazy("goods returned", "Return")
        ADJUSTMENT = "adjustment", _("Adjustment")
        COUNT_CORRECTION = "count_correction", _("Count correction")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")
        RESERVATION_CONSUMED = "reservation_consumed", _("Reservation consumed")

    location = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    kind = models.CharField(max_length=24, choices=Kind.choices, verbose_name=_("kind"))
    quantity = models.IntegerField(
        help_text=_("Signed: positive adds to on hand."), verbose_name=_("quantity")
    )
    on_hand_after = models.IntegerField(null=True, blank=True, verbose_name=_("on hand after"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(
        max_length=100,
        blank=True,
        help_text=_("Who, when not a user: a POS, a feed, a task."),
        verbose_name=_("actor label"),
    )
    source_document = models.CharField(
        max_length=100, blank=True, verbose_name=_("source document")
    )
    source_key = models.CharField(max_length=200, unique=True, verbose_name=_("source key"))
    created_at = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        indexes = [models.Index(fields=["location", "product", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(quantity=0), name="stock_movement_not_zero"),
        ]

    def __str__(self):
        return f"{self.kind} {self.quantity:+d} {self.location_id}/{self.product_id}"


class Reservation(models.Model):
    """Units held at a location for an order, a customer or a staff hold, until it expires.

    Lines reserved together (all or nothing) share ``reference``.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CONSUMED = "consumed", _("Consumed")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    class ReferenceKind(models.TextChoices):
        ORDER = "order", pgettext_lazy("purchase order", "Order")
        CUSTOMER = "customer", _("Customer")
        STAFF_HOLD = "staff_hold", _("Staff hold")

    location = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("location")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    reference_kind = models.CharField(
        max_length=16, choices=ReferenceKind.choices, verbose_name=_("reference kind")
    )
    reference = models.CharField(max_length=100, db_index=True, verbose_name=_("reference"))
    customer = models.ForeignKey(
        Customer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    created_at = models.DateTimeField(verbose_name=_("created"))
    expires_at = models.DateTimeField(verbose_name=_("expires"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed"))
    close_reason = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Why it ended, e.g. released because a count found fewer units."),
        verbose_name=_("close reason"),
    )

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        indexes = [
            models.Index(fields=["status", "expires_at"]),
            models.Index(fields=["location", "product", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="reservation_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_at__isnull=True)
                | (~Q(status="active") & Q(closed_at__isnull=False)),
                name="reservation_closed_when_final",
            ),
        ]

    def __str__(self):
        what = f"{self.quantity} x {self.product_id} @ {self.location_id}"
        return f"{self.reference} {what} ({self.status})"


class SafetyBuffer(models.Model):
    """Units withheld from a channel's available-to-promise.

    The most specific row wins: product, then category (nearest ancestor),
    then store, then the channel default (all three empty).
    """

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel")
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("store"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))

    class Meta:
        verbose_name = _("safety buffer")
        verbose_name_plural = _("safety buffers")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "store", "category", "product"],
                name="safety_buffer_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(category__isnull=True) | Q(product__isnull=True),
                name="safety_buffer_category_or_product",
            ),
        ]

    def __str__(self):
        return f"{self.channel_id} buffer {self.quantity}"


class ChannelLocation(models.Model):
    """A location whose stock a channel may promise (e.g. the webshop sells from the warehouse)."""

    channel = models.ForeignKey(
        Channel, on_delete=models.CASCADE, related_name="+", verbose_name=_("channel")
    )
    location = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="+", verbose_name=_("location")
    )

    class Meta:
        verbose_name = _("channel location")
        verbose_name_plural = _("channel locations")
        constraints = [
            models.UniqueConstraint(fields=["channel", "location"], name="channel_location_unique")
        ]

    def __str__(self):
        return f"{self.channel_id} <- {self.location_id}"


class Transfer(models.Model):
    """Stock in transit between two locations: shipped from one, received at the other."""

    class Status(models.TextChoices):
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")

    number = models.CharField(max_length=32, unique=True, verbose_name=_("number"))
    source = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("source")
    )
    destination = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("destination")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.IN_TRANSIT, verbose_name=_("status")
    )
    reference = models.CharField(max_length=100, blank=True, verbose_name=_("reference"))
    shipped_at = models.DateTimeField(verbose_name=_("shipped"))
    received_at = models.DateTimeField(null=True, blank=True, verbose_name=_("received"))

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source=F("destination")), name="transfer_between_two_locations"
            )
        ]

    def __str__(self):
        return self.number


class TransferLine(models.Model):
    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transfer")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    received_quantity = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("received quantity")
    )

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="transfer_line_quantity_positive"
            ),
            models.UniqueConstraint(fields=["transfer", "product"], name="transfer_line_unique"),
        ]

    def __str__(self):
        return f"{self.transfer_id}: {self.quantity} x {self.product_id}"


class StockFeedRun(models.Model):
    """One ingestion of a POS/ERP stock feed: its progress and its summary."""

    class Kind(models.TextChoices):
        SNAPSHOT = "snapshot", _("Snapshot (absolute counts)")
        DELTA = "delta", _("Delta (sales and receipts)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        REJECTED = "rejected", _("Rejected")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    source = models.CharField(
        max_length=50, help_text=_("E.g. erp, pos:DK-CPH01."), verbose_name=_("source")
    )
    feed_id = models.CharField(
        max_length=200,
        unique=True,
        help_text=_("The sender's id of the feed; a replay is a no-op."),
        verbose_name=_("feed ID"),
    )
    file = models.FileField(upload_to="stock-feeds/%Y/%m/%d/", blank=True, verbose_name=_("file"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    rows_total = models.PositiveIntegerField(null=True, blank=True, verbose_name=_("rows total"))
    rows_read = models.PositiveIntegerField(default=0, verbose_name=_("rows read"))
    rows_changed = models.PositiveIntegerField(default=0, verbose_name=_("rows changed"))
    unknown_skus = models.JSONField(default=list, blank=True, verbose_name=_("unknown skus"))
    errors = models.JSONField(default=list, blank=True, verbose_name=_("errors"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    api_client = models.ForeignKey(
        "retail.ApiClient",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("API client"),
        help_text=_("The API client that sent it; a chain-wide key sees only its own runs."),
    )
    created_at = models.DateTimeField(verbose_name=_("created"))
    started_at = models.DateTimeField(null=True, blank=True, verbose_name=_("started"))
    finished_at = models.DateTimeField(null=True, blank=True, verbose_name=_("finished"))

    class Meta:
        verbose_name = _("stock feed run")
        verbose_name_plural = _("stock feed runs")

    def __str__(self):
        return f"{self.kind} {self.feed_id} ({self.status})"
