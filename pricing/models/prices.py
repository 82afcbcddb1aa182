"""Price lists, their entries with validity, the append-only price history, product sets."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from retail.models import (
    Channel,
    Currency,
    CustomerGroup,
    Product,
    Store,
)
from retail.models.locations import code_validator
from retail.money_fields import money_field as _money


class PriceList(models.Model):
    """VAT-inclusive prices in one currency for a scope of channels, stores and customers.

    An empty scope means "all".  For a product, the applicable list with the
    highest priority gives the base price (ties: the lower amount); member and
    contract lists get a higher priority than the public list to undercut it.
    A list without customer groups is public (the Omnibus 30-day rule applies).
    """

    code = models.CharField(
        max_length=32, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    priority = models.IntegerField(default=0, verbose_name=_("priority"))
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="+", verbose_name=_("channels")
    )
    stores = models.ManyToManyField(Store, blank=True, related_name="+", verbose_name=_("stores"))
    customer_groups = models.ManyToManyField(
        CustomerGroup, blank=True, related_name="+", verbose_name=_("customer groups")
    )
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("price list")
        verbose_name_plural = _("price lists")
        ordering = ["-priority", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class PriceListEntry(models.Model):
    """The price of a product in a list from ``valid_from`` until ``valid_to`` (exclusive).

    A future price change is a second entry with a later ``valid_from``;
    nothing runs at midnight.  Periods of one list and product never overlap.
    """

    price_list = models.ForeignKey(
        PriceList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("price list")
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="+", verbose_name=_("product")
    )
    amount = _money(validators=[MinValueValidator(0)], verbose_name=_("amount"))
    valid_from = models.DateTimeField(verbose_name=_("valid from"))
    valid_to = models.DateTimeField(null=True, blank=True, verbose_name=_("valid to"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("price list entry")
        verbose_name_plural = _("price list entries")
        indexes = [models.Index(fields=["product", "price_list", "valid_from"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="price_entry_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="price_entry_valid_to_after_from",
                violation_error_message=_("'Valid to' must be after 'valid from'."),
            ),
            models.UniqueConstraint(
                fields=["price_list", "product", "valid_from"], name="price_entry_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.price_list.code} {self.product_id} {self.amount} from {self.valid_from}"


class PriceChange(models.Model):
    """Append-only history of every price entry change: who, when, old and new amount."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")

    class Source(models.TextChoices):
        ADMIN = "admin", _("Admin")
        API = "api", _("API")
        IMPORT = "import", _("Import")
        SEED = "seed", _("Demo seed")

    entry = models.ForeignKey(
        PriceListEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("entry"),
    )
    # Copied so the history outlives a deleted entry.
    price_list = models.ForeignKey(
        PriceList, on_delete=models.PROTECT, related_name="changes", verbose_name=_("price list")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    old_amount = _money(null=True, blank=True, verbose_name=_("old amount"))
    new_amount = _money(null=True, blank=True, verbose_name=_("new amount"))
    valid_from = models.DateTimeField(verbose_name=_("valid from"))
    valid_to = models.DateTimeField(null=True, blank=True, verbose_name=_("valid to"))
    changed_at = models.DateTimeField(verbose_name=_("changed"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    source = models.CharField(max_length=8, choices=Source.choices, verbose_name=_("source"))
    reference = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("What made the change, e.g. the import run."),
        verbose_name=_("reference"),
    )

    class Meta:
        verbose_name = _("price change")
        verbose_name_plural = _("price changes")
        ordering = ["product", "price_list", "changed_at", "pk"]
        indexes = [models.Index(fields=["product", "price_list", "changed_at"])]

    def __str__(self):
        return f"{self.kind} {self.product_id} {self.old_amount} -> {self.new_amount}"


class ProductSet(models.Model):
    """An explicit set of products a campaign can target (e.g. "summer grill mix")."""

    code = models.CharField(
        max_length=32, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    products = models.ManyToManyField(
        Product, related_name="+", blank=True, verbose_name=_("products")
    )

    class Meta:
        verbose_name = _("product set")
        verbose_name_plural = _("product sets")

    def __str__(self):
        return self.name
