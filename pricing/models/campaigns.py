"""Campaigns: kinds, stacking, scope, validity, and what they target."""

from django.core.exceptions import ValidationError
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
    SPEND_THRESHOLD = "spend_threshold", _("Basket or spend discount")
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

    code = models.CharField(_("code"), max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    receipt_text = models.JSONField(
        _("receipt text"),
        default=dict,
        blank=True,
        help_text=_('Per language, e.g. {"da": "3 for 2", "en": "3 for 2"}.'),
    )
    kind = models.CharField(_("kind"), max_length=24, choices=CampaignKind.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=Currency.choices,
        blank=True,
        help_text=_(
            "Required when the campaign has amounts; a percent campaign may leave it empty."
        ),
    )
    channels = models.ManyToManyField(
        Channel, blank=True, related_name="+", verbose_name=_("channels")
    )
    stores = models.ManyToManyField(Store, blank=True, related_name="+", verbose_name=_("stores"))
    customer_groups = models.ManyToManyField(
        CustomerGroup, blank=True, related_name="+", verbose_name=_("customer groups")
    )
    valid_from = models.DateTimeField(_("valid from"))
    valid_to = models.DateTimeField(_("valid to"), null=True, blank=True)
    priority = models.IntegerField(
        _("priority"), default=0, help_text=_("Higher is applied first.")
    )
    stacking = models.CharField(
        _("stacking"),
        max_length=16,
        choices=StackingPolicy.choices,
        default=StackingPolicy.BEST_PRICE,
    )
    max_applications = models.PositiveIntegerField(
        _("max applications"),
        null=True,
        blank=True,
        help_text=_(
            "Per basket; empty means unlimited. Counts units (percent, amount, fixed price; "
            "most expensive first), groups (multibuy, mix & match), sets (bundle) or steps "
            "(a repeating spend discount)."
        ),
    )
    requires_coupon = models.BooleanField(_("requires a coupon code"), default=False)
    percent = models.DecimalField(
        _("percent"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The percent off (for mix & match: off the cheapest unit of a group)."),
    )
    amount = _money(
        verbose_name=_("amount"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The amount off (each unit, or the basket for a spend discount)."),
    )
    price = _money(
        verbose_name=_("price"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The price of each unit, of a group (3 for 100.00) or of a bundle."),
    )
    buy_quantity = models.PositiveIntegerField(
        _("buy quantity"), null=True, blank=True, help_text=_("Units in a group: the 3 of 3 for 2.")
    )
    pay_quantity = models.PositiveIntegerField(
        _("pay quantity"), null=True, blank=True, help_text=_("Units paid for: the 2 of 3 for 2.")
    )
    mix_benefit = models.CharField(
        _("mix & match benefit"), max_length=16, choices=MixBenefit.choices, blank=True
    )
    threshold_amount = _money(
        verbose_name=_("threshold amount"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("The spend that unlocks the discount or gift; empty means any spend."),
    )
    repeats = models.BooleanField(
        _("repeats"),
        default=False,
        help_text=_(
            "Spend discount only: the amount comes off again for every further "
            "threshold spent (5.00 off per 30.00), up to 'max applications' times."
        ),
    )
    gift_product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gift product"),
    )
    gift_quantity = models.PositiveIntegerField(
        _("gift quantity"), default=1, help_text=_("How many of the gift product are given.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

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

    def clean(self):
        """Refuse settings the campaign's kind does not allow (``pricing.validation``).

        The targets are checked where they are known with the campaign: the
        admin's target inline, the import and ``campaigns_bulk_upsert``.
        """
        from pricing.validation import campaign_problems, campaign_values

        problems = campaign_problems(values=campaign_values(self), targets=None)
        if problems:
            raise ValidationError(
                {p.field: ValidationError(p.message, code=p.code) for p in problems}
            )


class CampaignTarget(models.Model):
    """What a campaign applies to: a product, category (with sub-categories), brand or set.

    ``group`` 0 is the campaign's own target (and its exclusions); a bundle
    uses groups 1..n, one per component, each with its ``quantity``.
    """

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name=_("campaign")
    )
    group = models.PositiveSmallIntegerField(
        _("group"), default=0, help_text=_("0: the campaign's own target; 1..n: bundle parts.")
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, help_text=_("Units of this bundle component in one set.")
    )
    exclude = models.BooleanField(_("exclude"), default=False)
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
