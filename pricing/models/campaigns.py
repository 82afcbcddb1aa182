"""Campaigns: kinds, stacking, scope, validity, and what they target."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pricing.models.prices import ProductSet
from retail.models import (
    Brand,
    Category,
    Channel,
    Currency,
    CustomerGroup,
    Product,
    Store,
)
from retail.models.locations import code_validator
from retail.money_fields import money_field as _money


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
    ``repeats``: spend_threshold with ``amount``: Y off per X spent, capped by
    ``max_applications``.
    ``gift_product``/``gift_quantity``: gift_with_purchase.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        ENDED = "ended", _("Ended")

    Kind = CampaignKind
    Stacking = StackingPolicy

    code = models.CharField(
        max_length=32, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    receipt_text = models.JSONField(
        default=dict,
        blank=True,
        help_text=_('Per language, e.g. {"da": "3 for 2", "en": "3 for 2"}.'),
        verbose_name=_("receipt text"),
    )
    kind = models.CharField(max_length=24, choices=CampaignKind.choices, verbose_name=_("kind"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    currency = models.CharField(
        max_length=3,
        choices=Currency.choices,
        blank=True,
        help_text=_(
            "Required when the campaign has amounts; a percent campaign may leave it empty."
        ),
        verbose_name=_("currency"),
    )
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="+", verbose_name=_("channels")
    )
    stores = models.ManyToManyField(Store, blank=True, related_name="+", verbose_name=_("stores"))
    customer_groups = models.ManyToManyField(
        CustomerGroup, blank=True, related_name="+", verbose_name=_("customer groups")
    )
    valid_from = models.DateTimeField(verbose_name=_("valid from"))
    valid_to = models.DateTimeField(null=True, blank=True, verbose_name=_("valid to"))
    priority = models.IntegerField(
        default=0, help_text=_("Higher is applied first."), verbose_name=_("priority")
    )
    stacking = models.CharField(
        max_length=16,
        choices=StackingPolicy.choices,
        default=StackingPolicy.BEST_PRICE,
        verbose_name=_("stacking"),
    )
    max_applications = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Per basket; empty means unlimited."),
        verbose_name=_("max applications"),
    )
    requires_coupon = models.BooleanField(default=False, verbose_name=_("requires coupon"))
    percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        verbose_name=_("percent"),
    )
    amount = _money(
        null=True, blank=True, validators=[MinValueValidator(0)], verbose_name=_("amount")
    )
    price = _money(
        null=True, blank=True, validators=[MinValueValidator(0)], verbose_name=_("price")
    )
    buy_quantity = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("buy quantity")
    )
    pay_quantity = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("pay quantity")
    )
    mix_benefit = models.CharField(
        max_length=16, choices=MixBenefit.choices, blank=True, verbose_name=_("mix benefit")
    )
    threshold_amount = _money(
        null=True, blank=True, validators=[MinValueValidator(0)], verbose_name=_("threshold amount")
    )
    repeats = models.BooleanField(
        default=False,
        help_text=_(
            "Spend discount only: the amount comes off again for every further "
            "threshold spent (5.00 off per 30.00), up to 'max applications' times."
        ),
        verbose_name=_("repeats"),
    )
    gift_product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gift product"),
    )
    gift_quantity = models.PositiveIntegerField(default=1, verbose_name=_("gift quantity"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
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

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign")
    )
    group = models.PositiveSmallIntegerField(default=0, verbose_name=_("group"))
    quantity = models.PositiveIntegerField(default=1, verbose_name=_("quantity"))
    exclude = models.BooleanField(default=False, verbose_name=_("exclude"))
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product"),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    brand = models.ForeignKey(
        Brand,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("brand"),
    )
    product_set = models.ForeignKey(
        ProductSet,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("product set"),
    )

    class Meta:
        verbose_name = _("campaign target")
        verbose_name_plural = _("campaign targets")
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
