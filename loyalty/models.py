"""Loyalty owns stored value: club membership, points, tiers, gift cards, credit notes, vouchers.

Imports ``retail`` only; never ``pricing``, ``inventory`` or ``orders``.
Stored value pays for a price; it is not a discount.  Balances are cached on
the account and change only through ``loyalty.services`` together with an
append-only ledger entry; CHECK constraints make a negative balance impossible.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from retail.models import Channel, Currency, Customer, CustomerGroup
from retail.models.locations import code_validator
from retail.money_fields import money_field as _money


class Tier(models.Model):
    """A club tier reached by rolling 12-month spend; membership puts the customer in its group."""

    code = models.CharField(max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(unique=True, help_text=_("Higher is better."))
    min_spend_amount = _money(help_text=_("Rolling 12-month spend needed, in the currency."))
    currency = models.CharField(max_length=3, choices=Currency.choices)
    group = models.OneToOneField(CustomerGroup, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_spend_amount__gte=0), name="tier_spend_not_negative"
            )
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A customer's club membership with a cached points balance (= sum of its entries)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    customer = models.OneToOneField(Customer, on_delete=models.PROTECT, related_name="membership")
    member_number = models.CharField(max_length=20, unique=True)
    joined_at = models.DateTimeField()
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    tier = models.ForeignKey(
        Tier, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    points_balance = models.IntegerField(default=0)
    tier_computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(points_balance__gte=0), name="membership_points_not_negative"
            )
        ]

    def __str__(self):
        return f"{self.member_number} ({self.customer})"


class PointsEntry(models.Model):
    """Append-only points ledger; earned entries keep ``remaining`` for oldest-first expiry."""

    class Kind(models.TextChoices):
        EARN = "earn", _("Earned on a purchase")
        BONUS = "bonus", _("Bonus")
        BURN = "burn", _("Used as tender")
        BURN_REVERSAL = "burn_reversal", _("Tender reversed")
        EARN_REVERSAL = "earn_reversal", _("Purchase returned")
        EXPIRE = "expire", _("Expired")
        ADJUST = "adjust", _("Adjustment")

    membership = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="points_entries"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    points = models.IntegerField(help_text=_("Signed."))
    remaining = models.IntegerField(default=0, help_text=_("Unspent, unexpired part of a credit."))
    balance_after = models.IntegerField()
    spend_amount = _money(null=True, blank=True, help_text=_("Purchase amount, for tiers."))
    currency = models.CharField(max_length=3, choices=Currency.choices, blank=True)
    source_key = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "points entries"
        indexes = [models.Index(fields=["membership", "at"])]
        constraints = [
            # A returned purchase whose points were already spent still lowers the
            # tier spend: the one entry that may carry zero points.
            models.CheckConstraint(
                condition=~Q(points=0) | Q(kind="earn_reversal"), name="points_entry_not_zero"
            ),
            models.CheckConstraint(
                condition=Q(remaining__gte=0) & (Q(remaining=0) | Q(remaining__lte=F("points"))),
                name="points_entry_remaining_within_points",
            ),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="points_entry_balance_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.points:+d}"


class StoredValueAccount(models.Model):
    """A gift card, credit note or money voucher: a code, a currency and a cached balance."""

    class Kind(models.TextChoices):
        GIFT_CARD = "gift_card", _("Gift card")
        CREDIT_NOTE = "credit_note", _("Credit note")
        VOUCHER = "voucher", _("Money voucher")

    class Status(models.TextChoices):
        INACTIVE = "inactive", _("Not yet activated")
        ACTIVE = "active", _("Active")
        LOCKED = "locked", _("Locked (wrong PINs)")
        CLOSED = "closed", _("Closed")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    code = models.CharField(max_length=32, unique=True)
    pin_hash = models.CharField(max_length=200, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    balance = _money(default=0)
    held = _money(default=0, help_text=_("Authorised by holds, not yet captured."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INACTIVE)
    is_physical = models.BooleanField(default=False)
    reloadable = models.BooleanField(default=False)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only usable in this channel (vouchers)."),
    )
    min_spend_amount = _money(null=True, blank=True)
    failed_pin_attempts = models.PositiveSmallIntegerField(default=0)
    issued_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    issue_source_key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Source key of the issue, so a retried issue returns the same account."),
    )

    class Meta:
        indexes = [models.Index(fields=["kind", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(balance__gte=0), name="stored_value_balance_not_negative"
            ),
            models.CheckConstraint(condition=Q(held__gte=0), name="stored_value_held_not_negative"),
            models.CheckConstraint(
                condition=Q(held__lte=F("balance")), name="stored_value_held_within_balance"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} …{self.code[-4:]}"


class StoredValueEntry(models.Model):
    """Append-only ledger of an account: the balance always equals the sum of its entries."""

    class Kind(models.TextChoices):
        ISSUE = "issue", _("Issued / activated")
        RELOAD = "reload", _("Reloaded")
        REDEEM = "redeem", _("Redeemed")
        REFUND = "refund", _("Refunded (redemption reversed)")
        EXPIRE = "expire", _("Expired")
        ADJUST = "adjust", _("Adjustment")

    account = models.ForeignKey(
        StoredValueAccount, on_delete=models.PROTECT, related_name="entries"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    amount = _money(help_text=_("Signed: positive adds to the balance."))
    balance_after = _money()
    source_key = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "stored value entries"
        indexes = [models.Index(fields=["account", "at"])]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=0), name="stored_value_entry_not_zero"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="stored_value_entry_balance_ok"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount}"


class StoredValueHold(models.Model):
    """An authorisation on an account: captured into a redemption, released, or expired."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CAPTURED = "captured", _("Captured")
        RELEASED = "released", _("Released")
        EXPIRED = "expired", _("Expired")

    account = models.ForeignKey(StoredValueAccount, on_delete=models.PROTECT, related_name="holds")
    amount = _money()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    source_key = models.CharField(max_length=200, unique=True)
    reference = models.CharField(max_length=100, blank=True)
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="stored_value_hold_positive"),
            models.CheckConstraint(
                condition=Q(status="active", closed_at__isnull=True)
                | (~Q(status="active") & Q(closed_at__isnull=False)),
                name="stored_value_hold_closed_when_final",
            ),
        ]

    def __str__(self):
        return f"hold {self.amount} ({self.status})"
