"""Campaign status moves only along the allowed transitions, through one service."""

from datetime import UTC, datetime

import pytest

from pricing.errors import CampaignStatusTransitionError
from pricing.models import Campaign, RulesRevision
from pricing.services.campaigns import CAMPAIGN_STATUS_FROM, campaign_status_set
from pricing.services.revision import rules_revision_current
from tests.pricing.factories import CampaignFactory

pytestmark = pytest.mark.django_db

AT = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
S = Campaign.Status
ALLOWED = [
    (source, target) for target, sources in CAMPAIGN_STATUS_FROM.items() for source in sources
]
FORBIDDEN = [
    (source, target)
    for source in S.values
    for target in S.values
    if (source, target) not in ALLOWED
]


def test_campaign_status_transitions_are_the_ones_hq_may_make():
    assert sorted(ALLOWED) == sorted(
        [
            (S.DRAFT, S.ACTIVE),
            (S.PAUSED, S.ACTIVE),
            (S.ACTIVE, S.PAUSED),
            (S.DRAFT, S.ENDED),
            (S.ACTIVE, S.ENDED),
            (S.PAUSED, S.ENDED),
        ]
    )


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_campaign_status_set_writes_status_and_time_and_bumps_the_revision(source, target):
    campaign = CampaignFactory(status=source)
    before = rules_revision_current()
    returned = campaign_status_set(campaign=campaign, status=target, at=AT)
    assert returned is campaign and campaign.status == target
    campaign.refresh_from_db()
    assert campaign.status == target and campaign.updated_at == AT
    assert rules_revision_current() == before + 1
    assert RulesRevision.objects.get().changed_at == AT


@pytest.mark.parametrize(("source", "target"), FORBIDDEN)
def test_campaign_status_set_refuses_a_forbidden_move_and_writes_nothing(source, target):
    campaign = CampaignFactory(code="SUMMER", status=source)
    updated_at = campaign.updated_at
    before = rules_revision_current()
    with pytest.raises(CampaignStatusTransitionError) as caught:
        campaign_status_set(campaign=campaign, status=target, at=AT)
    assert caught.value.code == "campaign_status_transition"
    assert caught.value.status == 409 and caught.value.field == "status"
    assert caught.value.extra == {"campaign": "SUMMER", "from": source, "to": target}
    campaign.refresh_from_db()
    assert campaign.status == source and campaign.updated_at == updated_at
    assert rules_revision_current() == before


def test_campaign_status_set_checks_the_stored_status_not_the_instance():
    campaign = CampaignFactory(status=S.ENDED)
    stale = Campaign.objects.get(pk=campaign.pk)
    stale.status = S.ACTIVE  # an old copy, say a page loaded before someone ended it
    with pytest.raises(CampaignStatusTransitionError):
        campaign_status_set(campaign=stale, status=S.PAUSED, at=AT)


def test_campaign_status_set_unknown_status_is_a_value_error():
    with pytest.raises(ValueError):
        campaign_status_set(campaign=CampaignFactory(), status="archived", at=AT)
