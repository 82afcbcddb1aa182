"""Refunds to the original tenders (or as a credit note): the one place money goes back."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from loyalty.services.reversals import points_burn_reverse
from loyalty.services.stored_value import hold_release, stored_value_issue, stored_value_refund
from orders.models import Order, Refund, Return, Tender
from retail import locking
from retail.errors import DomainError
from retail.money import quantize

# Refunds run the apply order backwards: the external payment first, points last.
REFUND_ORDER = tuple(reversed(Tender.APPLY_ORDER))


class RefundExceedsPaidError(DomainError):
    code = "refund_exceeds_paid"
    default_message = _("More than was paid cannot be refunded.")


def tenders_refund(
    *,
    order: Order,
    amount: Decimal,
    reason: str,
    source_key: str,
    return_record: Return | None = None,
    to_credit_note: bool = False,
    at: datetime,
) -> list[Refund]:
    """Give ``amount`` back for ``order``; return the refund rows (one per tender touched).

    Call inside the caller's transaction (it locks the order's tenders in pk
    order).  The caller bounds ``amount`` by what the lines paid.  Refunds
    run the reverse of the apply order: the external payment first (a
    PENDING refund instruction for the payment provider), then gift cards,
    credit notes, vouchers, and points last.  A tender still HELD (order not
    handed over) is reduced instead (captured for less later, released at
    zero); a captured stored-value tender is refunded to its ledger; points
    are given back pro rata.  ``to_credit_note`` issues one new credit note to
    the customer instead.  Idempotent on ``source_key`` (a retry returns the
    rows already written).  Raises ``RefundExceedsPaidError`` when the
    tenders have less left than ``amount`` (nothing is written).
    """
    amount = quantize(amount, order.currency)
    with locking.atomic():
        done = list(Refund.objects.filter(source_key__startswith=f"{source_key}:"))
        if done:
            return done
        if amount <= 0:
            return []
        if to_credit_note:
            return [_credit_note(order, amount, reason, source_key, return_record, at)]
        tenders = locking.rows_lock(Tender.objects.filter(order=order))
        # A released hold was never charged: nothing on it to give back.
        left_by_tender = {
            t.pk: Decimal(0) if t.status == Tender.Status.RELEASED else t.amount - t.refunded_amount
            for t in tenders
        }
        if sum(left_by_tender.values(), Decimal(0)) < amount:
            raise RefundExceedsPaidError(
                extra={"amount": str(amount), "left": str(sum(left_by_tender.values()))}
            )
        shares = refund_plan(tenders, amount)
        refunds = {
            tender.pk: _refund_new(
                tender,
                take,
                reason=reason,
                key=f"{source_key}:{tender.pk}",
                return_record=return_record,
                at=at,
            )
            for tender, take in shares
        }
        # The ledgers are touched in retail.locking's order (accounts by pk, then the
        # membership), whatever order the money goes back in.
        for tender, take in sorted(shares, key=lambda share: _lock_order(share[0])):
            _ledger_refund(tender, take, refunds[tender.pk], at=at)
        for tender, _take in shares:
            tender.save(update_fields=["amount", "status", "refunded_amount", "points_refunded"])
            refunds[tender.pk].save()
        return [refunds[tender.pk] for tender, _take in shares]


def refund_plan(tenders, amount: Decimal) -> list[tuple[Tender, Decimal]]:
    """Return (tender, amount) for ``amount`` given back over ``tenders``, in refund order.

    No query and no write: ``tenders_refund`` follows it under the lock, and a
    store page shows it before the return is confirmed.  The external payment
    first, points last; a released hold has nothing to give back.
    """
    rank = {kind: i for i, kind in enumerate(REFUND_ORDER)}
    shares: list[tuple[Tender, Decimal]] = []
    remaining = amount
    for tender in sorted(tenders, key=lambda t: (rank[t.kind], -t.pk)):
        left = tender.amount - tender.refunded_amount
        if tender.status == Tender.Status.RELEASED:
            left = Decimal(0)
        take = min(remaining, left)
        if take <= 0:
            continue
        shares.append((tender, take))
        remaining -= take
        if remaining == 0:
            break
    return shares


def _lock_order(tender: Tender) -> tuple[int, int, int]:
    if tender.kind == Tender.Kind.POINTS:
        return (1, 0, tender.pk)
    if tender.kind == Tender.Kind.EXTERNAL:
        return (2, 0, tender.pk)
    return (0, tender.stored_value_account_id or 0, tender.pk)


def _refund_new(
    tender: Tender, take: Decimal, *, reason: str, key: str, return_record, at
) -> Refund:
    order = tender.order
    return Refund(
        order=order,
        tender=tender,
        return_record=return_record,
        reason=reason,
        kind=tender.kind,
        amount=take,
        currency=order.currency,
        stored_value_account_id=tender.stored_value_account_id,
        code_last4=tender.code_last4,
        source_key=key,
        created_at=at,
    )


def _ledger_refund(tender: Tender, take: Decimal, refund: Refund, *, at) -> None:
    """Give ``take`` back on the tender's ledger and note it on ``tender`` and ``refund``."""
    key = refund.source_key
    if tender.status == Tender.Status.HELD:
        # Not charged yet: capture less at hand-over; nothing left, let the hold go.
        tender.amount -= take
        if tender.amount == 0:
            hold_release(hold_source_key=tender.hold_key, at=at)
            tender.status = Tender.Status.RELEASED
        return
    if tender.kind == Tender.Kind.EXTERNAL:
        refund.status = Refund.Status.PENDING
        refund.external_reference = tender.external_reference
    elif tender.kind == Tender.Kind.POINTS:
        refund.points = _points_share(tender, take)
        if refund.points:
            points_burn_reverse(
                burn_source_key=tender.points_burn_key, source_key=key, points=refund.points, at=at
            )
            tender.points_refunded += refund.points
    else:
        stored_value_refund(
            redemption_source_key=tender.redemption_key, amount=take, source_key=key, at=at
        )
    tender.refunded_amount += take


def _points_share(tender: Tender, take: Decimal) -> int:
    """Points worth ``take`` of this tender; the last refund gives back all that is left."""
    left = tender.points - tender.points_refunded
    if tender.refunded_amount + take >= tender.amount:
        return left
    share = (Decimal(tender.points) * take / tender.amount).quantize(
        Decimal(1), rounding=ROUND_HALF_UP
    )
    return min(int(share), left)


def _credit_note(order: Order, amount, reason, source_key, return_record, at) -> Refund:
    account, code = stored_value_issue(
        kind="credit_note",
        amount=amount,
        currency=order.currency,
        source_key=f"{source_key}:credit_note",
        customer=order.customer,
        channel=order.channel,
        at=at,
    )
    return Refund.objects.create(
        order=order,
        return_record=return_record,
        reason=reason,
        kind=Tender.Kind.CREDIT_NOTE,
        amount=amount,
        currency=order.currency,
        stored_value_account_id=account.pk,
        code_last4=code[-4:],
        source_key=f"{source_key}:credit_note",
        created_at=at,
    )
