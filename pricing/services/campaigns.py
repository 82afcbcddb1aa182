"""Campaign status: which transitions are allowed, and the one service that makes them."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from pricing.errors import CampaignStatusTransitionError
from pricing.models import Campaign
from pricing.services.revision import rules_revision_bump
from retail import locking

Status = Campaign.Status

# The statuses each status may be reached from.  An ended campaign stays ended (copy it
# instead), and nothing goes back to draft.
CAMPAIGN_STATUS_FROM: dict[str, tuple[str, ...]] = {
    Status.ACTIVE: (Status.DRAFT, Status.PAUSED),
    Status.PAUSED: (Status.ACTIVE,),
    Status.ENDED: (Status.DRAFT, Status.ACTIVE, Status.PAUSED),
}


def campaign_status_set(*, campaign: Campaign, status: str, at: datetime | None = None) -> Campaign:
    """Move ``campaign`` to ``status`` when its current status allows it; return it updated.

    Locks the campaign row and checks the status it holds then, so two HQ users
    acting at once cannot make a transition the rules forbid.  Writes
    ``status`` and ``updated_at`` and bumps the rules revision in the same
    transaction, so offline tills see the change.  Raises
    ``CampaignStatusTransitionError`` (naming ``status``, with the campaign's
    code and both statuses in ``extra``) when the move is not allowed, the same
    status included; ``ValueError`` for an unknown status.
    """
    at = at or timezone.now()
    status = Status(status)
    with locking.atomic():
        (locked,) = locking.rows_lock(Campaign.objects.filter(pk=campaign.pk).only("status"))
        current = locked.status
        if current not in CAMPAIGN_STATUS_FROM.get(status, ()):
            raise CampaignStatusTransitionError(
                field="status",
                extra={"campaign": campaign.code, "from": current, "to": status.value},
            )
        # An UPDATE, not save(): the revision is bumped here, once, not by the receiver too.
        Campaign.objects.filter(pk=campaign.pk).update(status=status, updated_at=at)
        rules_revision_bump(at=at)
    campaign.status, campaign.updated_at = status, at
    return campaign
