"""Pricing owns what things cost: price lists, campaigns, coupon codes and price history.

Imports ``retail`` only; never ``inventory``, ``loyalty`` or ``orders``.
Every write goes through ``pricing.services``; the engine (``pricing.engine``)
never imports these models: ``pricing.loader`` turns rows into its dataclasses.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from retail.models import (
    Brand,
    Category,
    Channel,
    Currency,
    Customer,
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

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    priority = models.IntegerField(default=0)
    channels = models.ManyToManyField(Channel, blank=True, related_name="+")
    stores = models.ManyToManyField(Store, blank=True, related_name="+")
    customer_groups = models.ManyToManyField(CustomerGroup, blank=True, related_name="+")
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class PriceListEntry(models.Model):
    """The price of a product in a list from ``valid_from`` until ``valid_to`` (exclusive).

    A future price change is a second entry with a later ``valid_from``;
    nothing runs at midnight.  Periods of one list and product never overlap.
    """

    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    amount = _money(validators=[MinValueValidator(0)])
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "price list entries"
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
        PriceListEntry, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    # Copied so the history outlives a deleted entry.
    price_list = models.ForeignKey(PriceList, on_delete=models.PROTECT, related_name="changes")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    old_amount = _money(null=True, blank=True)
    new_amount = _money(null=True, blank=True)
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=8, choices=Source.choices)
    reference = models.CharField(
        max_length=64, blank=True, help_text=_("What made the change, e.g. the import run.")
    )

    class Meta:
        ordering = ["product", "price_list", "changed_at", "pk"]
        indexes = [models.Index(fields=["product", "price_list", "changed_at"])]

    def __str__(self):
        return f"{self.kind} {self.product_id} {self.old_amount} -> {self.new_amount}"


class ProductSet(models.Model):
    """An explicit set of products a campaign can target (e.g. "summer grill mix")."""

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    products = models.ManyToManyField(Product, related_name="+", blank=True)

    def __str__(self):
        return self.name


class CampaignKind(models.TextChoices):
    PERCENT_OFF = "percent_off", _("Percent off")
    AMOUNT_OFF = "amount_off", _("Amount off each")
    FIXED_PRICE = "fixed_price", _("Fixed price each")
    MULTIBUY = "multibuy", _("Multibuy (buy N pay M / N for a price)")
    MIX_MATCH = "mix_match", _("Mix & match across a set")
    BUNDLE = "bundle", _("Bundle (A + B + C for a price)")
    SPEND_THRESHOLD = "spend_threshold", _("Spend threshold")
    GIFT_WITH_PURCHASE = "gift_with_purchase", _("Gift with purchase")


class StackingPolicy(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Exclusive: nothing else on its items, not even basket discounts")
    BEST_PRICE = "best_price", _("Best price: no other item discount on its items")
    COMPOUND = "compound", _("Compound: stacks with other compound discounts")


class MixBenefit(models.TextChoices):
    FIXED_PRICE = "fixed_price", _("N items for a price")
    CHEAPEST_FREE = "cheapest_free", _("Cheapest item free")
    CHEAPEST_PERCENT = "cheapest_percent", _("Cheapest item percent off")


class Campaign(models.Model):
    """A discount rule; its kind's parameters are the columns that kind uses.

    ``percent``: percent_off, spend_threshold (Z% off), mix_match (cheapest % off).
    ``amount``: amount_off (per unit), spend_threshold (Y off).
    ``price``: fixed_price (per unit), multibuy/mix_match/bundle (group price).
    ``buy_quantity`` N and ``pay_quantity`` M: multibuy and mix_match group size.
    ``threshold_amount``: spend_threshold and gift_with_purchase (spend X).
    ``gift_product``/``gift_quantity``: gift_with_purchase.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    Kind = CampaignKind
    Stacking = StackingPolicy

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=200)
    receipt_text = models.JSONField(
        default=dict,
        blank=True,
        help_text=_('Per language, e.g. {"da": "3 for 2", "en": "3 for 2"}.'),
    )
    kind = models.CharField(max_length=24, choices=CampaignKind.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(
        max_length=3,
        choices=Currency.choices,
        blank=True,
        help_text=_(
            "Required when the campaign has amounts; a percent campaign may leave it empty."
        ),
    )
    channels = models.ManyToManyField(Channel, blank=True, related_name="+")
    stores = models.ManyToManyField(Store, blank=True, related_name="+")
    customer_groups = models.ManyToManyField(CustomerGroup, blank=True, related_name="+")
    valid_from = models.DateTimeField()
    valid_to = models.DateTimeField(null=True, blank=True)
    priority = models.IntegerField(default=0, help_text=_("Higher is applied first."))
    stacking = models.CharField(
        max_length=16, choices=StackingPolicy.choices, default=StackingPolicy.BEST_PRICE
    )
    max_applications = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Per basket; empty means unlimited.")
    )
    requires_coupon = models.BooleanField(default=False)
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    amount = _money(null=True, blank=True, validators=[MinValueValidator(0)])
    price = _money(null=True, blank=True, validators=[MinValueValidator(0)])
    buy_quantity = models.PositiveIntegerField(null=True, blank=True)
    pay_quantity = models.PositiveIntegerField(null=True, blank=True)
    mix_benefit = models.CharField(max_length=16, choices=MixBenefit.choices, blank=True)
    threshold_amount = _money(null=True, blank=True, validators=[MinValueValidator(0)])
    gift_product = models.ForeignKey(
        Product, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    gift_quantity = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "code"]
        indexes = [models.Index(fields=["status", "valid_from", "valid_to"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="campaign_valid_to_after_from",
                violation_error_message=_("'Valid to' must be after 'valid from'."),
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gte=0) & Q(percent__lte=100)),
                name="campaign_percent_range",
            ),
            models.CheckConstraint(
                condition=Q(pay_quantity__isnull=True)
                | Q(buy_quantity__isnull=True)
                | Q(pay_quantity__lt=F("buy_quantity")),
                name="campaign_pay_less_than_buy",
                violation_error_message=_("'Pay quantity' must be below 'buy quantity'."),
            ),
            models.CheckConstraint(
                condition=Q(max_applications__isnull=True) | Q(max_applications__gte=1),
                name="campaign_max_applications_positive",
            ),
            models.CheckConstraint(
                condition=(
                    Q(amount__isnull=True)
                    & Q(price__isnull=True)
                    & Q(threshold_amount__isnull=True)
                )
                | ~Q(currency=""),
                name="campaign_amounts_have_currency",
                violation_error_message=_("A campaign with amounts needs a currency."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class CampaignTarget(models.Model):
    """What a campaign applies to: a product, category (with sub-categories), brand or set.

    ``group`` 0 is the campaign's own target (and its exclusions); a bundle
    uses groups 1..n, one per component, each with its ``quantity``.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    group = models.PositiveSmallIntegerField(default=0)
    quantity = models.PositiveIntegerField(default=1)
    exclude = models.BooleanField(default=False)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        Category, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    brand = models.ForeignKey(
        Brand, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    product_set = models.ForeignKey(
        ProductSet, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["product"]),
            models.Index(fields=["category"]),
            models.Index(fields=["brand"]),
            models.Index(fields=["product_set"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        product__isnull=False,
                        category__isnull=True,
                        brand__isnull=True,
                        product_set__isnull=True,
                    )
                    | Q(
                        product__isnull=True,
                        category__isnull=False,
                        brand__isnull=True,
                        product_set__isnull=True,
                    )
                    | Q(
                        product__isnull=True,
                        category__isnull=True,
                        brand__isnull=False,
                        product_set__isnull=True,
                    )
                    | Q(
                        product__isnull=True,
                        category__isnull=True,
                        brand__isnull=True,
                        product_set__isnull=False,
                    )
                ),
                name="campaign_target_exactly_one",
                violation_error_message=_("Choose exactly one of product, category, brand or set."),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="campaign_target_quantity_positive"
            ),
        ]

    def __str__(self):
        what = self.product or self.category or self.brand or self.product_set
        return f"{'not ' if self.exclude else ''}{what}"


class CouponBatch(models.Model):
    """A generated batch of single-use personal codes for one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="coupon_batches")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=8, blank=True)
    size = models.PositiveIntegerField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name_plural = "coupon batches"

    def __str__(self):
        return self.name


