"""What we sell: products, their GTINs, brands, the category tree and VAT."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from treebeard.mp_tree import MP_Node

from retail.errors import InvalidGtinError
from retail.gtin import gtin14
from retail.models.common import Currency
from retail.models.locations import code_validator
from retail.money import AMOUNT_MAX_DIGITS


def validate_gtin(value: str) -> None:
    try:
        gtin14(value)
    except InvalidGtinError as exc:
        raise ValidationError(exc.message, code="invalid_gtin") from exc


class Brand(models.Model):
    code = models.CharField(
        max_length=32, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Category(MP_Node):
    """A node of the category tree; the materialised path makes "this and below" one query."""

    code = models.CharField(
        max_length=32, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return self.name


class VatClass(models.Model):
    """A VAT class (standard, reduced, food, zero); its rate depends on country and date."""

    code = models.CharField(
        max_length=16, unique=True, validators=[code_validator], verbose_name=_("code")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("VAT class")
        verbose_name_plural = _("VAT classes")

    def __str__(self):
        return self.name


class VatRate(models.Model):
    """The VAT rate of a class in a country from ``valid_from`` until ``valid_to`` (exclusive).

    An open ``valid_to`` means until further notice.  Periods of one country and
    class may not overlap (checked in ``clean`` and, on PostgreSQL, by an
    exclusion constraint).
    """

    country = CountryField(verbose_name=_("country"))
    vat_class = models.ForeignKey(
        VatClass, on_delete=models.PROTECT, related_name="rates", verbose_name=_("VAT class")
    )
    rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0)],
        help_text=_("Percent, e.g. 25.00."),
        verbose_name=_("rate"),
    )
    valid_from = models.DateField(verbose_name=_("valid from"))
    valid_to = models.DateField(
        null=True, blank=True, help_text=_("First day no longer valid."), verbose_name=_("valid to")
    )

    class Meta:
        verbose_name_plural = _("VAT rates")
        ordering = ["country", "vat_class", "valid_from"]
        verbose_name = _("VAT rate")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=F("valid_from")),
                name="vat_rate_valid_to_after_from",
                violation_error_message=_("'Valid to' must be after 'valid from'."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gte=0) & Q(rate__lt=100), name="vat_rate_percent_range"
            ),
            models.UniqueConstraint(
                fields=["country", "vat_class", "valid_from"], name="vat_rate_unique_start"
            ),
        ]

    def __str__(self):
        return f"{self.country} {self.vat_class.code} {self.rate}% from {self.valid_from}"

    def clean(self):
        super().clean()
        if not (self.country and self.vat_class_id and self.valid_from):
            return
        overlapping = VatRate.objects.filter(
            country=self.country, vat_class_id=self.vat_class_id
        ).exclude(pk=self.pk)
        if self.valid_to:
            overlapping = overlapping.filter(valid_from__lt=self.valid_to)
        overlapping = overlapping.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=self.valid_from))
        if overlapping.exists():
            raise ValidationError(
                {
                    "valid_from": _(
                        "This period overlaps another rate of the same class and country."
                    )
                }
            )


class UnitMeasure(models.TextChoices):
    KG = "kg", _("per kg")
    L = "l", _("per litre")
    M = "m", _("per metre")
    PIECE = "piece", _("per piece")


class Product(models.Model):
    UnitMeasure = UnitMeasure

    sku = models.CharField(max_length=64, unique=True, verbose_name=_("SKU"))
    name = models.CharField(max_length=200, verbose_name=_("name"))
    brand = models.ForeignKey(
        Brand,
        on_delete=models.PROTECT,
        related_name="products",
        null=True,
        blank=True,
        verbose_name=_("brand"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    vat_class = models.ForeignKey(
        VatClass, on_delete=models.PROTECT, related_name="products", verbose_name=_("VAT class")
    )
    unit_cost_amount = models.DecimalField(
        max_digits=AMOUNT_MAX_DIGITS,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Purchase cost per unit, excluding VAT; for margin checks."),
        verbose_name=_("unit cost amount"),
    )
    unit_cost_currency = models.CharField(
        max_length=3,
        choices=Currency.choices,
        default=Currency.DKK,
        verbose_name=_("unit cost currency"),
    )
    unit_measure = models.CharField(
        max_length=8,
        choices=UnitMeasure.choices,
        blank=True,
        help_text=_("The unit of the comparison price on shelf labels (per kg, l, m, piece)."),
        verbose_name=_("unit of measure"),
    )
    unit_quantity = models.DecimalField(
        max_digits=10,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
        help_text=_("How much of that unit one item holds, e.g. 0.5 for 500 g in kg."),
        verbose_name=_("unit quantity"),
    )
    is_active = models.BooleanField(default=True, verbose_name=_("active"))
    attributes = models.JSONField(
        default=dict, blank=True, help_text=_("E.g. colour, size."), verbose_name=_("attributes")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated"))

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        indexes = [models.Index(fields=["category", "is_active"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(unit_cost_amount__isnull=True) | Q(unit_cost_amount__gte=0),
                name="product_unit_cost_not_negative",
            ),
            # A comparison price needs both halves, or neither.
            models.CheckConstraint(
                condition=(Q(unit_measure="") & Q(unit_quantity__isnull=True))
                | (~Q(unit_measure="") & Q(unit_quantity__gt=0)),
                name="product_unit_measure_complete",
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"


class ProductGtin(models.Model):
    """A barcode of a product; a multipack GTIN maps to the same SKU with its pack quantity."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="gtins", verbose_name=_("product")
    )
    gtin = models.CharField(
        max_length=14,
        validators=[validate_gtin],
        verbose_name=_("GTIN"),
        help_text=_("As printed."),
    )
    gtin14 = models.CharField(max_length=14, unique=True, editable=False, verbose_name=_("GTIN-14"))
    pack_quantity = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1)], verbose_name=_("pack quantity")
    )
    is_primary = models.BooleanField(default=False, verbose_name=_("primary"))

    class Meta:
        verbose_name_plural = _("GTINs")
        ordering = ["product", "-is_primary", "gtin"]
        verbose_name = _("GTIN")
        constraints = [
            models.CheckConstraint(
                condition=Q(gtin14__regex=r"^[0-9]{14}$"), name="product_gtin14_digits"
            ),
            models.CheckConstraint(
                condition=Q(pack_quantity__gte=1), name="product_gtin_pack_quantity_positive"
            ),
            models.UniqueConstraint(
                fields=["product"],
                condition=Q(is_primary=True),
                name="product_gtin_one_primary",
                violation_error_message=_("A product has one primary GTIN."),
            ),
        ]

    def __str__(self):
        return self.gtin

    def save(self, *args, **kwargs):
        self._set_gtin14()
        super().save(*args, **kwargs)

    def clean_fields(self, exclude=None):
        super().clean_fields(exclude=exclude)
        self._set_gtin14()

    def _set_gtin14(self):
        # Derived column: the canonical key scanners and lookups use.
        try:
            self.gtin14 = gtin14(self.gtin)
        except InvalidGtinError as exc:
            raise ValidationError({"gtin": exc.message}) from exc
