"""Taking the planned tenders: hold or capture stored value, burn points, note the card payment.

One implementation for a channel order (stored value held until hand-over)
and for a sale at the counter (an exchange: captured at once).  The rows are
taken in ``retail.locking``'s global order whatever order the customer gave
them in: stored-value accounts by pk, then the membership for points, so
two checkouts presenting the same two gift cards the other way round queue
instead of deadlocking.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.translation import gettext

from loyalty.selectors import membership_for, stored_value_account_get, stored_value_account_ids
from loyalty.services.points import points_burn, points_for_amount
from loyalty.services.stored_value import stored_value_hold, stored_value_redeem
from orders.errors import TenderMismatchError
from orders.models import Tender
from orders.services.tenders.plan import TenderRequest
from retail.models import Channel

STORED_VALUE_KINDS = (Tender.Kind.GIFT_CARD, Tender.Kind.CREDIT_NOTE, Tender.Kind.VOUCHER)


def tenders_take(
    plan: Sequence[tuple[TenderRequest, Decimal]],
    *,
    customer_id: int | None,
    currency: str,
    channel: Channel,
    key_prefix: str,
    reference: str,
    order_amount: Decimal,
    hold_ttl: timedelta | None,
    at: datetime,
) -> list[Tender]:
    """Take every (tender, amount) of ``plan``; return the unsaved ``Tender`` rows in plan order.

    The i-th tender (1-based) posts under ``<key_prefix>:<i>``.  With
    ``hold_ttl`` stored value is held that long (HELD rows, captured at
    hand-over); without, it is redeemed at once (CAPTURED).  Points are
    burned from the customer's membership (``TenderMismatchError`` for a
    non-member); the external payment is recorded as captured.  Call inside
    the caller's transaction: raises loyalty's errors (wrong PIN,
    insufficient balance, ...), and then nothing of it stays.
    """
    codes = [tender.code for tender, _ in plan if tender.kind in STORED_VALUE_KINDS]
    # One card needs no ordering among cards (and no query to find its pk).
    account_pk = stored_value_account_ids(codes=codes) if len(codes) > 1 else {}

    def lock_order(index: int):
        tender = plan[index][0]
        if tender.kind in STORED_VALUE_KINDS:
            return (0, account_pk.get(tender.code, 0), index)  # unknown codes fail on their turn
        return (1 if tender.kind == Tender.Kind.POINTS else 2, 0, index)

    rows: dict[int, Tender] = {}
    for index in sorted(range(len(plan)), key=lock_order):
        tender, amount = plan[index]
        key = f"{key_prefix}:{index + 1}"
        row = Tender(kind=tender.kind, status=Tender.Status.CAPTURED, amount=amount)
        if tender.kind == Tender.Kind.EXTERNAL:
            row.external_reference = tender.external_reference
            row.external_provider = tender.provider
        elif tender.kind == Tender.Kind.POINTS:
            _points_take(
                row,
                tender,
                customer_id=customer_id,
                key=key,
                currency=currency,
                reference=reference,
                channel=channel,
                at=at,
            )
        elif hold_ttl is not None:
            hold = stored_value_hold(
                code=tender.code,
                amount=amount,
                currency=currency,
                source_key=key,
                ttl=hold_ttl,
                pin=tender.pin,
                channel=channel,
                order_amount=order_amount,
                at=at,
            )
            row.status = Tender.Status.HELD
            row.kind = hold.account.kind  # what the code really is, whatever the client called it
            row.hold_key = key
            _stored_value_row(row, tender, account_id=hold.account_id)
        else:
            entry = stored_value_redeem(
                code=tender.code,
                amount=amount,
                currency=currency,
                source_key=key,
                pin=tender.pin,
                channel=channel,
                order_amount=order_amount,
                at=at,
            )
            row.kind = stored_value_account_get(pk=entry.account_id).kind
            row.redemption_key = key
            _stored_value_row(row, tender, account_id=entry.account_id)
        rows[index] = row
    return [rows[index] for index in range(len(plan))]


def _stored_value_row(row: Tender, tender: TenderRequest, *, account_id: int) -> None:
    row.stored_value_account_id = account_id
    row.code_last4 = tender.code[-4:]


def _points_take(
    row: Tender,
    tender: TenderRequest,
    *,
    customer_id: int | None,
    key: str,
    currency: str,
    reference: str,
    channel: Channel,
    at: datetime,
) -> None:
    membership = membership_for(customer_id=customer_id)
    if membership is None:
        raise TenderMismatchError(gettext("Only club members pay with points."), field="tenders")
    row.points = tender.points or points_for_amount(row.amount, currency)
    points_burn(
        membership=membership,
        points=row.points,
        source_key=key,
        currency=currency,
        reference=reference,
        channel=channel,
        at=at,
    )
    row.points_burn_key = key
