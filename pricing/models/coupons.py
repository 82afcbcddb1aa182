"""Coupon codes (one by one or in batches), their redemptions, and the rules revision."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from pricing.models.campaigns import Campaign
from retail.models import (
    Channel,
    Customer,
)


class CouponBatch(models.Model):
    """A generated batch of single-use personal codes for one campaign."""

    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.CASCADE,
        related_name="coupon_batches",
        verbose_name=_("campaign"),
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    prefix = models.CharField(max_length=8, blank=True, verbose_name=_("prefix"))
    size = models.PositiveIntegerField(verbose_name=_("size"))
    created_at = models.DateTimeField(verbose_name=_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("coupon batch")
        verbose_name_plural = _("coupon batches")

    def __str__(self):
        return self.name


class CouponCode(models.Model):
    """A code that unlocks its campaign; ``uses`` counts redemptions (never above ``max_uses``)."""

    code = models.CharField(
        max_length=32, unique=True, help_text=_("Stored upper case."), verbose_name=_("code")
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="coupon_codes", verbose_name=_("campaign")
    )
    batch = models.ForeignKey(
        CouponBatch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="codes",
        verbose_name=_("batch"),
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("A personal code works only for this customer."),
        verbose_name=_("customer"),
    )
    max_uses = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Empty: unlimited."), verbose_name=_("max uses")
    )
    max_uses_per_customer = models.PositiveIntegerField(
        null=True, blank=True, verbose_name=_("max uses per customer")
    )
    uses = models.PositiveIntegerField(default=0, verbose_name=_("uses"))
    valid_from = models.DateTimeField(null=True, blank=True, verbose_name=_("valid from"))
    valid_to = models.DateTimeField(null=True, blank=True, verbose_name=_("valid to"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name = _("coupon code")
        verbose_name_plural = _("coupon codes")
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

    coupon = models.ForeignKey(
        CouponCode, on_delete=models.PROTECT, related_name="redemptions", verbose_name=_("coupon")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    source_key = models.CharField(max_length=100, unique=True, verbose_name=_("source key"))
    redeemed_at = models.DateTimeField(verbose_name=_("redeemed"))
    released_at = models.DateTimeField(null=True, blank=True, verbose_name=_("released"))

    class Meta:
        verbose_name = _("coupon redemption")
        verbose_name_plural = _("coupon redemptions")
        indexes = [models.Index(fields=["coupon", "customer"])]

    def __str__(self):
        return f"{self.coupon.code} {self.source_key}"


class RulesRevision(models.Model):
    """A counter bumped in the same transaction as any change to prices or campaigns.

    The rule snapshot's version for offline POS is derived from it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, verbose_name=_("ID"))
    revision = models.PositiveBigIntegerField(default=0, verbose_name=_("revision"))
    changed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("changed"))

    class Meta:
        verbose_name = _("rules revision")
        verbose_name_plural = _("rules revisions")

    def __str__(self):
        return f"rules revision {self.revision}"
