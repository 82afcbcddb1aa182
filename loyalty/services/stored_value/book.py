"""The book check: every cached balance and held amount against its ledger and holds."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from loyalty.services.stored_value._common import Account, Entry, Hold
from retail.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS


def _sum(queryset) -> Coalesce:
    money = DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES)
    total = queryset.order_by().values("account_id").annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=money), Value(Decimal(0)), output_field=money)


# Less than half a minor unit is float noise (SQLite sums decimals as floats);
# on PostgreSQL the sums are exact and any real drift is at least one minor unit.
HALF_MINOR_UNIT = Decimal("0.5").scaleb(-AMOUNT_DECIMAL_PLACES)


def _differs(cached: str, computed: str) -> Q:
    return Q(**{f"{cached}__gt": F(computed) + HALF_MINOR_UNIT}) | Q(
        **{f"{cached}__lt": F(computed) - HALF_MINOR_UNIT}
    )


def stored_value_book_check() -> list[dict]:
    """Return one row per account whose balance or held amount drifts; empty when sound.

    One set-based query: ``balance`` must equal the sum of the account's
    entries and ``held`` the sum of its active holds.
    """
    rows = (
        Account.objects.annotate(
            ledger_amount=_sum(Entry.objects.filter(account_id=OuterRef("pk"))),
            holds_amount=_sum(
                Hold.objects.filter(account_id=OuterRef("pk"), status=Hold.Status.ACTIVE)
            ),
        )
        .filter(_differs("balance", "ledger_amount") | _differs("held", "holds_amount"))
        .order_by("pk")
        .values("pk", "code", "balance", "ledger_amount", "held", "holds_amount")
    )
    return list(rows)
