"""Where we sell: channels (webshop, app, POS, marketplace) and locations (stores, warehouses)."""

import zoneinfo
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from retail.models.common import Currency, Language

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]*$", _("Use capital letters, digits, '-' and '_' only.")
)


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("'%(value)s' is not a known time zone."), params={"value": value})


class ChannelKind(models.TextChoices):
    WEBSHOP = "webshop", _("Webshop")
    APP = "app", _("App")
    POS = "pos", _("Store POS")
    MARKETPLACE = "marketplace", _("Marketplace")


class StoreKind(models.TextChoices):
    STORE = "store", _("Store")
    WAREHOUSE = "warehouse", _("Warehouse")


class Channel(models.Model):
    """A sales channel in one market: it fixes the currency and language of its answers."""

    Kind = ChannelKind

    code = models.CharField(max_length=32, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=ChannelKind.choices)
    country = CountryField(help_text=_("The market this channel sells in."))
    currency = models.CharField(max_length=3, choices=Currency.choices)
    language = models.CharField(max_length=5, choices=Language.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(currency__in=Currency.values), name="channel_currency_known"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=ChannelKind.values), name="channel_kind_known"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Store(models.Model):
    """A location that holds stock: a store (sells over the counter) or a warehouse."""

    Kind = StoreKind

    code = models.CharField(max_length=16, unique=True, validators=[code_validator])
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=StoreKind.choices, default=StoreKind.STORE)
    country = CountryField()
    time_zone = models.CharField(max_length=64, validators=[validate_time_zone])
    street = models.CharField(max_length=200)
    postal_code = models.CharField(max_length=16)
    city = models.CharField(max_length=100)
    phone = PhoneNumberField(blank=True)
    email = models.EmailField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    click_and_collect = models.BooleanField(
        default=False, help_text=_("Customers can collect online orders here.")
    )
    ship_from_store = models.BooleanField(
        default=False, help_text=_("Online orders can be shipped from this location's stock.")
    )
    pickup_days = models.PositiveSmallIntegerField(
        default=7, help_text=_("Days a ready click-and-collect order waits before it expires.")
    )
    pickup_reminder_days = models.PositiveSmallIntegerField(
        default=2, help_text=_("Days before expiry that the customer is reminded.")
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["country", "kind"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__gte=Decimal(-90), latitude__lte=Decimal(90)),
                name="store_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__gte=Decimal(-180), longitude__lte=Decimal(180)),
                name="store_longitude_range",
            ),
            # A warehouse has no counter to collect from.
            models.CheckConstraint(
                condition=Q(kind="store") | Q(click_and_collect=False),
                name="store_click_and_collect_only_in_stores",
                violation_error_message=_("Only a store can offer click-and-collect."),
            ),
            models.CheckConstraint(condition=Q(kind__in=StoreKind.values), name="store_kind_known"),
            models.CheckConstraint(
                condition=Q(pickup_days__gte=1) & Q(pickup_reminder_days__lt=F("pickup_days")),
                name="store_pickup_reminder_before_expiry",
                violation_error_message=_("The reminder must come before the pickup expires."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class OpeningHours(models.Model):
    """Regular weekly opening hours, in the store's own time zone; several spans a day allowed."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    opens_at = models.TimeField()
    closes_at = models.TimeField()

    class Meta:
        ordering = ["store", "weekday", "opens_at"]
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="opening_hours_close_after_open",
                violation_error_message=_("Closing time must be after opening time."),
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_hours_weekday_range"
            ),
            models.UniqueConstraint(
                fields=["store", "weekday", "opens_at"], name="opening_hours_unique_span"
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens_at:%H:%M}-{self.closes_at:%H:%M}"


class SpecialOpeningHours(models.Model):
    """A date that differs from the weekly hours: a holiday closure or late shopping."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="special_hours")
    date = models.DateField()
    is_closed = models.BooleanField(default=False)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    note = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["store", "date"]
        verbose_name_plural = "special opening hours"
        constraints = [
            models.UniqueConstraint(fields=["store", "date"], name="special_hours_one_per_day"),
            models.CheckConstraint(
                condition=(
                    Q(is_closed=True, opens_at__isnull=True, closes_at__isnull=True)
                    | Q(
                        is_closed=False,
                        opens_at__isnull=False,
                        closes_at__isnull=False,
                        closes_at__gt=models.F("opens_at"),
                    )
                ),
                name="special_hours_closed_or_span",
                violation_error_message=_(
                    "Either mark the day closed, or give an opening time before the closing time."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.store.code} {self.date}"
