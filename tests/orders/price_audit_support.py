"""The world of the price-audit tests: a till whose rules snapshot missed a campaign's start."""

from datetime import timedelta

from orders.services.receipts import ReceiptLine, ReceiptTender, receipt_record
from pricing.models import Campaign, RulesRevision
from pricing.services.revision import rules_revision_bump, rules_revision_current, rules_version
from tests.orders.world import AT, D, make_world
from tests.pricing.factories import CampaignFactory

CAMPAIGN_START = AT - timedelta(hours=1)


def make_audit_world():
    """The orders world; the till's snapshot is taken, then SHIRT-20 (20 % off) starts."""
    world = make_world()
    # The till took its snapshot, then HQ started "20 % off shirts" an hour before the sale.
    RulesRevision.objects.update(changed_at=AT - timedelta(days=1))
    world.snapshot = version(world)
    world.shirts = CampaignFactory(
        code="SHIRT-20",
        name="20 % off shirts",
        kind=Campaign.Kind.PERCENT_OFF,
        percent=D("20.00"),
        valid_from=CAMPAIGN_START,
        targets=[{"product": world.p("SHIRT")}],
    )
    rules_revision_bump(at=CAMPAIGN_START - timedelta(hours=1))
    return world


def version(world):
    return rules_version(channel=world.pos, store=world.cph, revision=rules_revision_current())


def shirt(total="160.00", discounts=()):
    return ReceiptLine(
        sku="SHIRT", quantity=1, unit_price=D("200.00"), total=D(total), discounts=discounts
    )


def socks():
    return ReceiptLine(
        sku="SOCKS",
        quantity=3,
        unit_price=D("50.00"),
        total=D("100.00"),
        discounts=({"campaign": "SOCKS-3FOR2", "amount": "50.00"},),
    )


def record(world, lines, *, receipt_id="R-1", rules_version="", till="T-3", store=None):
    total = sum((line.total for line in lines), D(0))
    order, _ = receipt_record(
        channel=world.pos,
        store=store or world.cph,
        receipt_id=receipt_id,
        lines=lines,
        tenders=[ReceiptTender(kind="external", amount=total, reference=f"psp-{receipt_id}")],
        customer=world.customer,
        sold_at=AT,
        rules_version=rules_version,
        till=till,
        at=AT,
    )
    return order


def stale_receipt(world, **kwargs):
    """The till missed SHIRT-20: the shirt at full price, the socks' 3-for-2 right."""
    return record(world, [shirt("200.00"), socks()], rules_version=world.snapshot, **kwargs)
