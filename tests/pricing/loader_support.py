"""Constants and helpers of the loader tests (test_loader, test_loader_campaigns,
test_loader_queries)."""

from datetime import UTC, datetime

from pricing.engine.types import PricingContext

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def ctx(channel, **kwargs) -> PricingContext:
    return PricingContext(at=kwargs.pop("at", AT), currency="DKK", channel_id=channel.pk, **kwargs)
