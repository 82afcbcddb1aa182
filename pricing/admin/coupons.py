"""Admin for coupon codes, their batches and redemptions; export of codes as CSV.

A new code is created through ``coupon_code_create`` (normalised, unique);
batches come from the campaign's "Generate coupon batch" page.  ``uses`` and
redemptions are only ever changed by ``coupon_redeem`` and its release, so
they are read-only here.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from pricing.admin.exports import csv_response
from pricing.admin.prices import ServiceErrorMixin
from pricing.coupon_checks import coupon_code_normalise
from pricing.models import CouponBatch, CouponCode, CouponRedemption
from pricing.services.coupons import coupon_code_create
from retail.admin.readonly import ViewOnlyAdminMixin

CSV_HEADER = (
    "code",
    "campaign",
    "batch",
    "customer_member_number",
    "max_uses",
    "uses",
    "valid_from",
    "valid_to",
    "is_active",
)


def coupon_codes_csv(queryset, *, filename: str):
    """Every code of ``queryset`` as a CSV download, formula-safe."""
    rows = (
        queryset.select_related("campaign", "batch", "customer")
        .order_by("campaign__code", "code")
        .iterator(chunk_size=2000)
    )
    return csv_response(
        filename=filename,
        header=CSV_HEADER,
        rows=(
            (
                coupon.code,
                coupon.campaign.code,
                coupon.batch.name if coupon.batch else "",
                coupon.customer.member_number if coupon.customer else "",
                "" if coupon.max_uses is None else coupon.max_uses,
                coupon.uses,
                coupon.valid_from.isoformat() if coupon.valid_from else "",
                coupon.valid_to.isoformat() if coupon.valid_to else "",
                "yes" if coupon.is_active else "no",
            )
            for coupon in rows
        ),
    )


@admin.register(CouponBatch)
class CouponBatchAdmin(admin.ModelAdmin):
    """Generated batches; made on the campaign's page, exported here."""

    list_display = ("name", "campaign", "prefix", "size", "code_count", "created_at", "created_by")
    list_filter = ("campaign",)
    list_select_related = ("campaign", "created_by")
    search_fields = ("name", "campaign__code", "campaign__name")
    readonly_fields = ("campaign", "prefix", "size", "created_at", "created_by")
    fields = ("name", "campaign", "prefix", "size", "created_at", "created_by")
    actions = ["export_codes"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(code_count=Count("codes"))

    @admin.display(description=_("Codes"), ordering="code_count")
    def code_count(self, obj):
        return obj.code_count

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Export codes as CSV"), permissions=["view"])
    def export_codes(self, request, queryset):
        codes = CouponCode.objects.filter(batch__in=queryset)
        return coupon_codes_csv(codes, filename="coupon-codes.csv")


class CouponCodeForm(forms.ModelForm):
    class Meta:
        model = CouponCode
        fields = (
            "code",
            "campaign",
            "customer",
            "max_uses",
            "max_uses_per_customer",
            "valid_from",
            "valid_to",
            "is_active",
        )

    def clean_code(self):
        # Codes are stored upper case; accept what the marketer typed.
        return coupon_code_normalise(self.cleaned_data["code"])


@admin.register(CouponCode)
class CouponCodeAdmin(ServiceErrorMixin, admin.ModelAdmin):
    form = CouponCodeForm
    list_display = (
        "code",
        "campaign",
        "batch",
        "customer",
        "uses",
        "max_uses",
        "valid_from",
        "valid_to",
        "is_active",
    )
    list_filter = ("is_active", "campaign", "batch")
    list_select_related = ("campaign", "batch", "customer")
    search_fields = ("=code", "campaign__code", "=customer__member_number", "customer__email")
    search_help_text = _("Exact code, campaign code, or the customer's member number or e-mail.")
    autocomplete_fields = ("campaign", "customer")
    show_full_result_count = False
    actions = ["export_codes"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ("uses",)
        return ("code", "campaign", "batch", "customer", "uses", "created_at")

    def get_fields(self, request, obj=None):
        fields = [
            "code",
            "campaign",
            "customer",
            "max_uses",
            "max_uses_per_customer",
            "valid_from",
            "valid_to",
            "is_active",
        ]
        if obj is not None:
            fields[2:2] = ["batch"]
            fields += ["uses", "created_at"]
        return fields

    def save_model(self, request, obj, form, change):
        if change:
            # Limits, validity and on/off of an existing code; its identity stays.
            super().save_model(request, obj, form, change)
            return
        coupon = coupon_code_create(
            campaign=obj.campaign,
            code=obj.code,
            max_uses=obj.max_uses,
            max_uses_per_customer=obj.max_uses_per_customer,
            customer=obj.customer,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
        )
        if not obj.is_active:
            coupon.is_active = False
            coupon.save(update_fields=["is_active"])
        # The add view goes on with ``obj`` (log entry, message, redirect): the row's pk and code.
        obj.pk, obj.code = coupon.pk, coupon.code

    @admin.action(description=_("Export codes as CSV"), permissions=["view"])
    def export_codes(self, request, queryset):
        return coupon_codes_csv(queryset, filename="coupon-codes.csv")


@admin.register(CouponRedemption)
class CouponRedemptionAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """Uses of coupons, recorded by ``coupon_redeem``; read-only."""

    list_display = ("coupon", "customer", "channel", "source_key", "redeemed_at", "released_at")
    list_filter = ("channel",)
    list_select_related = ("coupon", "customer", "channel")
    search_fields = ("=coupon__code", "=source_key", "=customer__member_number")
    date_hierarchy = "redeemed_at"
    show_full_result_count = False
