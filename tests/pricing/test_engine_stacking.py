"""Stacking: exclusive, best price and compound campaigns, priority bands and the best order.

Model (see ``pricing.engine.search``): each unit remembers the strongest policy
applied to it.  Exclusive takes only undiscounted units and then nothing else
touches them, not even basket-level discounts, nor do they count towards
thresholds.  Best price takes only undiscounted units; afterwards no other
line-level discount, but compound spend thresholds still count and discount
them.  Compound takes units with nothing or only compound discounts, on their
already reduced price.  Higher priority bands go first; inside a band the
order that gives the customer the lowest total wins.
"""

from datetime import timedelta

import pytest

from tests.pricing.builders import AT, campaign, priced, target

PRICES = {1: "100.00", 2: "50.00", 3: "31.00", 4: "30.00", 5: "50.00", 6: "20.00", 7: "10.00"}
EVERYTHING = target(everything=True)


def pct(code, percent, stacking, on=(1,), **kwargs):
    return campaign(code, "percent_off", on, percent=percent, stacking=stacking, **kwargs)


# (case id, basket, campaigns, context overrides, expected total, expected applied campaigns)
CASES = [
    (
        "exclusive_better_than_the_compound_pair_applies_alone",
        [(1, 1)],
        [
            pct("EXCL30", "30", "exclusive"),
            pct("COMP10", "10", "compound"),
            pct("COMPX", "10", "compound"),
        ],
        {},
        "70.00",
        ("EXCL30",),
    ),
    (
        "compound_pair_better_than_the_exclusive_applies_both",
        [(1, 1)],
        [
            pct("EXCL15", "15", "exclusive"),
            pct("COMP10", "10", "compound"),
            pct("COMPX", "10", "compound"),
        ],
        {},
        "81.00",
        ("COMP10", "COMPX"),
    ),
    (
        "compound_applies_to_the_already_reduced_price",
        [(1, 1)],
        [pct("A", "50", "compound"), pct("B", "50", "compound")],
        {},
        "25.00",
        ("A", "B"),
    ),
    (
        "best_price_shuts_out_other_line_discounts",
        [(1, 1)],
        [pct("BEST20", "20", "best_price"), pct("COMP10", "10", "compound")],
        {},
        "80.00",
        ("BEST20",),
    ),
    (
        "of_two_best_price_campaigns_the_better_one",
        [(1, 1)],
        [pct("BEST20", "20", "best_price"), pct("BEST25", "25", "best_price")],
        {},
        "75.00",
        ("BEST25",),
    ),
    (
        "best_price_units_still_get_a_compound_spend_threshold",
        [(1, 1)],
        [
            pct("BEST20", "20", "best_price"),
            campaign("S10", "spend_threshold", EVERYTHING, percent="10", stacking="compound"),
        ],
        {},
        "72.00",
        ("BEST20", "S10"),
    ),
    (
        "best_price_threshold_only_takes_undiscounted_units",
        [(1, 1), (2, 1)],
        [
            pct("COMP10", "10", "compound"),
            campaign("S10", "spend_threshold", EVERYTHING, percent="10", stacking="best_price"),
        ],
        {},
        "135.00",
        ("COMP10", "S10"),
    ),
    (
        "exclusive_units_get_no_threshold_and_do_not_count_towards_it",
        [(1, 1), (2, 1)],
        [
            pct("EXCL20", "20", "exclusive"),
            campaign(
                "S100",
                "spend_threshold",
                EVERYTHING,
                threshold="100",
                percent="10",
                stacking="compound",
            ),
        ],
        {},
        "130.00",
        ("EXCL20",),
    ),
    (
        "higher_priority_goes_first_even_when_worse",
        [(1, 1)],
        [pct("EXCL10", "10", "exclusive", priority=1), pct("BEST50", "50", "best_price")],
        {},
        "90.00",
        ("EXCL10",),
    ),
    (
        "higher_priority_band_then_lower_band_on_what_is_left",
        [(1, 1), (2, 1)],
        [
            pct("BEST10", "10", "best_price", priority=1),
            pct("BEST50", "50", "best_price", on=(1, 2)),
        ],
        {},
        "115.00",
        ("BEST10", "BEST50"),
    ),
    (
        # Alone, "2 for 1" (saves 31.00) beats "3 for 2" (saves 10.00) and would take
        # products 3 and 5, leaving "3 for 2" incomplete: 110.00.  Letting "3 for 2"
        # take 3, 6 and 7 first leaves 4 and 5 for "2 for 1": both apply, 101.00.
        "two_overlapping_mix_and_match_sets_the_better_combination",
        [(3, 1), (4, 1), (5, 1), (6, 1), (7, 1)],
        [
            campaign("2FOR1", "mix_match", [3, 4, 5], buy=2, benefit="cheapest_free"),
            campaign("3FOR2", "mix_match", [3, 6, 7], buy=3, benefit="cheapest_free"),
        ],
        {},
        "101.00",
        ("3FOR2", "2FOR1"),
    ),
    (
        "a_mix_and_match_group_uses_up_its_paid_items_too",
        [(4, 3)],
        [
            campaign("3FOR2", "mix_match", [4], buy=3, benefit="cheapest_free"),
            pct("BEST20", "20", "best_price", on=(4,)),
        ],
        {},
        "60.00",
        ("3FOR2",),
    ),
    (
        "member_only_campaign_not_for_a_guest",
        [(1, 1)],
        [pct("MEMBERS", "10", "compound", groups={"members"})],
        {},
        "100.00",
        (),
    ),
    (
        "member_only_campaign_for_a_member",
        [(1, 1)],
        [pct("MEMBERS", "10", "compound", groups={"members"})],
        {"group_codes": {"members"}},
        "90.00",
        ("MEMBERS",),
    ),
    (
        "coupon_campaign_locked_without_its_coupon",
        [(1, 1)],
        [pct("COUPON", "10", "compound", coupon=True, campaign_id=77)],
        {},
        "100.00",
        (),
    ),
    (
        "coupon_campaign_unlocked_by_its_coupon",
        [(1, 1)],
        [pct("COUPON", "10", "compound", coupon=True, campaign_id=77)],
        {"unlocked_campaign_ids": {77}},
        "90.00",
        ("COUPON",),
    ),
    (
        "campaign_not_started_yet",
        [(1, 1)],
        [pct("SOON", "10", "compound", valid_from=AT + timedelta(minutes=1))],
        {},
        "100.00",
        (),
    ),
    (
        "campaign_ended",
        [(1, 1)],
        [pct("OVER", "10", "compound", valid_to=AT)],
        {},
        "100.00",
        (),
    ),
    (
        "campaign_in_another_currency",
        [(1, 1)],
        [pct("SEK", "10", "compound", currency="SEK")],
        {},
        "100.00",
        (),
    ),
    (
        "campaign_for_another_channel",
        [(1, 1)],
        [pct("APP", "10", "compound", channels={2})],
        {"channel_id": 1},
        "100.00",
        (),
    ),
    (
        "campaign_for_this_store",
        [(1, 1)],
        [pct("CPH", "10", "compound", stores={7})],
        {"store_id": 7},
        "90.00",
        ("CPH",),
    ),
]


@pytest.mark.parametrize(
    ("basket", "campaigns", "overrides", "total", "applied"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_stacking(basket, campaigns, overrides, total, applied):
    result = priced(basket, PRICES, campaigns, **overrides)
    assert str(result.total) == total
    assert result.applied_campaigns == applied


def test_order_of_campaigns_in_the_rules_does_not_matter():
    campaigns = [
        pct("EXCL15", "15", "exclusive"),
        pct("COMP10", "10", "compound"),
        pct("COMPX", "10", "compound"),
    ]
    forward = priced([(1, 2)], PRICES, campaigns)
    backward = priced([(1, 2)], PRICES, campaigns[::-1])
    assert forward == backward
