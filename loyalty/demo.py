"""Loyalty's part of ``seed_demo``: tiers, memberships with points, gift cards, credit
notes and member vouchers.

``retail.demo.builder.demo_steps`` finds ``STEPS`` here and runs them after the
core's (customers with member numbers and the SILVER/GOLD groups exist by then).

- **Tiers**: SILVER (5,000 DKK rolling spend) and GOLD (15,000 DKK), linked to the
  retail seed's SILVER and GOLD customer groups.
- **Memberships**: every customer with a member number (at most ``MEMBERS_MAX``)
  gets a membership with that same number, bulk-created.
- **Points**: the first ``POINTS_MEMBERS`` members earn on a few purchases and some
  burn points, through the points services with ``demo:`` source keys.
- **Stored value**: gift cards (some partly spent), credit notes and member vouchers
  through the stored value services with ``demo:`` source keys.

Everything happens at fixed times before ``DEMO_EPOCH`` and every write is keyed,
so a rerun adds nothing.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from loyalty.models import Membership, PointsEntry, StoredValueAccount, Tier
from loyalty.services.points import points_burn, points_earn
from loyalty.services.stored_value import stored_value_issue, stored_value_redeem
from retail.demo.builder import DEMO_EPOCH, SeedContext, Step
from retail.models import Customer, CustomerGroup

MEMBERS_MAX = 300
POINTS_MEMBERS = 40
GIFT_CARDS = 12
CREDIT_NOTES = 6
VOUCHERS = 10
CURRENCY = "DKK"
JOINED_AT = DEMO_EPOCH - timedelta(days=400)

# (code, name, rank, min spend in DKK, customer group code)
TIERS = (
    ("SILVER", "Silver", 1, Decimal("5000.00"), "SILVER"),
    ("GOLD", "Gold", 2, Decimal("15000.00"), "GOLD"),
)


def seed_tiers(*, ctx: SeedContext) -> None:
    groups = {g.code: g for g in CustomerGroup.objects.filter(code__in=[t[4] for t in TIERS])}
    new = 0
    for code, name, rank, min_spend, group_code in TIERS:
        if group_code not in groups:
            continue
        _, created = Tier.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "min_spend_amount": min_spend,
                "currency": CURRENCY,
                "group": groups[group_code],
            },
        )
        new += created
    ctx.count(Tier, new)
    ctx.summary["loyalty tiers"] = Tier.objects.count()


def seed_memberships(*, ctx: SeedContext) -> None:
    """A membership for each customer with a member number, reusing that number."""
    customers = list(
        Customer.objects.exclude(member_number__isnull=True)
        .exclude(member_number="")
        .filter(membership__isnull=True)
        .order_by("pk")
        .values_list("pk", "member_number")[: max(0, MEMBERS_MAX - Membership.objects.count())]
    )
    taken = set(Membership.objects.values_list("member_number", flat=True))
    rows = [
        Membership(
            customer_id=pk,
            member_number=number,
            joined_at=JOINED_AT + timedelta(days=pk % 200),
        )
        for pk, number in customers
        if number not in taken
    ]
    ctx.bulk_create(Membership, rows)
    ctx.summary["loyalty memberships"] = Membership.objects.count()


def seed_points(*, ctx: SeedContext) -> None:
    """Purchases earn points; every third member burns some. Keyed, so reruns add nothing."""
    members = Membership.objects.order_by("pk")[:POINTS_MEMBERS]
    before = PointsEntry.objects.count()
    for membership in members:
        rng = ctx.rng("loyalty-points", membership.member_number)
        at = membership.joined_at
        for n in range(rng.randint(1, 4)):
            at = at + timedelta(days=rng.randint(5, 60))
            spend = Decimal(rng.randrange(200, 4000))
            points_earn(
                membership=membership,
                spend_amount=spend,
                currency=CURRENCY,
                source_key=f"demo:earn:{membership.member_number}:{n}",
                reference=f"DEMO-{membership.member_number}-{n}",
                at=at,
            )
        if membership.pk % 3 == 0:
            membership.refresh_from_db()
            burn = membership.points_balance // 2
            if burn > 0:
                points_burn(
                    membership=membership,
                    points=burn,
                    currency=CURRENCY,
                    source_key=f"demo:burn:{membership.member_number}",
                    at=at + timedelta(days=1),
                )
    ctx.count(PointsEntry, PointsEntry.objects.count() - before)
    ctx.summary["loyalty points entries"] = PointsEntry.objects.count()


def _issue(kind: str, n: int, amount: Decimal, *, customer=None, expires_at=None):
    account, _code = stored_value_issue(
        kind=kind,
        amount=amount,
        currency=CURRENCY,
        source_key=f"demo:{kind}:{n}",
        customer=customer,
        expires_at=expires_at,
        at=DEMO_EPOCH - timedelta(days=60 - n),
    )
    return account


def seed_stored_value(*, ctx: SeedContext) -> None:
    """Gift cards (every other one partly spent), credit notes and member vouchers."""
    before = StoredValueAccount.objects.count()
    rng = ctx.rng("loyalty-stored-value")
    expires = DEMO_EPOCH + timedelta(days=3 * 365)
    for n in range(GIFT_CARDS):
        amount = Decimal(rng.choice((200, 300, 500, 1000)))
        account = _issue(StoredValueAccount.Kind.GIFT_CARD, n, amount, expires_at=expires)
        if n % 2 == 0:
            stored_value_redeem(
                code=account.code,
                amount=amount * Decimal("0.4"),
                currency=CURRENCY,
                source_key=f"demo:gift_card-redeem:{n}",
                at=DEMO_EPOCH - timedelta(days=10),
            )
    customers = list(Customer.objects.order_by("pk")[:CREDIT_NOTES])
    for n, customer in enumerate(customers):
        amount = Decimal(rng.randrange(100, 800))
        _issue(StoredValueAccount.Kind.CREDIT_NOTE, n, amount, customer=customer)
    members = Membership.objects.select_related("customer").order_by("pk")[:VOUCHERS]
    for n, membership in enumerate(members):
        _issue(
            StoredValueAccount.Kind.VOUCHER,
            n,
            Decimal("100.00"),
            customer=membership.customer,
            expires_at=expires,
        )
    ctx.count(StoredValueAccount, StoredValueAccount.objects.count() - before)
    ctx.summary["stored value accounts"] = StoredValueAccount.objects.count()


STEPS = [
    Step("loyalty tiers", seed_tiers),
    Step("loyalty memberships", seed_memberships),
    Step("loyalty points", seed_points),
    Step("stored value", seed_stored_value),
]
