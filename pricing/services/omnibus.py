"""The price as it really was: the Omnibus prior price, the 30-day lowest and the price chart.

An entry's row tells its current amount and period, but not what it said
before an edit.  The history (``PriceChange``) does: each row is the state of
one entry (list, product, ``valid_from``) from ``changed_at`` on.  Replaying
it gives, for any moment ``t``, the entries as they were known at ``t``, and
so the price a customer saw at ``t``.  An entry without history (made before
history was kept, or by a bulk load that kept none) counts as always known.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import pairwise

from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from pricing.engine.prior import Reduction, prior_price_at, reductions
from pricing.engine.types import CampaignRule, PricingContext, ProductInfo
from pricing.models import PriceChange, PriceList, PriceListEntry
from retail.models import Product

OMNIBUS_WINDOW = timedelta(days=30)
# How far back a reduction's start is looked for: one that began earlier gets no prior price.
OMNIBUS_LOOKBACK = timedelta(days=365)
# How far back the history is read: the look-back and the 30 days before it.
OMNIBUS_HORIZON = OMNIBUS_LOOKBACK + OMNIBUS_WINDOW
# The segments end just after ``at`` so that the last one holds the price in force at ``at``.
_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class PriceSegment:
    """``amount`` was the price from ``valid_from`` until ``valid_to`` (exclusive)."""

    valid_from: datetime
    valid_to: datetime
    amount: Decimal


@dataclass(frozen=True, slots=True)
class OmnibusHistory:
    """A product's price in one public list over the look-back, and its 30-day lowest.

    ``lowest_price_30d`` is the rolling lowest list price in ``[at - 30 days,
    at]`` (the current price included); kept for clients that show it, it is
    not the prior price of a reduction (``pricing.engine.prior``).
    """

    segments: tuple[PriceSegment, ...]
    lowest_price_30d: Decimal | None


@dataclass(frozen=True, slots=True)
class _Version:
    """One entry's amount and end as known from ``known_from`` (None: always); amount None:
    deleted."""

    known_from: datetime | None
    amount: Decimal | None
    valid_to: datetime | None


# (product id, list code) -> entry valid_from -> versions in order of knowledge
_History = dict[datetime, list[_Version]]


def lowest_price_30d(
    *,
    product_ids: Collection[int],
    price_list_codes: Collection[str],
    at: datetime | None = None,
) -> dict[tuple[int, str], Decimal]:
    """Return the lowest price in force at any moment in [at - 30 days, at] per product and list.

    Only public lists (without customer groups) count; a key is missing when
    the product had no price in that list during the window.  Two queries,
    whatever the number of products.
    """
    at = at or timezone.now()
    start = at - OMNIBUS_WINDOW
    histories = _histories_load(
        where=_public_where(product_ids, price_list_codes), start=start, end=at
    )
    lowest = {}
    for key, history in histories.items():
        amount = _lowest(history, start, at)
        if amount is not None:
            lowest[key] = amount
    return lowest


def price_timeline(
    *, product: Product, price_list: PriceList, start: datetime, end: datetime
) -> list[PriceSegment]:
    """Return the price of ``product`` in ``price_list`` over [start, end) as segments.

    Adjacent segments have different amounts; a gap means no price.  For the
    admin's chart of a price over time.  Two queries.
    """
    histories = _histories_load(
        where=Q(product_id=product.pk, price_list_id=price_list.pk), start=start, end=end
    )
    return _segments(histories.get((product.pk, price_list.code), {}), start, end)


def public_price_history(
    *,
    product_ids: Collection[int],
    price_list_codes: Collection[str],
    at: datetime,
) -> dict[tuple[int, str], OmnibusHistory]:
    """Return per product and public list the price as known over the Omnibus look-back.

    The segments run from ``at - OMNIBUS_LOOKBACK - 30 days`` through ``at``
    (the last one reaches just past ``at``), enough to find when the
    reduction in force began and the 30 days before it; the 30-day lowest is
    computed from the same rows.  Only public lists count; a key is missing
    when the product had no price in that list in the look-back.  Two
    queries, whatever the number of products.
    """
    start = at - OMNIBUS_HORIZON
    histories = _histories_load(
        where=_public_where(product_ids, price_list_codes), start=start, end=at
    )
    result = {}
    for key, history in histories.items():
        segments = _segments(history, start, at + _INSTANT)
        if segments:
            result[key] = OmnibusHistory(
                segments=tuple(segments),
                lowest_price_30d=_lowest(history, at - OMNIBUS_WINDOW, at),
            )
    return result


def _public_where(product_ids: Collection[int], price_list_codes: Collection[str]) -> Q:
    public = ~Exists(
        PriceList.customer_groups.through.objects.filter(pricelist_id=OuterRef("price_list_id"))
    )
    return Q(product_id__in=set(product_ids), price_list__code__in=set(price_list_codes)) & Q(
        public
    )


def _lowest(history: _History, start: datetime, end: datetime) -> Decimal | None:
    amounts = [_price_at(history, moment) for moment in _moments(history, start, end)]
    amounts = [amount for amount in amounts if amount is not None]
    return min(amounts) if amounts else None


def _segments(history: _History, start: datetime, end: datetime) -> list[PriceSegment]:
    segments: list[PriceSegment] = []
    for begin, finish in pairwise(_moments(history, start, end)):
        amount = _price_at(history, begin)
        if amount is None:
            continue
        if segments and segments[-1].valid_to == begin and segments[-1].amount == amount:
            segments[-1] = PriceSegment(segments[-1].valid_from, finish, amount)
        else:
            segments.append(PriceSegment(begin, finish, amount))
    return segments


def _histories_load(*, where: Q, start: datetime, end: datetime) -> dict[tuple[int, str], _History]:
    """Load the entries and history rows that can have been in force in [start, end].

    An entry is identified by (list, product, ``valid_from``), which survives
    its deletion.  Its history is loaded whole when any of its versions
    reaches into the window.
    """
    in_window = Q(valid_from__lte=end) & (Q(valid_to__isnull=True) | Q(valid_to__gt=start))
    entries = (
        PriceListEntry.objects.filter(where)
        .filter(in_window)
        .values("product_id", "valid_from", "valid_to", "amount", "updated_at")
        .annotate(list_code=F("price_list__code"))
    )
    same_entry_reaching_window = PriceChange.objects.filter(
        price_list_id=OuterRef("price_list_id"),
        product_id=OuterRef("product_id"),
        valid_from=OuterRef("valid_from"),
    ).filter(in_window)
    changes = (
        PriceChange.objects.filter(where)
        .filter(changed_at__lte=end, valid_from__lte=end)
        .filter(Exists(same_entry_reaching_window))
        .values("product_id", "valid_from", "valid_to", "kind", "old_amount", "new_amount")
        .annotate(list_code=F("price_list__code"), at=F("changed_at"))
        .order_by("changed_at", "pk")
    )
    versions: dict[tuple[int, str], _History] = defaultdict(lambda: defaultdict(list))
    for change in changes:
        history = versions[(change["product_id"], change["list_code"])][change["valid_from"]]
        if not history and change["kind"] == PriceChange.Kind.CHANGED:
            # History starts mid-life: before the change the entry had the old amount.
            history.append(_Version(None, change["old_amount"], change["valid_to"]))
        amount = None if change["kind"] == PriceChange.Kind.DELETED else change["new_amount"]
        history.append(_Version(change["at"], amount, change["valid_to"]))
    for entry in entries:
        history = versions[(entry["product_id"], entry["list_code"])][entry["valid_from"]]
        if not history:
            history.append(_Version(None, entry["amount"], entry["valid_to"]))
        elif (history[-1].amount, history[-1].valid_to) != (entry["amount"], entry["valid_to"]):
            # Edited without a history row (a raw update): known since its last save.
            history.append(_Version(entry["updated_at"], entry["amount"], entry["valid_to"]))
    return {key: dict(history) for key, history in versions.items()}


def _moments(history: _History, start: datetime, end: datetime) -> list[datetime]:
    """Every moment in [start, end] at which the price can change, in order."""
    moments = {start, end}
    for valid_from, versions in history.items():
        for version in versions:
            for moment in (valid_from, version.known_from, version.valid_to):
                if moment is not None and start < moment < end:
                    moments.add(moment)
    return sorted(moments)


def _price_at(history: _History, moment: datetime) -> Decimal | None:
    """The price in force at ``moment`` as the entries were known at ``moment``."""
    best: tuple[datetime, Decimal] | None = None
    for valid_from, versions in history.items():
        if valid_from > moment:
            continue
        known = None
        for version in versions:
            if version.known_from is not None and version.known_from > moment:
                break
            known = version
        if (
            known is not None
            and known.amount is not None
            and (known.valid_to is None or moment < known.valid_to)
            and (best is None or valid_from > best[0])
        ):
            best = (valid_from, known.amount)
    return best[1] if best else None


def list_reductions(
    *,
    product: Product,
    price_list: PriceList,
    segments: Sequence[tuple[datetime, datetime, Decimal]],
    end: datetime,
    horizon: datetime,
) -> list[Reduction]:
    """The reductions of one list's own prices up to ``end`` (campaigns not counted: they are
    per channel), each with its prior price; for the admin's chart.  No query.

    ``segments`` are ``price_timeline``'s from at least 30 days before
    ``horizon``, the earliest start of a reduction that gets a prior price.
    """
    info = ProductInfo(
        product_id=product.pk,
        sku=product.sku,
        name=product.name,
        category_ids=frozenset(),
        brand_id=None,
        set_ids=frozenset(),
        vat_rate=Decimal(0),
    )
    return reductions(
        product=info,
        list_code=price_list.code,
        list_prices=segments,
        campaigns=(),
        context=PricingContext(at=end, currency=price_list.currency),
        horizon=horizon,
    )


@dataclass(frozen=True, slots=True)
class OmnibusPrice:
    """What a client may show beside a price: the prior price of the reduction in force at
    ``at`` (None: no reduction) and the rolling 30-day lowest list price."""

    prior_price: Decimal | None
    lowest_price_30d: Decimal | None


def omnibus_prices(
    *,
    products: Mapping[int, ProductInfo],
    list_codes: Mapping[int, Sequence[str]],
    campaigns: Mapping[int, Sequence[CampaignRule]],
    context: PricingContext,
) -> dict[int, OmnibusPrice]:
    """Return the Omnibus prices of ``products`` at ``context.at``; two queries.

    ``list_codes`` are a product's public lists in order of preference: the
    first with a price in the look-back is used.  ``campaigns`` are those
    that can touch a product (any, in force at some moment of the look-back:
    ``pricing.loader.rules_load(campaigns_since=...)``); only public unit
    campaigns count (``pricing.engine.prior``).  The prior price is computed
    in the public context (no customer), whoever asks.
    """
    at = context.at
    public = replace(
        context,
        customer_id=None,
        group_codes=frozenset(),
        unlocked_campaign_ids=frozenset(),
        coupon_campaigns=(),
    )
    histories = public_price_history(
        product_ids=set(list_codes),
        price_list_codes={code for codes in list_codes.values() for code in codes},
        at=at,
    )
    answer = {}
    for product_id, codes in list_codes.items():
        code = next((c for c in codes if (product_id, c) in histories), None)
        if code is None or product_id not in products:
            continue
        history = histories[(product_id, code)]
        found = reductions(
            product=products[product_id],
            list_code=code,
            list_prices=[(s.valid_from, s.valid_to, s.amount) for s in history.segments],
            campaigns=campaigns.get(product_id, ()),
            context=public,
            horizon=at - OMNIBUS_LOOKBACK,
        )
        answer[product_id] = OmnibusPrice(
            prior_price=prior_price_at(found, at), lowest_price_30d=history.lowest_price_30d
        )
    return answer
