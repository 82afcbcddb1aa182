"""Admin for channels, stores and their opening hours (store-scoped)."""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from retail.admin.scoping import ScopedCountryFilter, StoreScopedAdminMixin
from retail.models import Channel, OpeningHours, SpecialOpeningHours, Store


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "country", "currency", "language", "is_active")
    list_filter = ("kind", ("country", ScopedCountryFilter), "currency", "is_active")
    search_fields = ("code", "name")


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    fields = ("weekday", "opens_at", "closes_at")
    extra = 0


class SpecialOpeningHoursInline(admin.TabularInline):
    model = SpecialOpeningHours
    fields = ("date", "is_closed", "opens_at", "closes_at", "note")
    extra = 0

    def get_queryset(self, request):
        # Past special dates pile up; the inline shows the ones that still matter.
        return super().get_queryset(request).filter(date__gte=timezone.now().date())


@admin.register(Store)
class StoreAdmin(StoreScopedAdminMixin, admin.ModelAdmin):
    store_lookup = "pk"
    list_display = (
        "code",
        "name",
        "kind",
        "city",
        "country",
        "click_and_collect",
        "ship_from_store",
        "is_active",
    )
    list_filter = (
        ("country", ScopedCountryFilter),
        "kind",
        "click_and_collect",
        "ship_from_store",
        "is_active",
    )
    search_fields = ("code", "name", "city")
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "is_active")}),
        (
            _("Address"),
            {
                "fields": (
                    "street",
                    ("postal_code", "city"),
                    "country",
                    "time_zone",
                    ("latitude", "longitude"),
                )
            },
        ),
        (_("Contact"), {"fields": ("phone", "email")}),
        (_("Fulfilment"), {"fields": ("click_and_collect", "ship_from_store")}),
    )
    inlines = [OpeningHoursInline, SpecialOpeningHoursInline]


@admin.register(OpeningHours)
class OpeningHoursAdmin(StoreScopedAdminMixin, admin.ModelAdmin):
    store_lookup = "store"
    list_display = ("store", "weekday", "opens_at", "closes_at")
    list_filter = ("weekday", ("store", admin.RelatedOnlyFieldListFilter))
    search_fields = ("store__code", "store__name")
    list_select_related = ("store",)
    autocomplete_fields = ("store",)


@admin.register(SpecialOpeningHours)
class SpecialOpeningHoursAdmin(StoreScopedAdminMixin, admin.ModelAdmin):
    store_lookup = "store"
    list_display = ("store", "date", "is_closed", "opens_at", "closes_at", "note")
    list_filter = ("is_closed", ("store", admin.RelatedOnlyFieldListFilter))
    search_fields = ("store__code", "store__name", "note")
    list_select_related = ("store",)
    autocomplete_fields = ("store",)
    date_hierarchy = "date"
