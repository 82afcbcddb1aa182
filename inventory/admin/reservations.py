"""Admin for reservations: read-only, with a "Release" action that calls the service."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from inventory.admin.filters import LocationFilter
from inventory.models import Reservation
from inventory.services import reservation_release
from retail.admin.readonly import ReadOnlyAdminMixin
from retail.admin.scoping import StoreScopedAdminMixin


@admin.register(Reservation)
class ReservationAdmin(StoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    store_lookup = "location"
    list_display = (
        "reference",
        "reference_kind",
        "location",
        "product",
        "quantity",
        "status",
        "channel",
        "customer",
        "actor",
        "created_at",
        "expires_at",
    )
    list_filter = ("status", "reference_kind", LocationFilter, "channel")
    list_select_related = ("location", "product", "channel", "customer", "actor")
    search_fields = ("reference", "=product__sku")
    search_help_text = _("Reference (order, hold) or SKU.")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    show_full_result_count = False
    actions = ["release"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "show_save": False}
        extra_context["show_save_and_continue"] = False
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Release (give the stock back)"), permissions=["change"])
    def release(self, request, queryset):
        """Release the selected active reservations; final ones are left as they are."""
        released = reservation_release(
            reservations=list(queryset.filter(status=Reservation.Status.ACTIVE)),
            reason=f"released in the admin by {request.user.get_username()}",
        )
        self.message_user(
            request,
            ngettext(
                "Released %(count)d reservation.", "Released %(count)d reservations.", released
            )
            % {"count": released},
            messages.SUCCESS if released else messages.WARNING,
        )
