"""The Omnibus prior price of a reduction, from a price history: pure, table-driven, dates pinned.

Day ``n`` is ``D0 + n days``; a list price is ``(from day, to day or None, amount)``; a
campaign is ``(kind, value, from day, to day or None)`` with optional extra fields.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pricing.engine.prior import Reduction, prior_price_at, reductions
from pricing.engine.types import (
    AMOUNT_OFF,
    COMPOUND,
    FIXED_PRICE,
    MULTIBUY,
    PERCENT_OFF,
    CampaignRule,
    PricingContext,
    ProductInfo,
    Target,
)

D0 = datetime(2026, 1, 1, tzinfo=UTC)
HORIZON_DAYS = 365
PRODUCT = ProductInfo(
    product_id=1,
    sku="KETTLE",
    name="Kettle",
    category_ids=frozenset({7}),
    brand_id=None,
    set_ids=frozenset(),
    vat_rate=Decimal(25),
)


def day(n: float) -> datetime:
    return D0 + timedelta(days=n)


def _campaign(index, kind, value, start, end=None, **extra) -> CampaignRule:
    parameter = {PERCENT_OFF: "percent", AMOUNT_OFF: "amount", FIXED_PRICE: "price"}.get(kind)
    values = {parameter: Decimal(value)} if parameter and value is not None else {}
    return CampaignRule(
        campaign_id=index,
        code=f"C{index}",
        name=f"Campaign {index}",
        kind=kind,
        stacking=COMPOUND,
        priority=0,
        valid_from=day(start),
        valid_to=day(end) if end is not None else None,
        target=Target(product_ids=frozenset({PRODUCT.product_id})),
        **values,
        **extra,
    )


def prior(prices, campaigns=(), *, on, start_day=-400):
    """The prior price on day ``on``; the list prices are known from ``start_day`` on."""
    at = day(on)
    segments = [
        (day(max(begin, start_day)), day(end) if end is not None else at + timedelta(days=1), amt)
        for begin, end, amt in ((b, e, Decimal(a)) for b, e, a in prices)
    ]
    found = reductions(
        product=PRODUCT,
        list_code="PUBLIC",
        list_prices=segments,
        campaigns=[
            _campaign(i, *c[:4], **(c[4] if len(c) > 4 else {})) for i, c in enumerate(campaigns)
        ],
        context=PricingContext(at=at, currency="DKK"),
        horizon=at - timedelta(days=HORIZON_DAYS),
    )
    return prior_price_at(found, at)


# 100.00 for 40 days, then 120.00 for 10 days: the history before both reductions below.
BEFORE = [(-400, 40, "100.00"), (40, 50, "120.00")]

CASES = {
    # The first case: a campaign running 25 days keeps the price before it began.
    "campaign_day_75_keeps_100": (
        [*BEFORE, (50, None, "120.00")],
        [(FIXED_PRICE, "96.00", 50, None)],
        75,
        "100.00",
    ),
    "campaign_percent_on_its_first_day": (
        [*BEFORE, (50, None, "120.00")],
        [(PERCENT_OFF, "20", 50, None)],
        50,
        "100.00",
    ),
    "campaign_amount_off": (
        [*BEFORE, (50, None, "120.00")],
        [(AMOUNT_OFF, "24.00", 50, 90)],
        75,
        "100.00",
    ),
    # The second case: 120.00 ends, 96.00 starts, no campaign.
    "list_reduction_is_not_its_own_prior_price": (
        [*BEFORE, (50, None, "96.00")],
        [],
        51,
        "100.00",
    ),
    "list_reduction_day_75_keeps_100": ([*BEFORE, (50, None, "96.00")], [], 75, "100.00"),
    # The third case: HQ cut the price (the history shows 120.00 until the cut).
    "price_cut_right_after_the_cut": (
        [(-400, 60, "120.00"), (60, None, "96.00")],
        [],
        60.01,
        "120.00",
    ),
    "stepped_reduction_keeps_first_steps_prior_price": (
        [(-400, 40, "100.00"), (40, 50, "90.00"), (50, 60, "80.00"), (60, None, "70.00")],
        [],
        75,
        "100.00",
    ),
    "stepped_reduction_back_up_but_still_below_reference": (
        [(-400, 40, "100.00"), (40, 50, "80.00"), (50, None, "90.00")],
        [],
        60,
        "100.00",
    ),
    "stepped_campaigns_back_to_back_keep_the_first": (
        [(-400, None, "100.00")],
        [(PERCENT_OFF, "10", 40, 50), (PERCENT_OFF, "30", 50, None)],
        60,
        "100.00",
    ),
    "campaign_starting_while_a_list_reduction_runs": (
        [(-400, 40, "100.00"), (40, None, "90.00")],
        [(PERCENT_OFF, "10", 50, None)],
        60,
        "100.00",
    ),
    "list_cut_while_a_campaign_runs_keeps_the_campaigns": (
        [(-400, 50, "100.00"), (50, None, "90.00")],
        [(PERCENT_OFF, "10", 40, None)],
        60,
        "100.00",
    ),
    "an_earlier_campaign_in_the_30_days_counts": (
        [(-400, 45, "100.00"), (45, None, "90.00")],
        [(PERCENT_OFF, "20", 20, 30)],
        50,
        "80.00",
    ),
    "an_earlier_campaign_more_than_30_days_before_does_not": (
        [(-400, 45, "100.00"), (45, None, "90.00")],
        [(PERCENT_OFF, "20", 5, 14)],
        50,
        "100.00",
    ),
    "no_reduction": ([(-400, None, "100.00")], [], 60, None),
    "a_price_rise_is_no_reduction": ([(-400, 40, "100.00"), (40, None, "120.00")], [], 60, None),
    "list_reduction_ended": (
        [(-400, 40, "100.00"), (40, 50, "80.00"), (50, None, "100.00")],
        [],
        60,
        None,
    ),
    "list_reduction_ended_by_a_higher_price": (
        [(-400, 40, "100.00"), (40, 50, "80.00"), (50, None, "110.00")],
        [],
        60,
        None,
    ),
    "campaign_ended": ([(-400, None, "100.00")], [(PERCENT_OFF, "10", 40, 50)], 60, None),
    "multibuy_is_not_a_unit_reduction": (
        [(-400, None, "100.00")],
        [(MULTIBUY, None, 40, None, {"buy_quantity": 2, "pay_quantity": 1})],
        60,
        None,
    ),
    "member_campaign_does_not_count": (
        [(-400, None, "100.00")],
        [(PERCENT_OFF, "10", 40, None, {"group_codes": frozenset({"MEMBER"})})],
        60,
        None,
    ),
    "coupon_campaign_does_not_count": (
        [(-400, None, "100.00")],
        [(PERCENT_OFF, "10", 40, None, {"requires_coupon": True})],
        60,
        None,
    ),
    "reduction_older_than_the_look_back_has_none": (
        [(-400, -380, "100.00"), (-380, None, "80.00")],
        [],
        60,
        None,
    ),
}


@pytest.mark.parametrize(("prices", "campaigns", "on", "expected"), CASES.values(), ids=CASES)
def test_prior_price_at(prices, campaigns, on, expected):
    assert prior(prices, campaigns, on=on) == (Decimal(expected) if expected is not None else None)


def test_reductions_lists_each_reduction_with_its_fixed_prior_price():
    at = day(100)
    found = reductions(
        product=PRODUCT,
        list_code="PUBLIC",
        list_prices=[
            (day(-400), day(40), Decimal("100.00")),
            (day(40), day(50), Decimal("80.00")),
            (day(50), day(70), Decimal("100.00")),
            (day(70), day(101), Decimal("90.00")),
        ],
        campaigns=[],
        context=PricingContext(at=at, currency="DKK"),
        horizon=at - timedelta(days=HORIZON_DAYS),
    )
    assert found == [
        Reduction(day(40), day(50), Decimal("100.00")),
        # 80.00 ended 20 days before the second reduction: it is still in its 30 days.
        Reduction(day(70), None, Decimal("80.00")),
    ]
