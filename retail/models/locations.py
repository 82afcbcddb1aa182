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

    code = models.CharField(
        max_length=32, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    kind = models.CharField(max_length=16, choices=ChannelKind.choices, verbose_name=_("kind"))
    country = CountryField(
        help_text=_("The market this channel sells in."), verbose_name=_("country")
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, verbose_name=_("currency"))
    language = models.CharField(max_length=5, choices=Language.choices, verbose_name=_("language"))
    is_active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
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

    code = models.CharField(
        max_length=16, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    kind = models.CharField(
        max_length=16, choices=StoreKind.choices, default=StoreKind.STORE, verbose_name=_("kind")
    )
    country = CountryField(verbose_name=_("country"))
    time_zone = models.CharField(
        max_length=64, validators=[validate_time_zone], verbose_name=_("time zone")
    )
    street = models.CharField(max_length=200, verbose_name=_("street"))
    postal_code = models.CharField(max_length=16, verbose_name=_("postal code"))
    city = models.CharField(max_length=100, verbose_name=_("city"))
    phone = PhoneNumberField(blank=True, verbose_name=_("phone"))
    email = models.EmailField(blank=True, verbose_name=_("email"))
    latitude = models.DecimalField(max_digits=9, decimal_places=6, verbose_name=_("latitude"))
    longitude = models.DecimalField(max_digits=9, decimal_places=6, verbose_name=_("longitude"))
    click_and_collect = models.BooleanField(
        default=False,
        help_text=_("Customers can collect online orders here."),
        verbose_name=_("click and collect"),
    )
    ship_from_store = models.BooleanField(
        default=False,
        help_text=_("Online orders can be shipped from this location's stock."),
        verbose_name=_("ship from store"),
    )
    pickup_days = models.PositiveSmallIntegerField(
        default=7,
        help_text=_("Days a ready click-and-collect order waits before it expires."),
        verbose_name=_("pickup days"),
    )
    pickup_reminder_days = models.PositiveSmallIntegerField(
        default=2,
        help_text=_("Days before expiry that the customer is reminded."),
        verbose_name=_("pickup reminder days"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("active"))

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
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

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("store")
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices, verbose_name=_("weekday"))
    opens_at = models.TimeField(verbose_name=_("opens"))
    closes_at = models.TimeField(verbose_name=_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        ordering = ["store", "weekday", "opens_at"]
        verbose_name_plural = _("opening hours")
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

    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="special_hours", verbose_name=_("store")
    )
    date = models.DateField(verbose_name=_("date"))
    is_closed = models.BooleanField(default=False, verbose_name=_("closed"))
    opens_at = models.TimeField(null=True, blank=True, verbose_name=_("opens"))
    closes_at = models.TimeField(null=True, blank=True, verbose_name=_("closes"))
    note = models.CharField(max_length=100, blank=True, verbose_name=_("note"))

    class Meta:
        verbose_name = _("special opening hours")
        ordering = ["store", "date"]
        verbose_name_plural = _("special opening hours")
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
