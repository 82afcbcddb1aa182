# ruff: noqa: E501  (a table: one campaign a line)
"""The campaign contract as a table: one row per refusal, and valid campaigns of every kind.

Shared by the pure validation tests, the admin form tests and the import
tests.  A case's ``values`` are Campaign fields; ``targets`` are
``(group, exclude)`` pairs (a product each in the admin); ``gift`` stands for
"a gift product".
"""

from dataclasses import dataclass
from decimal import Decimal

D = Decimal
ONE = ((0, False),)
BUNDLE_PARTS = ((1, False), (2, False))


@dataclass(frozen=True)
class Case:
    id: str
    values: dict
    targets: tuple = ONE
    field: str = ""  # the refused field ("" for a valid campaign)
    code: str = ""


def case(id, kind, targets=ONE, refused="", code="", **values):
    return Case(id, {"kind": kind, **values}, targets, refused, code)


# fmt: off
REFUSALS = [
    case("percent_off_without_targets", "percent_off", (), "targets", "targets_required", percent=D(10)),
    case("amount_off_without_targets", "amount_off", (), "targets", "targets_required", amount=D(5), currency="DKK"),
    case("fixed_price_without_targets", "fixed_price", (), "targets", "targets_required", price=D(9), currency="DKK"),
    case("multibuy_without_targets", "multibuy", (), "targets", "targets_required", buy_quantity=3, pay_quantity=2),
    case("mix_match_only_excludes", "mix_match", ((0, True),), "targets", "targets_required", buy_quantity=3, mix_benefit="cheapest_free"),
    case("bundle_one_component", "bundle", ((1, False),), "targets", "targets_required", price=D(100), currency="DKK"),
    case("bundle_group_0_include", "bundle", ((0, False), (1, False), (2, False)), "targets", "own_target_include", price=D(100), currency="DKK"),
    case("groups_on_a_percent_off", "percent_off", ((0, False), (1, False)), "targets", "groups_not_used", percent=D(10)),
    case("percent_off_without_percent", "percent_off", ONE, "percent", "required"),
    case("percent_off_zero", "percent_off", ONE, "percent", "not_positive", percent=D(0)),
    case("percent_over_100", "percent_off", ONE, "percent", "out_of_range", percent=D(120)),
    case("amount_off_without_amount", "amount_off", ONE, "amount", "required", currency="DKK"),
    case("amount_off_zero", "amount_off", ONE, "amount", "not_positive", amount=D(0), currency="DKK"),
    case("fixed_price_without_price", "fixed_price", ONE, "price", "required", currency="DKK"),
    case("multibuy_without_pay_or_price", "multibuy", ONE, "pay_quantity", "required", buy_quantity=3),
    case("multibuy_3_for_0_00", "multibuy", ONE, "price", "not_positive", buy_quantity=3, price=D(0), currency="DKK"),
    case("multibuy_pay_and_price", "multibuy", ONE, "price", "ambiguous", buy_quantity=3, pay_quantity=2, price=D(50), currency="DKK"),
    case("multibuy_buy_1", "multibuy", ONE, "buy_quantity", "required", buy_quantity=1, price=D(50), currency="DKK"),
    case("multibuy_pay_not_below_buy", "multibuy", ONE, "pay_quantity", "out_of_range", buy_quantity=3, pay_quantity=3),
    case("multibuy_pay_0", "multibuy", ONE, "pay_quantity", "out_of_range", buy_quantity=3, pay_quantity=0),
    case("mix_match_without_benefit", "mix_match", ONE, "mix_benefit", "required", buy_quantity=3),
    case("mix_match_without_buy", "mix_match", ONE, "buy_quantity", "required", mix_benefit="cheapest_free"),
    case("mix_match_price_without_price", "mix_match", ONE, "price", "required", buy_quantity=3, mix_benefit="fixed_price"),
    case("mix_match_price_0", "mix_match", ONE, "price", "not_positive", buy_quantity=3, mix_benefit="fixed_price", price=D(0), currency="DKK"),
    case("mix_match_percent_without_percent", "mix_match", ONE, "percent", "required", buy_quantity=2, mix_benefit="cheapest_percent"),
    case("mix_match_free_with_price", "mix_match", ONE, "price", "not_used", buy_quantity=3, mix_benefit="cheapest_free", price=D(10), currency="DKK"),
    case("bundle_without_price", "bundle", BUNDLE_PARTS, "price", "required"),
    case("bundle_price_0", "bundle", BUNDLE_PARTS, "price", "not_positive", price=D(0), currency="DKK"),
    case("spend_without_benefit", "spend_threshold", (), "percent", "required", threshold_amount=D(500), currency="DKK"),
    case("spend_percent_and_amount", "spend_threshold", (), "amount", "ambiguous", percent=D(10), amount=D(50), currency="DKK"),
    case("spend_amount_0", "spend_threshold", (), "amount", "not_positive", amount=D(0), currency="DKK"),
    case("spend_repeats_with_percent", "spend_threshold", (), "percent", "not_used", repeats=True, percent=D(10), threshold_amount=D(30), currency="DKK"),
    case("spend_repeats_without_threshold", "spend_threshold", (), "threshold_amount", "required", repeats=True, amount=D(5), currency="DKK"),
    case("spend_repeats_threshold_0", "spend_threshold", (), "threshold_amount", "not_positive", repeats=True, amount=D(5), threshold_amount=D(0), currency="DKK"),
    case("gift_without_product", "gift_with_purchase", (), "gift_product", "required", threshold_amount=D(300), currency="DKK"),
    case("gift_quantity_0", "gift_with_purchase", (), "gift_quantity", "not_positive", gift_product="gift", gift_quantity=0),
    case("repeats_on_percent_off", "percent_off", ONE, "repeats", "not_used", percent=D(10), repeats=True),
    case("percent_on_amount_off", "amount_off", ONE, "percent", "not_used", amount=D(5), percent=D(10), currency="DKK"),
    case("price_on_percent_off", "percent_off", ONE, "price", "not_used", percent=D(10), price=D(5), currency="DKK"),
    case("threshold_on_multibuy", "multibuy", ONE, "threshold_amount", "not_used", buy_quantity=3, pay_quantity=2, threshold_amount=D(100), currency="DKK"),
    case("gift_on_spend", "spend_threshold", (), "gift_product", "not_used", percent=D(10), gift_product="gift"),
    case("mix_benefit_on_multibuy", "multibuy", ONE, "mix_benefit", "not_used", buy_quantity=3, pay_quantity=2, mix_benefit="cheapest_free"),
    case("amount_without_currency", "amount_off", ONE, "currency", "required", amount=D(5)),
    case("cap_on_spend_once", "spend_threshold", (), "max_applications", "not_used", percent=D(10), max_applications=2),
    case("cap_on_gift", "gift_with_purchase", (), "max_applications", "not_used", gift_product="gift", max_applications=2),
]

