"""Constants and helpers of the pricing admin tests (test_admin, test_admin_campaigns)."""

from datetime import UTC, datetime

from django.urls import reverse

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)
