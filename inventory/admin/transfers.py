"""Admin for transfers between locations: read-only, written by the transfer services."""

from django.contrib import admin
from django.db.models import Q

from inventory.models import Transfer, TransferLine
from retail.admin.readonly import ReadOnlyAdminMixin
from retail.admin.scoping import StoreScopedAdminMixin
from retail.selectors import stores_for_user, user_sees_all_stores


class TransferLineInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TransferLine
    fields = ("product", "quantity", "received_quantity")
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("product")


@admin.register(Transfer)
class TransferAdmin(StoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    store_lookup = "source"
    list_display = ("number", "source", "destination", "status", "shipped_at", "received_at")
    list_filter = ("status",)
    list_select_related = ("source", "destination")
    search_fields = ("=number", "reference", "source__code", "destination__code")
    date_hierarchy = "shipped_at"
    ordering = ("-shipped_at", "-pk")
    inlines = [TransferLineInline]

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        # A store sees what it ships and what it receives.
        qs = super(StoreScopedAdminMixin, self).get_queryset(request)
        if user_sees_all_stores(request.user):
            return qs
        mine = stores_for_user(request.user).values("pk")
        return qs.filter(Q(source__in=mine) | Q(destination__in=mine))
