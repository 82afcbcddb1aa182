"""What happened to an order (its event log) and what the customer is told (the outbox)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from orders.models.sales import Order


class OrderEvent(models.Model):
    """What happened to an order, for staff and the customer's history (append-only)."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    kind = models.CharField(max_length=32, verbose_name=_("kind"))
    message = models.CharField(max_length=300, blank=True, verbose_name=_("message"))
    data = models.JSONField(default=dict, blank=True, verbose_name=_("data"))
    at = models.DateTimeField(verbose_name=_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
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

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("order")
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    medium = models.CharField(max_length=8, choices=Medium.choices, verbose_name=_("medium"))
    recipient = models.CharField(max_length=254, verbose_name=_("recipient"))
    language = models.CharField(max_length=5, verbose_name=_("language"))
    context = models.JSONField(default=dict, blank=True, verbose_name=_("context"))
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, verbose_name=_("status")
    )
    dedupe_key = models.CharField(max_length=200, unique=True, verbose_name=_("dedupe key"))
    attempts = models.PositiveSmallIntegerField(default=0, verbose_name=_("attempts"))
    last_error = models.CharField(max_length=500, blank=True, verbose_name=_("last error"))
    created_at = models.DateTimeField(verbose_name=_("created"))
    claimed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("claimed"))
    sent_at = models.DateTimeField(null=True, blank=True, verbose_name=_("sent"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self):
        return f"{self.kind} {self.medium} {self.order_id}"
