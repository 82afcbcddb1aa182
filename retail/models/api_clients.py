"""Channel clients (webshop, app, a POS terminal), their API keys and idempotency records."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey

from retail.models.locations import Channel, Store


class ApiClient(models.Model):
    """A system that calls the API for one channel and, if a POS, for one store.

    Its keys rotate; the client (and what it is allowed to see) stays.
    """

    name = models.CharField(max_length=100, verbose_name=_("name"))
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="api_clients", verbose_name=_("channel")
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="api_clients",
        help_text=_("Required for a POS terminal: the store it stands in."),
        verbose_name=_("store"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        verbose_name_plural = _("API clients")
        ordering = ["name"]
        verbose_name = _("API client")

    def __str__(self):
        return self.name


class ApiClientKey(AbstractAPIKey):
    """A hashed API key of a client; revoke it, or rotate to a new one with a grace period."""

    client = models.ForeignKey(
        ApiClient, on_delete=models.CASCADE, related_name="keys", verbose_name=_("client")
    )

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed on retries.

    ``scope`` is the caller (``client:<id>`` or ``user:<id>``), so two clients
    can never see each other's responses by choosing the same key.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")

    scope = models.CharField(max_length=64, verbose_name=_("scope"))
    key = models.CharField(max_length=255, verbose_name=_("key"))
    method = models.CharField(max_length=8, verbose_name=_("method"))
    path = models.CharField(max_length=500, verbose_name=_("path"))
    request_hash = models.CharField(max_length=64, verbose_name=_("request hash"))
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.IN_PROGRESS, verbose_name=_("status")
    )
    response_status = models.PositiveSmallIntegerField(
        null=True, blank=True, verbose_name=_("response status")
    )
    response_body = models.JSONField(null=True, blank=True, verbose_name=_("response body"))
    created_at = models.DateTimeField(verbose_name=_("created"))
    locked_until = models.DateTimeField(verbose_name=_("locked until"))
    expires_at = models.DateTimeField(db_index=True, verbose_name=_("expires"))

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique"),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(response_status__isnull=False),
                name="idempotency_completed_has_response",
            ),
        ]

    def __str__(self):
        return f"{self.scope} {self.key}"
