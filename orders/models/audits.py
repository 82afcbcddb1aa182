"""The tills' prices, audited: each POS receipt re-priced by the engine as of its sale.

A ``ReceiptPriceAudit`` says a receipt was audited and how it came out; a
``PriceDeviation`` is one line the till priced differently from the engine.
Both are written only by ``orders.services.price_audit`` and replaced, never
duplicated, when a receipt is audited again.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.sales import Order, OrderLine
from retail.models import Store
from retail.money_fields import Currency, money_field


class ReceiptPriceAudit(models.Model):
    """That a receipt was re-priced, when, and what came of it (one per receipt)."""

    class Outcome(models.TextChoices):
        MATCHED = "matched", _("Priced as the engine prices")
        DEVIATIONS = "deviations", _("Lines priced differently")
        UNPRICED = "unpriced", _("Could not price")

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="price_audit", verbose_name=_("order")
    )
    outcome = models.CharField(max_length=10, choices=Outcome.choices, verbose_name=_("outcome"))
    note = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("Why the engine could not price the receipt."),
        verbose_name=_("note"),
    )
    rules_version_in_force = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("Empty when it could not be told."),
        verbose_name=_("rules version in force"),
    )
    audited_at = models.DateTimeField(verbose_name=_("audited"))

    class Meta:
        verbose_name = _("receipt price audit")
        verbose_name_plural = _("receipt price audits")

    def __str__(self):
        return f"{self.order_id} {self.outcome}"


class PriceDeviation(models.Model):
    """One receipt line whose unit price, discount or total differs from the engine's."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="price_deviations", verbose_name=_("order")
    )
    line = models.OneToOneField(
        OrderLine, on_delete=models.CASCADE, related_name="price_deviation", verbose_name=_("line")
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="+", verbose_name=_("store")
    )
    till = models.CharField(max_length=64, blank=True, verbose_name=_("till"))
    sku = models.CharField(max_length=64, verbose_name=_("SKU"))
    day = models.DateField(
        help_text=_("The day of the sale in the store's time zone."), verbose_name=_("day")
    )
    sold_at = models.DateTimeField(verbose_name=_("sold"))
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    till_unit_price_amount = money_field(verbose_name=_("till unit price amount"))
    engine_unit_price_amount = money_field(verbose_name=_("engine unit price amount"))
    till_discount_amount = money_field(verbose_name=_("till discount amount"))
    engine_discount_amount = money_field(verbose_name=_("engine discount amount"))
    till_amount = money_field(
        help_text=_("What the till charged for the line."), verbose_name=_("till amount")
    )
    engine_amount = money_field(
        help_text=_("What the engine charges for the line."), verbose_name=_("engine amount")
    )
    difference_amount = money_field(
        help_text=_("Till minus engine: above zero the customer paid more than the rules say."),
        verbose_name=_("difference amount"),
    )
    engine_only_campaigns = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Campaigns the engine applied and the till did not."),
        verbose_name=_("engine only campaigns"),
    )
    till_only_campaigns = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Campaigns the till applied and the engine did not."),
        verbose_name=_("till only campaigns"),
    )
    rules_version = models.CharField(
        max_length=64,
        blank=True,
        help_text=_("The rules version the till priced with."),
        verbose_name=_("rules version"),
    )
    rules_version_in_force = models.CharField(
        max_length=64, blank=True, verbose_name=_("rules version in force")
    )
    stale = models.BooleanField(
        null=True,
        help_text=_("The till's rules version was not the one in force; empty when unknown."),
        verbose_name=_("stale"),
    )
    audited_at = models.DateTimeField(verbose_name=_("audited"))

    class Meta:
        ordering = ["-day", "store", "till", "sku", "pk"]
        verbose_name = _("price deviation")
        verbose_name_plural = _("price deviations")
        indexes = [
            models.Index(fields=["store", "day"]),
            models.Index(fields=["sku", "day"]),
        ]

    def __str__(self):
        return f"{self.sku} {self.difference_amount} {self.currency}"
