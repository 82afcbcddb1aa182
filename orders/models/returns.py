"""Returns of order or receipt lines, and the refunds they (and short-picks, expiry) give."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orders.models.sales import Order, OrderLine, Tender
from retail.models import Channel, Store
from retail.money_fields import Currency, money_field


class Return(models.Model):
    """Lines of one order or receipt brought back (in a store or by post), maybe as an exchange."""

    class RefundTo(models.TextChoices):
        ORIGINAL = "original", _("Original tenders")
        CREDIT_NOTE = "credit_note", _("Credit note")

    number = models.CharField(max_length=20, unique=True, verbose_name=_("number"))
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="returns", verbose_name=_("order")
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Where it was returned; empty: by post to the warehouse."),
        verbose_name=_("store"),
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel")
    )
    refund_to = models.CharField(
        max_length=12, choices=RefundTo.choices, verbose_name=_("refund to")
    )
    refund_amount = money_field(default=0, verbose_name=_("refund amount"))
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    exchange_order = models.OneToOneField(
        Order,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="exchanged_from",
        verbose_name=_("exchange order"),
    )
    source_key = models.CharField(max_length=200, unique=True, verbose_name=_("source key"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    created_at = models.DateTimeField(verbose_name=_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.number


class ReturnLine(models.Model):
    class Condition(models.TextChoices):
        RESELLABLE = "resellable", _("Back to stock")
        DAMAGED = "damaged", _("Damaged: written off")

    return_record = models.ForeignKey(
        Return, on_delete=models.CASCADE, related_name="lines", verbose_name=_("return record")
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("order line"),
    )
    quantity = models.PositiveIntegerField(verbose_name=_("quantity"))
    condition = models.CharField(
        max_length=12, choices=Condition.choices, verbose_name=_("condition")
    )
    refund_amount = money_field(verbose_name=_("refund amount"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
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
        RETURN = "return", pgettext_lazy("goods returned", "Return")
        EXPIRED = "expired", _("Order not collected")
        CANCELLED = "cancelled", _("Order cancelled")
        EXCHANGE = "exchange", _("Exchange difference")

    class Status(models.TextChoices):
        DONE = "done", _("Done")
        PENDING = "pending", _("Instruction for the payment provider")

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="refunds", verbose_name=_("order")
    )
    tender = models.ForeignKey(
        Tender,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("tender"),
    )
    return_record = models.ForeignKey(
        Return,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="refunds",
        verbose_name=_("return record"),
    )
    reason = models.CharField(max_length=12, choices=Reason.choices, verbose_name=_("reason"))
    kind = models.CharField(max_length=12, choices=Tender.Kind.choices, verbose_name=_("kind"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.DONE, verbose_name=_("status")
    )
    amount = money_field(verbose_name=_("amount"))
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    points = models.PositiveIntegerField(default=0, verbose_name=_("points"))
    stored_value_account_id = models.BigIntegerField(
        null=True, blank=True, verbose_name=_("stored value account")
    )
    code_last4 = models.CharField(max_length=4, blank=True, verbose_name=_("last four digits"))
    external_reference = models.CharField(
        max_length=200, blank=True, verbose_name=_("external reference")
    )
    source_key = models.CharField(max_length=200, unique=True, verbose_name=_("source key"))
    created_at = models.DateTimeField(verbose_name=_("created"))

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "kind"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="refund_amount_not_negative")
        ]

    def __str__(self):
        return f"{self.reason} {self.kind} {self.amount}"
