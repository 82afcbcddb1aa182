"""The one validation of a campaign's settings and targets: what each kind needs and allows.

Pure (no database): it takes the field values and the targets and returns the
problems, each naming the field, with a stable ``code`` and a message in the
active language.  The admin form, the spreadsheet import, ``Campaign.clean()``
and ``campaigns_bulk_upsert`` all call it, so a campaign the engine would
silently ignore ("3 for 0.00", a percent off without targets, a cap on a
spend discount that applies once) is refused wherever it is written.

The contract, per kind:

- **Targets.** percent_off, amount_off, fixed_price, multibuy and mix_match
  need at least one (non-exclude) group-0 target; a bundle needs at least two
  components (groups 1..n).  spend_threshold and gift_with_purchase without
  targets apply to the whole basket.  Only a bundle has component groups, and
  a bundle's own group 0 only excludes.
- **Benefit.** percent_off: ``percent`` > 0; amount_off: ``amount`` > 0;
  fixed_price: ``price`` ≥ 0; multibuy: ``buy_quantity`` ≥ 2 and exactly one of
  ``pay_quantity`` (1 ≤ pay < buy) or ``price`` > 0; mix_match:
  ``buy_quantity`` ≥ 2 and ``mix_benefit`` (fixed_price needs ``price`` > 0,
  cheapest_percent ``percent`` > 0, cheapest_free neither, optionally a
  ``pay_quantity``); bundle: ``price`` > 0; spend_threshold: exactly one of
  ``percent`` > 0 or ``amount`` > 0, ``threshold_amount`` optional, and with
  ``repeats`` an ``amount`` and a ``threshold_amount`` > 0; gift_with_purchase:
  ``gift_product`` and ``gift_quantity`` ≥ 1.
- **Caps.** ``max_applications`` counts units (per-unit kinds), groups
  (multibuy, mix_match), sets (bundle) or steps (spend_threshold with
  ``repeats``); it is refused on a spend_threshold without ``repeats`` and on
  a gift_with_purchase, which apply once per basket.
- Fields a kind does not use must be empty, ``repeats`` is for spend_threshold
  only, and a campaign with amounts needs a ``currency``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

PERCENT_OFF, AMOUNT_OFF, FIXED_PRICE = "percent_off", "amount_off", "fixed_price"
MULTIBUY, MIX_MATCH, BUNDLE = "multibuy", "mix_match", "bundle"
SPEND_THRESHOLD, GIFT_WITH_PURCHASE = "spend_threshold", "gift_with_purchase"
BENEFIT_FIXED_PRICE, CHEAPEST_FREE, CHEAPEST_PERCENT = (
    "fixed_price",
    "cheapest_free",
    "cheapest_percent",
)
KINDS = (
    PERCENT_OFF,
    AMOUNT_OFF,
    FIXED_PRICE,
    MULTIBUY,
    MIX_MATCH,
    BUNDLE,
    SPEND_THRESHOLD,
    GIFT_WITH_PURCHASE,
)

# The kind-specific fields, and the kinds that use each (the admin shows them by kind).
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    "percent": (PERCENT_OFF, MIX_MATCH, SPEND_THRESHOLD),
    "amount": (AMOUNT_OFF, SPEND_THRESHOLD),
    "price": (FIXED_PRICE, MULTIBUY, MIX_MATCH, BUNDLE),
    "buy_quantity": (MULTIBUY, MIX_MATCH),
    "pay_quantity": (MULTIBUY, MIX_MATCH),
    "mix_benefit": (MIX_MATCH,),
    "threshold_amount": (SPEND_THRESHOLD, GIFT_WITH_PURCHASE),
    "repeats": (SPEND_THRESHOLD,),
    "gift_product": (GIFT_WITH_PURCHASE,),
    "gift_quantity": (GIFT_WITH_PURCHASE,),
    "max_applications": (
        PERCENT_OFF,
        AMOUNT_OFF,
        FIXED_PRICE,
        MULTIBUY,
        MIX_MATCH,
        BUNDLE,
        SPEND_THRESHOLD,
    ),
}
AMOUNT_FIELDS = ("amount", "price", "threshold_amount")
NEEDS_TARGETS = (PERCENT_OFF, AMOUNT_OFF, FIXED_PRICE, MULTIBUY, MIX_MATCH)
TARGETS = "targets"
ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class TargetSpec:
    """What the validation needs of one target: its group and whether it excludes."""

    group: int = 0
    exclude: bool = False


@dataclass(frozen=True, slots=True)
class CampaignProblem:
    """One refusal: the field it is about (``targets`` for the targets), a code, a message."""

    field: str
    code: str
    message: str


def _empty(name: str, value: object) -> bool:
    if name == "gift_quantity":  # never empty in the table: the default 1 counts as unset
        return value in (None, "", 1)
    return value in (None, "", False)


class _Check:
    def __init__(self, values: Mapping[str, object]):
        self.values = values
        self.problems: list[CampaignProblem] = []
        self.refused: set[str] = set()

    def __getitem__(self, name: str):
        return self.values.get(name)

    def refuse(self, field: str, code: str, message: str) -> None:
        if field not in self.refused:  # one message a field: the first says what to fix
            self.refused.add(field)
            self.problems.append(CampaignProblem(field, code, message))

    def positive(self, name: str, message: str, *, zero_ok: bool = False) -> None:
        value = self[name]
        if value is None or value == "":
            self.refuse(name, "required", message)
        elif value < 0 or (value == 0 and not zero_ok):
            self.refuse(name, "not_positive", message)

    def unused(self, name: str, message: str) -> None:
        if not _empty(name, self[name]):
            self.refuse(name, "not_used", message)


def campaign_problems(
    *, values: Mapping[str, object], targets: Iterable[TargetSpec] | None
) -> list[CampaignProblem]:
    """Return what is wrong with a campaign of these field ``values`` and ``targets``.

    ``values`` maps Campaign field names to values (``gift_product`` may be the
    product or its id).  ``targets=None`` skips the target rules (for callers
    that do not know the targets yet, such as ``Campaign.clean()`` of a new
    campaign).  An empty list means the campaign is valid.
    """
    check = _Check(values)
    kind = values.get("kind") or ""
    if kind not in KINDS:
        check.refuse("kind", "required", _("Choose the kind of campaign."))
        return check.problems
    _benefit(check, kind)
    _caps(check, kind)
    for name, kinds in KIND_FIELDS.items():
        if kind not in kinds:
            check.unused(name, _unused_message(name, kind))
    _currency(check)
    if targets is not None:
        _targets(check, kind, list(targets))
    return check.problems


def _unused_message(name: str, kind: str) -> str:
    label = _kind_label(kind)
    if name == "repeats":
        return _("Only a basket or spend discount repeats; a %(kind)s campaign cannot.") % {
            "kind": label
        }
    return _("A %(kind)s campaign does not use this field: leave it empty.") % {"kind": label}


def _kind_label(kind: str) -> str:
    labels = {
        PERCENT_OFF: _("percent off"),
        AMOUNT_OFF: _("amount off"),
        FIXED_PRICE: _("fixed price"),
        MULTIBUY: _("multibuy"),
        MIX_MATCH: _("mix & match"),
        BUNDLE: _("bundle"),
        SPEND_THRESHOLD: _("basket or spend discount"),
        GIFT_WITH_PURCHASE: _("gift with purchase"),
    }
    return labels[kind]


def _benefit(check: _Check, kind: str) -> None:
    if kind == PERCENT_OFF:
        check.positive("percent", _("Give the percent off, above 0."))
    elif kind == AMOUNT_OFF:
        check.positive("amount", _("Give the amount off each unit, above 0."))
    elif kind == FIXED_PRICE:
        check.positive("price", _("Give the price each unit costs (0 or more)."), zero_ok=True)
    elif kind == MULTIBUY:
        _multibuy(check)
    elif kind == MIX_MATCH:
        _mix_match(check)
    elif kind == BUNDLE:
        check.positive("price", _("Give the price of the whole bundle, above 0."))
    elif kind == SPEND_THRESHOLD:
        _spend(check)
    elif kind == GIFT_WITH_PURCHASE:
        if check["gift_product"] in (None, ""):
            check.refuse("gift_product", "required", _("Choose the product given away."))
        quantity = check["gift_quantity"]
        if quantity is None or quantity < 1:
            check.refuse(
                "gift_quantity", "not_positive", _("Give how many are given away: 1 or more.")
            )
    percent = check["percent"]
    if percent is not None and percent > 100:
        check.refuse("percent", "out_of_range", _("A percent is at most 100."))


def _buy_quantity(check: _Check) -> int | None:
    buy = check["buy_quantity"]
    if buy is None or buy < 2:
        check.refuse("buy_quantity", "required", _("Give how many units make the deal: 2 or more."))
        return None
    return buy


def _pay_quantity(check: _Check, buy: int | None) -> None:
    pay = check["pay_quantity"]
    if pay is not None and (pay < 1 or (buy is not None and pay >= buy)):
        check.refuse(
            "pay_quantity",
            "out_of_range",
            _("Pay for at least 1 and fewer than the units bought (3 for 2)."),
        )


def _multibuy(check: _Check) -> None:
    buy = _buy_quantity(check)
    pay, price = check["pay_quantity"], check["price"]
    if pay is None and price is None:
        check.refuse(
            "pay_quantity",
            "required",
            _("Give the quantity paid for (3 for 2) or the price of the group (3 for 100.00)."),
        )
    elif pay is not None and price is not None:
        check.refuse(
            "price",
            "ambiguous",
            _("Give a quantity paid for or a price, not both."),
        )
    elif pay is not None:
        _pay_quantity(check, buy)
    else:
        check.positive("price", _("The price of the group must be above 0 (3 for 0.00 is free)."))


def _mix_match(check: _Check) -> None:
    buy = _buy_quantity(check)
    benefit = check["mix_benefit"] or ""
    if benefit == BENEFIT_FIXED_PRICE:
        check.positive("price", _("Give the price of the group, above 0."))
    elif benefit == CHEAPEST_PERCENT:
        check.positive("percent", _("Give the percent off the cheapest unit, above 0."))
    elif benefit == CHEAPEST_FREE:
        _pay_quantity(check, buy)
    else:
        check.refuse("mix_benefit", "required", _("Choose what the group gets."))
        return
    unused = _("This mix & match benefit does not use this field: leave it empty.")
    if benefit != BENEFIT_FIXED_PRICE:
        check.unused("price", unused)
    if benefit != CHEAPEST_PERCENT:
        check.unused("percent", unused)
    if benefit != CHEAPEST_FREE:
        check.unused("pay_quantity", unused)


def _spend(check: _Check) -> None:
    percent, amount = check["percent"], check["amount"]
    if check["repeats"]:
        if percent is not None:
            check.refuse(
                "percent",
                "not_used",
                _("A repeating discount is an amount off per threshold spent, not a percent."),
            )
        check.positive("amount", _("Give the amount that comes off per threshold spent."))
        check.positive("threshold_amount", _("Give the spend, above 0, the amount comes off per."))
        return
    if percent is None and amount is None:
        check.refuse("percent", "required", _("Give a percent or an amount off."))
    elif percent is not None and amount is not None:
        check.refuse("amount", "ambiguous", _("Give a percent or an amount off, not both."))
    elif percent is not None:
        check.positive("percent", _("Give the percent off, above 0."))
    else:
        check.positive("amount", _("Give the amount off, above 0."))
    threshold = check["threshold_amount"]
    if threshold is not None and threshold < 0:
        check.refuse("threshold_amount", "not_positive", _("The spend must be 0 or more."))


def _caps(check: _Check, kind: str) -> None:
    cap = check["max_applications"]
    if cap is None:
        return
    if kind == SPEND_THRESHOLD and not check["repeats"]:
        check.refuse(
            "max_applications",
            "not_used",
            _(
                "A spend discount applies once per basket; a cap is for one that "
                "repeats per threshold spent."
            ),
        )
    elif kind == GIFT_WITH_PURCHASE:
        check.refuse(
            "max_applications",
            "not_used",
            _("A gift applies once per basket; give the gift quantity instead."),
        )
    elif cap < 1:
        check.refuse("max_applications", "not_positive", _("Give 1 or more, or leave it empty."))


def _currency(check: _Check) -> None:
    has_amounts = any(check[name] not in (None, "") for name in AMOUNT_FIELDS)
    if has_amounts and not check["currency"]:
        check.refuse("currency", "required", _("A campaign with amounts needs a currency."))


def _targets(check: _Check, kind: str, targets: Sequence[TargetSpec]) -> None:
    includes = [t for t in targets if not t.exclude]
    own = [t for t in includes if t.group == 0]
    components = {t.group for t in includes if t.group > 0}
    if kind == BUNDLE:
        if own:
            check.refuse(
                TARGETS,
                "own_target_include",
                _("A bundle's group 0 only excludes; put its components in groups 1, 2, ..."),
            )
        elif len(components) < 2:
            check.refuse(
                TARGETS,
                "targets_required",
                _("A bundle needs at least two components: targets in groups 1, 2, ..."),
            )
        return
    if any(t.group > 0 for t in targets):
        check.refuse(
            TARGETS,
            "groups_not_used",
            _("Only a bundle has component groups: put the targets in group 0."),
        )
    elif kind in NEEDS_TARGETS and not own:
        check.refuse(
            TARGETS,
            "targets_required",
            _("Give the products, categories, brands or sets the campaign applies to."),
        )


def campaign_values(campaign) -> dict[str, object]:
    """The field values of a ``Campaign`` instance as ``campaign_problems`` reads them."""
    names = ("kind", "currency", *KIND_FIELDS)
    values = {name: getattr(campaign, name, None) for name in names if name != "gift_product"}
    values["gift_product"] = campaign.gift_product_id
    return values


__all__ = [
    "KIND_FIELDS",
    "TARGETS",
    "CampaignProblem",
    "TargetSpec",
    "campaign_problems",
    "campaign_values",
]