VALID = [
    case("percent_off", "percent_off", percent=D(10), max_applications=3),
    case("amount_off", "amount_off", amount=D("5.00"), currency="DKK"),
    case("fixed_price", "fixed_price", price=D("0.00"), currency="DKK"),
    case("multibuy_3_for_2", "multibuy", buy_quantity=3, pay_quantity=2, max_applications=1),
    case("multibuy_3_for_100", "multibuy", buy_quantity=3, price=D(100), currency="DKK"),
    case("mix_match_cheapest_free", "mix_match", buy_quantity=3, mix_benefit="cheapest_free"),
    case("mix_match_3_for_2", "mix_match", buy_quantity=3, pay_quantity=2, mix_benefit="cheapest_free"),
    case("mix_match_for_a_price", "mix_match", buy_quantity=3, mix_benefit="fixed_price", price=D(99), currency="DKK"),
    case("mix_match_cheapest_half", "mix_match", buy_quantity=2, mix_benefit="cheapest_percent", percent=D(50)),
    case("bundle", "bundle", ((0, True), (1, False), (2, False)), price=D(199), currency="DKK", max_applications=2),
    case("basket_10_percent", "spend_threshold", (), percent=D(10)),
    case("basket_50_off", "spend_threshold", (), amount=D(50), currency="DKK"),
    case("spend_500_get_10_percent", "spend_threshold", percent=D(10), threshold_amount=D(500), currency="DKK"),
    case("5_off_per_30", "spend_threshold", (), repeats=True, amount=D(5), threshold_amount=D(30), currency="DKK", max_applications=4),
    case("gift_for_any_spend", "gift_with_purchase", (), gift_product="gift", gift_quantity=1),
    case("gift_for_500", "gift_with_purchase", gift_product="gift", gift_quantity=2, threshold_amount=D(500), currency="DKK"),
]
# fmt: on
