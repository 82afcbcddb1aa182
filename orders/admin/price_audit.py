"""Admin of the tills' price audit: deviations by store, till, SKU and day, with totals and CSV.

Read-only: the rows are written by ``orders.services.price_audit``.  Store
managers see their own stores' rows only (``StoreScopedAdminMixin``), in
the filters as well.  The changelist shows the totals of what is filtered;
"Export as CSV" downloads the selected rows, formula-neutralised.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from orders.admin.common import OrderStoreScopedAdminMixin, ReadOnlyAdminMixin, RowOrderStoreFilter
from orders.models import PriceDeviation, ReceiptPriceAudit
from retail.admin.exports import csv_response
from retail.admin.scoping import StoreScopedAdminMixin
from retail.selectors import stores_for_user

CSV_HEADER = (
    "day",
    "store",
    "till",
    "receipt",
    "receipt_id",
    "line_no",
    "sku",
    "quantity",
    "currency",
    "till_unit_price",
    "engine_unit_price",
    "till_discount",
    "engine_discount",
    "till_amount",
    "engine_amount",
    "difference",
    "engine_only_campaigns",
    "till_only_campaigns",
    "rules_version",
    "rules_version_in_force",
    "stale",
)


def deviations_csv(queryset, *, filename: str):
    """The rows of ``queryset`` as a spreadsheet-safe CSV download."""
    rows = (
        queryset.select_related("store", "order", "line")
        .order_by("day", "store__code", "till", "sku", "pk")
        .iterator(chunk_size=2000)
    )
    return csv_response(
        filename=filename,
        header=CSV_HEADER,
        rows=(
            (
                d.day.isoformat(),
                d.store.code,
                d.till,
                d.order.number,
                d.order.receipt_id,
                d.line.line_no,
                d.sku,
                d.quantity,
                d.currency,
                d.till_unit_price_amount,
                d.engine_unit_price_amount,
                d.till_discount_amount,
                d.engine_discount_amount,
                d.till_amount,
                d.engine_amount,
                d.difference_amount,
                " ".join(d.engine_only_campaigns),
                " ".join(d.till_only_campaigns),
                d.rules_version,
                d.rules_version_in_force,
                "" if d.stale is None else str(d.stale).lower(),
            )
            for d in rows
        ),
    )


class DeviationStoreFilter(admin.SimpleListFilter):
    """The user's stores only (the stock filter would list every store)."""

    title = _("store")
    parameter_name = "store"

    def lookups(self, request, model_admin):
        stores = stores_for_user(request.user).order_by("code").values_list("pk", "code", "name")
        return [(str(pk), f"{code} {name}") for pk, code, name in stores]

    def queryset(self, request, queryset):
        return queryset.filter(store_id=self.value()) if self.value() else queryset


class _VisibleValuesFilter(admin.SimpleListFilter):
    """Choices from the rows the user can see, so no other store's tills or SKUs show."""

    field_name = ""
    max_choices = 200

    def lookups(self, request, model_admin):
        values = (
            model_admin.get_queryset(request)
            .exclude(**{self.field_name: ""})
            .order_by(self.field_name)
            .values_list(self.field_name, flat=True)
            .distinct()[: self.max_choices]
        )
        return [(value, value) for value in values]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(**{self.field_name: self.value()})
        return queryset


class TillFilter(_VisibleValuesFilter):
    title = _("till")
    parameter_name = "till"
    field_name = "till"


class SkuFilter(_VisibleValuesFilter):
    title = _("SKU")
    parameter_name = "sku"
    field_name = "sku"


@admin.register(PriceDeviation)
class PriceDeviationAdmin(StoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Receipt lines the till priced otherwise than the engine; totals of the filtered rows."""

    store_lookup = "store"
    list_display = (
        "day",
        "store",
        "till",
        "order",
        "sku",
        "quantity",
        "till_amount",
        "engine_amount",
        "difference_amount",
        "currency",
        "campaigns_missed",
        "campaigns_extra",
        "stale",
    )
    list_filter = (DeviationStoreFilter, TillFilter, SkuFilter, "day", "stale", "currency")
    list_select_related = ("store", "order")
    date_hierarchy = "day"
    search_fields = ("=sku", "=order__number", "=order__receipt_id", "=till")
    search_help_text = _("SKU, receipt number, the POS receipt id or till.")
    actions = ["export_csv"]

    @admin.display(description=_("campaigns the till missed"))
    def campaigns_missed(self, row):
        return ", ".join(row.engine_only_campaigns)

    @admin.display(description=_("campaigns only the till applied"))
    def campaigns_extra(self, row):
        return ", ".join(row.till_only_campaigns)

    @admin.action(description=_("Export the selected deviations as CSV"))
    def export_csv(self, request, queryset):
        return deviations_csv(queryset, filename="price-deviations.csv")

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            response.context_data["deviation_totals"] = deviation_totals(changelist.queryset)
        return response


def deviation_totals(queryset) -> list[dict]:
    """Per currency: deviating lines, stale ones, the sum of differences, over- and undercharged."""
    return list(
        queryset.order_by()
        .values("currency")
        .annotate(
            lines=Count("pk"),
            stale_lines=Count("pk", filter=Q(stale=True)),
            difference=Sum("difference_amount"),
            overcharged=Sum("difference_amount", filter=Q(difference_amount__gt=0)),
            undercharged=Sum("difference_amount", filter=Q(difference_amount__lt=0)),
        )
        .order_by("currency")
    )


@admin.register(ReceiptPriceAudit)
class ReceiptPriceAuditAdmin(OrderStoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which receipts were audited and how they came out ("could not price" with why)."""

    order_prefix = "order__"
    list_display = ("order", "outcome", "note", "rules_version_in_force", "audited_at")
    list_filter = ("outcome", RowOrderStoreFilter)
    list_select_related = ("order",)
    search_fields = ("=order__number", "=order__receipt_id")
    search_help_text = _("Receipt number or the POS receipt id.")
    date_hierarchy = "audited_at"
