"""One customer profile across every channel, with consents and the groups pricing reads."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from retail.models.common import Language
from retail.models.locations import Channel, Store, code_validator


class CustomerGroup(models.Model):
    """A group pricing and loyalty can read: members, a tier, employees, a B2B contract."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Club member")
        TIER = "tier", _("Loyalty tier")
        EMPLOYEE = "employee", _("Employee")
        B2B_CONTRACT = "b2b_contract", _("B2B contract")
        OTHER = "other", _("Other")

    code = models.CharField(
        max_length=32, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    kind = models.CharField(max_length=16, choices=Kind.choices, verbose_name=_("kind"))

    class Meta:
        verbose_name = _("customer group")
        verbose_name_plural = _("customer groups")
        ordering = ["code"]

    def __str__(self):
        return self.name


class Customer(models.Model):
    # The id channels see: not guessable, not a row count.
    public_id = models.UUIDField(
        default=uuid.uuid4, unique=True, editable=False, verbose_name=_("public ID")
    )
    member_number = models.CharField(
        max_length=20, unique=True, null=True, blank=True, verbose_name=_("member number")
    )
    first_name = models.CharField(max_length=100, blank=True, verbose_name=_("first name"))
    last_name = models.CharField(max_length=100, blank=True, verbose_name=_("last name"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    phone = PhoneNumberField(blank=True, verbose_name=_("phone"))
    preferred_store = models.ForeignKey(
        Store,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("preferred store"),
    )
    language = models.CharField(
        max_length=5, choices=Language.choices, default=Language.EN, verbose_name=_("language")
    )
    market = CountryField(
        blank=True,
        verbose_name=_("market"),
        help_text=_(
            "The market the customer belongs to (where they signed up): only that market's "
            "channels read their data. Empty: only HQ."
        ),
    )
    # Current consent state; the history is in CustomerConsentEvent.
    email_marketing_consent = models.BooleanField(
        default=False, verbose_name=_("email marketing consent")
    )
    email_marketing_consent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("email marketing consent")
    )
    sms_marketing_consent = models.BooleanField(
        default=False, verbose_name=_("SMS marketing consent")
    )
    sms_marketing_consent_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("SMS marketing consent")
    )
    groups = models.ManyToManyField(
        CustomerGroup,
        through="CustomerGroupMembership",
        related_name="customers",
        blank=True,
        verbose_name=_("groups"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            # One profile per e-mail address, whatever its case.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="customer_email_unique_ci"
            ),
            models.UniqueConstraint(
                fields=["phone"], condition=~Q(phone=""), name="customer_phone_unique"
            ),
            models.CheckConstraint(
                condition=Q(email_marketing_consent=False)
                | Q(email_marketing_consent_at__isnull=False),
                name="customer_email_consent_has_time",
            ),
            models.CheckConstraint(
                condition=Q(sms_marketing_consent=False)
                | Q(sms_marketing_consent_at__isnull=False),
                name="customer_sms_consent_has_time",
            ),
        ]

    def __str__(self):
        name = f"{self.first_name} {self.last_name}".strip()
        return name or self.email or str(self.phone) or str(self.public_id)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class CustomerGroupMembership(models.Model):
    """A customer in a group, optionally only for a period (an employee, a B2B contract)."""

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("customer")
    )
    group = models.ForeignKey(
        CustomerGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("group")
    )
    valid_from = models.DateTimeField(null=True, blank=True, verbose_name=_("valid from"))
    valid_to = models.DateTimeField(null=True, blank=True, verbose_name=_("valid to"))

    class Meta:
        verbose_name = _("customer group membership")
        verbose_name_plural = _("customer group memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "group"], name="customer_group_membership_unique"
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gt=F("valid_from")),
                name="customer_group_membership_period",
            ),
        ]

    def __str__(self):
        return f"{self.customer} in {self.group}"


class ExternalIdKind(models.TextChoices):
    ACCOUNT = "account", _("Account id")
    CARD = "card", _("Card number")


class CustomerExternalId(models.Model):
    """How a channel knows the customer: a webshop account id, a POS loyalty card number."""

    Kind = ExternalIdKind

    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="external_ids", verbose_name=_("customer")
    )
    channel = models.ForeignKey(
        Channel, on_delete=models.PROTECT, related_name="+", verbose_name=_("channel")
    )
    kind = models.CharField(
        max_length=16,
        choices=ExternalIdKind.choices,
        default=ExternalIdKind.ACCOUNT,
        verbose_name=_("kind"),
    )
    value = models.CharField(max_length=100, verbose_name=_("value"))

    class Meta:
        verbose_name_plural = _("external ids")
        verbose_name = _("external id")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "kind", "value"], name="customer_external_id_unique"
            ),
        ]

    def __str__(self):
        return f"{self.channel.code}:{self.kind}:{self.value}"


class CustomerConsentEvent(models.Model):
    """Append-only proof of each marketing consent given or withdrawn, and where."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail marketing")
        SMS = "sms", _("SMS marketing")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="consent_events",
        verbose_name=_("customer"),
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, verbose_name=_("kind"))
    granted = models.BooleanField(verbose_name=_("granted"))
    at = models.DateTimeField(verbose_name=_("time"))
    channel = models.ForeignKey(
        Channel,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("channel"),
    )
    source = models.CharField(
        max_length=100, blank=True, help_text=_("E.g. checkout, admin."), verbose_name=_("source")
    )

    class Meta:
        verbose_name = _("customer consent event")
        verbose_name_plural = _("customer consent events")
        ordering = ["customer", "-at"]
        indexes = [models.Index(fields=["customer", "kind", "-at"])]

    def __str__(self):
        verb = "granted" if self.granted else "withdrew"
        return f"{self.customer} {verb} {self.kind} at {self.at:%Y-%m-%d %H:%M}"
