"""Admin for price lists, their entries (written through the price services) and price history.

Saving or deleting an entry calls ``price_entry_set`` / ``price_entry_delete``
with ``source="admin"`` and the signed-in user, so every change leaves a
``PriceChange``; the history is shown read-only.  An entry's list, product and
start identify it: to move a start, delete the entry and add a new one.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pricing.admin.chart import price_chart_svg
from pricing.admin.new_price import new_price_view
from pricing.engine.prior import prior_price_at
from pricing.models import PriceChange, PriceList, PriceListEntry
from pricing.services.omnibus import (
    OMNIBUS_LOOKBACK,
    list_reductions,
    lowest_price_30d,
    price_timeline,
)
from pricing.services.prices import price_entry_delete, price_entry_set
from retail.admin.readonly import ViewOnlyAdminMixin
from retail.errors import DomainError
from retail.models import Product

CHART_DAYS = 180
CHART_DAYS_AHEAD = 30


class ServiceErrorMixin:
    """Show a service's ``DomainError`` on the form page instead of a server error.

    The service runs in ``save_model``/``delete_model``, after form validation;
    the whole admin request is one transaction, rolled back on the error.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            with transaction.atomic():
                return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            field = f" ({exc.field})" if exc.field else ""
            self.message_user(request, f"{exc.message}{field}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(PriceList)
class PriceListAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "currency",
        "priority",
        "is_active",
        "scope",
        "entries_link",
    )
    list_filter = ("is_active", "currency", "channels", "customer_groups")
    search_fields = ("code", "name")
    filter_horizontal = ("channels", "customer_groups")
    autocomplete_fields = ("stores",)
    readonly_fields = ("entries_link", "new_price_link", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "name", "currency", "priority", "is_active")}),
        (
            _("Scope (empty means all)"),
            {"fields": ("channels", "stores", "customer_groups")},
        ),
        (_("Entries"), {"fields": ("entries_link", "new_price_link", "updated_at")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(entry_count=Count("entries"))
            .prefetch_related("channels", "customer_groups")
        )

    @admin.display(description=_("Scope"))
    def scope(self, obj):
        channels = ", ".join(c.code for c in obj.channels.all()) or _("all channels")
        groups = ", ".join(g.code for g in obj.customer_groups.all()) or _("public")
        return f"{channels}; {groups}"

    @admin.display(description=_("Entries"))
    def entries_link(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("admin:pricing_pricelistentry_changelist")
        count = getattr(obj, "entry_count", None)
        if count is None:
            count = obj.entries.count()
        return format_html(
            '<a href="{}?{}">{} {}</a>',
            url,
            urlencode({"price_list__id__exact": obj.pk}),
            count,
            _("entries"),
        )

    @admin.display(description=_("New price"))
    def new_price_link(self, obj):
        if obj.pk is None:
            return "-"
        url = reverse("admin:pricing_pricelistentry_new_price")
        return format_html(
            '<a href="{}?{}">{}</a>', url, urlencode({"list": obj.code}), _("New price from a date")
        )


class ValidityFilter(admin.SimpleListFilter):
    """Entries by where their period lies relative to now."""

    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return (
            ("current", _("In force now")),
            ("future", _("Scheduled (starts later)")),
            ("past", _("Ended")),
        )

    def queryset(self, request, queryset):
        now = timezone.now()
        open_or_later = Q(valid_to__isnull=True) | Q(valid_to__gt=now)
        if self.value() == "current":
            return queryset.filter(open_or_later, valid_from__lte=now)
        if self.value() == "future":
            return queryset.filter(valid_from__gt=now)
        if self.value() == "past":
            return queryset.filter(valid_to__lte=now)
        return queryset


@admin.register(PriceListEntry)
class PriceListEntryAdmin(ServiceErrorMixin, admin.ModelAdmin):
    list_display = (
        "product_sku",
        "product_name",
        "price_list",
        "amount",
        "valid_from",
        "valid_to",
        "chart_link",
    )
    list_filter = (ValidityFilter, "price_list", "price_list__currency")
    list_select_related = ("product", "price_list")
    search_fields = ("=product__sku", "product__name")
    search_help_text = _("Exact SKU, or words of the product name.")
    autocomplete_fields = ("price_list", "product")
    date_hierarchy = "valid_from"
    show_full_result_count = False
    ordering = ("product__sku", "price_list__code", "valid_from")

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return ("price_list", "product", "valid_from", "history", "chart_link")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["price_list", "product", "amount", "valid_from", "valid_to"]
        return [
            "price_list",
            "product",
            "amount",
            "valid_from",
            "valid_to",
            "chart_link",
            "history",
        ]

    @admin.display(description=_("SKU"), ordering="product__sku")
    def product_sku(self, obj):
        return obj.product.sku

    @admin.display(description=_("Product"), ordering="product__name")
    def product_name(self, obj):
        return obj.product.name

    @admin.display(description=_("Chart"))
    def chart_link(self, obj):
        url = reverse("admin:pricing_pricelistentry_chart")
        query = urlencode({"product": obj.product.sku, "list": obj.price_list.code})
        return format_html('<a href="{}?{}">{}</a>', url, query, _("Price chart"))

    @admin.display(description=_("History"))
    def history(self, obj):
        """Every recorded change of this entry, oldest first; read-only."""
        rows = (
            PriceChange.objects.filter(
                price_list_id=obj.price_list_id,
                product_id=obj.product_id,
                valid_from=obj.valid_from,
            )
            .select_related("changed_by")
            .order_by("changed_at", "pk")
        )
        if not rows:
            return _("No recorded changes.")
        body = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{timezone.localtime(change.changed_at):%Y-%m-%d %H:%M}",
                    change.get_kind_display(),
                    change.old_amount if change.old_amount is not None else "-",
                    change.new_amount if change.new_amount is not None else "-",
                    f"{timezone.localtime(change.valid_to):%Y-%m-%d %H:%M}"
                    if change.valid_to
                    else "-",
                    change.changed_by or "-",
                    " · ".join(filter(None, [change.get_source_display(), change.reference])),
                )
                for change in rows
            ),
        )
        return format_html(
            '<table class="price-history"><thead><tr><th>{}</th><th>{}</th><th>{}</th>'
            "<th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            _("Changed"),
            pgettext_lazy("price history column", "Change"),
            _("Old amount"),
            _("New amount"),
            _("Valid to"),
            _("By"),
            _("Source"),
            body,
        )

    def save_model(self, request, obj, form, change):
        entry = price_entry_set(
            price_list=obj.price_list,
            product=obj.product,
            amount=obj.amount,
            valid_from=obj.valid_from,
            valid_to=obj.valid_to,
            user=request.user,
            source=PriceChange.Source.ADMIN,
        )
        # The admin view goes on with ``obj`` (log entry, redirect): it needs the row's pk.
        obj.pk = entry.pk

    def delete_model(self, request, obj):
        price_entry_delete(entry=obj, user=request.user, source=PriceChange.Source.ADMIN)

    def delete_queryset(self, request, queryset):
        for entry in queryset.select_related("price_list"):
            price_entry_delete(entry=entry, user=request.user, source=PriceChange.Source.ADMIN)

    def get_urls(self):
        view = self.admin_site.admin_view(self.chart_view)
        new_price = self.admin_site.admin_view(self.new_price_view)
        return [
            path("chart/", view, name="pricing_pricelistentry_chart"),
            path("new-price/", new_price, name="pricing_pricelistentry_new_price"),
            *super().get_urls(),
        ]

    def new_price_view(self, request):
        """HQ's "new price from a date", with a preview of the timeline (``new_price``)."""
        return new_price_view(self, request)

    def chart_view(self, request):
        """The price of one product in one list over the last 180 days, with the 30-day lowest."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        sku = request.GET.get("product", "").strip()
        list_code = request.GET.get("list", "").strip()
        product = Product.objects.filter(sku=sku).first() if sku else None
        price_list = PriceList.objects.filter(code=list_code).first() if list_code else None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Price chart"),
            "sku": sku,
            "list_code": list_code,
            "price_lists": PriceList.objects.order_by("code").values_list("code", "name"),
            "product": product,
            "price_list": price_list,
        }
        if product is not None and price_list is not None:
            context.update(self._chart(product=product, price_list=price_list))
        elif sku or list_code:
            context["not_found"] = True
        return TemplateResponse(request, "admin/pricing/pricelistentry/chart.html", context)

    def _chart(self, *, product, price_list) -> dict:
        now = timezone.now()
        start = now - timedelta(days=CHART_DAYS)
        end = now + timedelta(days=CHART_DAYS_AHEAD)
        # The lowest line needs the 30 days before the chart starts as well, and the prior
        # price the start of the reduction in force, up to the Omnibus look-back.
        segments = price_timeline(
            product=product,
            price_list=price_list,
            start=min(start, now - OMNIBUS_LOOKBACK) - timedelta(days=30),
            end=end,
        )
        rows = [(s.valid_from, s.valid_to, s.amount) for s in segments]
        lowest = lowest_price_30d(
            product_ids=[product.pk], price_list_codes=[price_list.code], at=now
        ).get((product.pk, price_list.code))
        found = list_reductions(
            product=product,
            price_list=price_list,
            segments=rows,
            end=end,
            horizon=now - OMNIBUS_LOOKBACK,
        )
        return {
            "svg": price_chart_svg(
                segments=rows,
                start=start,
                end=end,
                now=now,
                currency=price_list.currency,
                prior=[(r.start, r.end, r.prior_price) for r in found if r.prior_price],
            ),
            "segments": [s for s in segments if s.valid_to > start],
            "lowest_now": lowest,
            "prior_now": prior_price_at(found, now),
            "is_public": not price_list.customer_groups.exists(),
        }


@admin.register(PriceChange)
class PriceChangeAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    """The append-only price history: searchable, never edited."""

    list_display = (
        "changed_at",
        "product",
        "price_list",
        "kind",
        "old_amount",
        "new_amount",
        "valid_from",
        "valid_to",
        "changed_by",
        "source",
    )
    list_filter = ("kind", "source", "price_list")
    list_select_related = ("product", "price_list", "changed_by")
    search_fields = ("=product__sku", "product__name")
    date_hierarchy = "changed_at"
    show_full_result_count = False