class CouponCode(models.Model):
    """A code that unlocks its campaign; ``uses`` counts redemptions (never above ``max_uses``)."""

    code = models.CharField(max_length=32, unique=True, help_text=_("Stored upper case."))
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="coupon_codes")
    batch = models.ForeignKey(
        CouponBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="codes"
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A personal code works only for this customer."),
    )
    max_uses = models.PositiveIntegerField(null=True, blank=True, help_text=_("Empty: unlimited."))
    max_uses_per_customer = models.PositiveIntegerField(null=True, blank=True)
    uses = models.PositiveIntegerField(default=0)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(uses__gte=0), name="coupon_uses_not_negative"),
            models.CheckConstraint(
                condition=Q(max_uses__isnull=True) | Q(uses__lte=F("max_uses")),
                name="coupon_uses_within_max",
            ),
            models.CheckConstraint(
                condition=Q(code=models.functions.Upper("code")), name="coupon_code_upper_case"
            ),
        ]

    def __str__(self):
        return self.code


class CouponRedemption(models.Model):
    """One use of a coupon, keyed by its source (an order) so a retry cannot count twice."""

    coupon = models.ForeignKey(CouponCode, on_delete=models.PROTECT, related_name="redemptions")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_key = models.CharField(max_length=100, unique=True)
    redeemed_at = models.DateTimeField()
    released_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["coupon", "customer"])]

    def __str__(self):
        return f"{self.coupon.code} {self.source_key}"


class RulesRevision(models.Model):
    """A counter bumped in the same transaction as any change to prices or campaigns.

    The rule snapshot's version for offline POS is derived from it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    revision = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"rules revision {self.revision}"
