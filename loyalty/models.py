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

    code = models.CharField(
        max_length=16, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    rank = models.PositiveSmallIntegerField(
        unique=True, help_text=_("Higher is better."), verbose_name=_("rank")
    )
    min_spend_amount = _money(
        help_text=_("Rolling 12-month spend needed, in the currency."),
        verbose_name=_("min spend amount"),
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    group = models.OneToOneField(
        CustomerGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("group")
    )

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
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

    customer = models.OneToOneField(
        Customer, on_delete=models.PROTECT, related_name="membership", verbose_name=_("customer")
    )
    member_number = models.CharField(max_length=20, unique=True, verbose_name=_("member number"))
    joined_at = models.DateTimeField(verbose_name=_("joined"))
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    tier = models.ForeignKey(
        Tier,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier"),
    )
    points_balance = models.IntegerField(default=0, verbose_name=_("points balance"))
    tier_computed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("tier computed"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
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
        Membership,
        on_delete=models.PROTECT,
        related_name="points_entries",
        verbose_name=_("membership"),
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))
    points = models.IntegerField(help_text=_("Signed."), verbose_name=_("points"))
    remaining = models.IntegerField(
        default=0, help_text=_("Unspent, unexpired part of a credit."), verbose_name=_("remaining")
    )
    balance_after = models.IntegerField(verbose_name=_("balance after"))
    spend_amount = _money(
        null=True,
        blank=True,
        help_text=_("Purchase amount, for tiers."),
        verbose_name=_("spend amount"),
    )
    currency = models.CharField(
        max_length=3, choices=Currency.choices, blank=True, verbose_name=_("currency")
    )
    source_key = models.CharField(max_length=200, unique=True, verbose_name=_("source key"))
    reference = models.CharField(max_length=100, blank=True, verbose_name=_("reference"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    at = models.DateTimeField(verbose_name=_("time"))
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("expires"))

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
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

    kind = models.CharField(max_length=12, choices=Kind.choices, verbose_name=_("kind"))
    code = models.CharField(max_length=32, unique=True, verbose_name=_("code"))
    pin_hash = models.CharField(max_length=200, blank=True, verbose_name=_("PIN hash"))
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    balance = _money(default=0, verbose_name=_("balance"))
    held = _money(
        default=0, help_text=_("Authorised by holds, not yet captured."), verbose_name=_("held")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.INACTIVE, verbose_name=_("status")
    )
    is_physical = models.BooleanField(default=False, verbose_name=_("physical"))
    reloadable = models.BooleanField(default=False, verbose_name=_("reloadable"))
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("customer"),
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Only usable in this channel (vouchers)."),
        verbose_name=_("channel"),
    )
    min_spend_amount = _money(null=True, blank=True, verbose_name=_("min spend amount"))
    failed_pin_attempts = models.PositiveSmallIntegerField(
        default=0, verbose_name=_("failed pin attempts")
    )
    issued_at = models.DateTimeField(verbose_name=_("issued"))
    expires_at = models.DateTimeField(null=True, blank=True, verbose_name=_("expires"))
    issue_source_key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Source key of the issue, so a retried issue returns the same account."),
        verbose_name=_("issue source key"),
    )

    class Meta:
        verbose_name = _("stored value account")
        verbose_name_plural = _("stored value accounts")
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
        StoredValueAccount,
        on_delete=models.PROTECT,
        related_name="entries",
        verbose_name=_("account"),
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    amount = _money(help_text=_("Signed: positive adds to the balance."), verbose_name=_("amount"))
    balance_after = _money(verbose_name=_("balance after"))
    source_key = models.CharField(max_length=200, unique=True, verbose_name=_("source key"))
    reference = models.CharField(max_length=100, blank=True, verbose_name=_("reference"))
    reason = models.CharField(max_length=200, blank=True, verbose_name=_("reason"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    at = models.DateTimeField(verbose_name=_("time"))

    class Meta:
        verbose_name = _("stored value entry")
        verbose_name_plural = _("stored value entries")
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

    account = models.ForeignKey(
        StoredValueAccount,
        on_delete=models.PROTECT,
        related_name="holds",
        verbose_name=_("account"),
    )
    amount = _money(verbose_name=_("amount"))
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    source_key = models.CharField(max_length=200, unique=True, verbose_name=_("source key"))
    reference = models.CharField(max_length=100, blank=True, verbose_name=_("reference"))
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    created_at = models.DateTimeField(verbose_name=_("created"))
    expires_at = models.DateTimeField(verbose_name=_("expires"))
    closed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("closed"))

    class Meta:
        verbose_name = _("stored value hold")
        verbose_name_plural = _("stored value holds")
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
