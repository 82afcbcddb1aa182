"""The tender plan: which tender pays how much, covering the total exactly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from loyalty.services.points import points_value
from orders.errors import TenderMismatchError
from orders.models import Tender
from retail.money import quantize


@dataclass(frozen=True)
class TenderRequest:
    """One way the customer pays: stored value by code, points, or an external payment."""

    kind: str
    amount: Decimal | None = None  # None on the external tender: "the rest"
    code: str = ""
    pin: str | None = None
    points: int | None = None
    external_reference: str = ""
    provider: str = ""


def tender_plan(
    tenders: Sequence[TenderRequest], *, total: Decimal, currency: str
) -> list[tuple[TenderRequest, Decimal]]:
    """Check the tenders cover exactly ``total``; return (tender, amount) in apply order.

    Raises ``TenderMismatchError`` naming ``tenders.<i>`` (unknown kind, no
    amount, not positive, no code) or ``tenders`` (they do not add up: the
    total and what was tendered in ``extra``).  No query.
    """
    if not tenders:
        raise TenderMismatchError(gettext("Say how the order is paid."), field="tenders")
    order_of = {kind: i for i, kind in enumerate(Tender.APPLY_ORDER)}
    plan: list[tuple[TenderRequest, Decimal]] = []
    rest: TenderRequest | None = None
    for i, tender in enumerate(tenders):
        if tender.kind not in order_of:
            raise TenderMismatchError(gettext("Unknown tender."), field=f"tenders.{i}.kind")
        if tender.kind == Tender.Kind.POINTS:
            if tender.points is None and tender.amount is None:
                raise TenderMismatchError(
                    gettext("Give points or an amount."), field=f"tenders.{i}"
                )
            amount = (
                points_value(tender.points, currency)
                if tender.points is not None
                else quantize(tender.amount, currency)
            )
        elif tender.amount is None:
            if tender.kind != Tender.Kind.EXTERNAL or rest is not None:
                raise TenderMismatchError(gettext("Give the amount."), field=f"tenders.{i}.amount")
            rest = tender
            continue
        else:
            amount = quantize(tender.amount, currency)
        if amount <= 0:
            raise TenderMismatchError(
                gettext("Amounts must be positive."), field=f"tenders.{i}.amount"
            )
        if tender.kind not in (Tender.Kind.EXTERNAL, Tender.Kind.POINTS) and not tender.code:
            raise TenderMismatchError(
                gettext("Give the card or voucher code."), field=f"tenders.{i}.code"
            )
        plan.append((tender, amount))
    covered = sum((amount for _, amount in plan), Decimal(0))
    if rest is not None and covered < total:
        plan.append((rest, total - covered))
        covered = total
    if covered != total:
        raise TenderMismatchError(
            extra={"total": str(total), "tendered": str(covered)}, field="tenders"
        )
    plan.sort(key=lambda pair: order_of[pair[0].kind])
    return plan
