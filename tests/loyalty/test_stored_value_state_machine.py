"""Property: any order of stored-value operations keeps the book sound."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from loyalty.models import StoredValueAccount, StoredValueEntry, StoredValueHold
from loyalty.services.stored_value import (
    hold_capture,
    hold_release,
    holds_expire,
    stored_value_adjust,
    stored_value_book_check,
    stored_value_expire_due,
    stored_value_hold,
    stored_value_issue,
    stored_value_redeem,
    stored_value_refund,
)
from retail.errors import DomainError
from tests.loyalty.sv_helpers import AT

amounts = st.integers(min_value=1, max_value=12000).map(lambda c: Decimal(c) / 100)
picks = st.integers(min_value=0, max_value=1000)
_keys = itertools.count()


class StoredValueMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.codes, self.redemptions, self.holds = [], [], []
        self.now = AT

    def key(self):
        return f"sm-{next(_keys)}"

    def pick(self, items, index):
        return items[index % len(items)] if items else None

    @rule(amount=amounts, expiring=st.booleans())
    def issue(self, amount, expiring):
        _, code = stored_value_issue(
            kind="gift_card",
            amount=amount,
            currency="DKK",
            source_key=self.key(),
            expires_at=self.now + timedelta(hours=2) if expiring else None,
            at=self.now,
        )
        self.codes.append(code)

    def attempt(self, call):
        try:
            return call()
        except DomainError:
            return None

    @rule(index=picks, amount=amounts)
    def redeem(self, index, amount):
        code = self.pick(self.codes, index)
        if code:
            key = self.key()
            entry = self.attempt(
                lambda: stored_value_redeem(
                    code=code, amount=amount, currency="DKK", source_key=key, at=self.now
                )
            )
            if entry:
                self.redemptions.append(key)

    @rule(index=picks, amount=st.one_of(st.none(), amounts))
    def refund(self, index, amount):
        key = self.pick(self.redemptions, index)
        if key:
            self.attempt(
                lambda: stored_value_refund(
                    redemption_source_key=key, amount=amount, source_key=self.key(), at=self.now
                )
            )

    @rule(index=picks, amount=amounts)
    def hold(self, index, amount):
        code = self.pick(self.codes, index)
        if code:
            key = self.key()
            if self.attempt(
                lambda: stored_value_hold(
                    code=code, amount=amount, currency="DKK", source_key=key, at=self.now
                )
            ):
                self.holds.append(key)

    @rule(index=picks, amount=st.one_of(st.none(), amounts))
    def capture(self, index, amount):
        hold_key = self.pick(self.holds, index)
        if hold_key:
            key = self.key()
            if self.attempt(
                lambda: hold_capture(
                    hold_source_key=hold_key, amount=amount, source_key=key, at=self.now
                )
            ):
                self.redemptions.append(key)

    @rule(index=picks)
    def release(self, index):
        hold_key = self.pick(self.holds, index)
        if hold_key:
            self.attempt(lambda: hold_release(hold_source_key=hold_key, at=self.now))

    @rule(index=picks, amount=amounts, negative=st.booleans())
    def adjust(self, index, amount, negative):
        code = self.pick(self.codes, index)
        if code:
            self.attempt(
                lambda: stored_value_adjust(
                    code=code,
                    amount=-amount if negative else amount,
                    reason="count",
                    source_key=self.key(),
                    actor=None,
                    at=self.now,
                )
            )

    @rule(minutes=st.integers(min_value=1, max_value=90))
    def expire(self, minutes):
        self.now += timedelta(minutes=minutes)
        holds_expire(at=self.now)
        stored_value_expire_due(at=self.now)

    @invariant()
    def book_is_sound(self):
        assert not StoredValueAccount.objects.filter(balance__lt=0).exists()
        assert stored_value_book_check() == []
        for account in StoredValueAccount.objects.all():
            assert account.held <= account.balance


@pytest.mark.django_db
def test_stored_value_state_machine_keeps_book_sound():
    def fresh():
        StoredValueEntry.objects.all().delete()
        StoredValueHold.objects.all().delete()
        StoredValueAccount.objects.all().delete()
        return StoredValueMachine()

    run_state_machine_as_test(
        fresh,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
