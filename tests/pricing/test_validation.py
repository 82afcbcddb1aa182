"""The one campaign validation (pricing.validation), without a database: the contract's table."""

import pytest

from pricing.validation import TargetSpec, campaign_problems
from tests.pricing.campaign_rules_cases import REFUSALS, VALID


def _problems(case):
    values = {k: (1 if v == "gift" else v) for k, v in case.values.items()}
    values.setdefault("gift_quantity", 1)
    targets = [TargetSpec(group=g, exclude=e) for g, e in case.targets]
    return campaign_problems(values=values, targets=targets)


@pytest.mark.parametrize("case", REFUSALS, ids=lambda c: c.id)
def test_campaign_problems_refuses_naming_the_field(case):
    problems = _problems(case)
    assert (case.field, case.code) in [(p.field, p.code) for p in problems]
    assert all(p.message for p in problems)


@pytest.mark.parametrize("case", VALID, ids=lambda c: c.id)
def test_campaign_problems_accepts_valid_campaigns(case):
    assert _problems(case) == []


def test_campaign_problems_without_targets_checks_only_the_fields():
    assert campaign_problems(values={"kind": "percent_off", "percent": 10}, targets=None) == []


def test_campaign_problems_messages_are_translated():
    from django.utils import translation

    with translation.override("da"):
        (problem,) = campaign_problems(values={"kind": "amount_off", "amount": 5}, targets=None)
    assert problem.field == "currency" and problem.message
