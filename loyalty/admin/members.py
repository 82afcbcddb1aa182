"""Admin for tiers, memberships (with "Adjust points") and the read-only points ledger."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.urls import path
from django.utils.translation import gettext_lazy as _

from loyalty.admin._common import ReadOnlyInline, adjust_page, open_for_one
from loyalty.models import Membership, PointsEntry, Tier
from loyalty.services.points import points_adjust
from retail.admin.readonly import ViewOnlyAdminMixin

ENTRY_FIELDS = (
    "at",
    "kind",
    "points",
    "remaining",
    "balance_after",
    "spend_amount",
    "currency",
    "source_key",
    "reference",
    "reason",
    "actor",
    "channel",
    "expires_at",
)


@admin.register(Tier)
class TierAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "rank", "min_spend_amount", "currency", "group")
    search_fields = ("code", "name")
    list_select_related = ("group",)


class PointsEntryInline(ReadOnlyInline):
    model = PointsEntry
    fields = ENTRY_FIELDS
    readonly_fields = ENTRY_FIELDS
    ordering = ("-at", "-pk")


class PointsAdjustForm(forms.Form):
    points = forms.IntegerField(help_text=_("Signed: negative removes points."))
    reason = forms.CharField(max_length=200, required=True)
    source_key = forms.CharField(widget=forms.HiddenInput)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("member_number", "customer", "tier", "status", "points_balance", "joined_at")
    list_filter = ("tier", "status")
    search_fields = ("member_number", "customer__email")
    list_select_related = ("customer", "tier")
    raw_id_fields = ("customer",)
    readonly_fields = ("points_balance", "tier_computed_at")
    inlines = [PointsEntryInline]
    actions = ["adjust_points"]

    @admin.action(description=_("Adjust points"), permissions=["change"])
    def adjust_points(self, request, queryset):
        return open_for_one(
            self,
            request,
            queryset,
            url_name="loyalty_membership_adjust_points",
            warning=_("Select exactly one membership."),
        )

    def get_urls(self):
        return [
            path(
                "<int:membership_id>/adjust-points/",
                self.admin_site.admin_view(self.adjust_points_view),
                name="loyalty_membership_adjust_points",
            ),
            *super().get_urls(),
        ]

    def adjust_points_view(self, request, membership_id: int):
        """A form (signed points, required reason) that calls ``points_adjust``."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        return adjust_page(
            self,
            request,
            membership_id,
            form_class=PointsAdjustForm,
            title=_("Adjust points"),
            adjust=lambda membership, data: points_adjust(
                membership=membership,
                points=data["points"],
                reason=data["reason"],
                source_key=data["source_key"],
                actor=request.user,
            ),
            done=_("Points adjusted."),
        )


@admin.register(PointsEntry)
class PointsEntryAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "membership", "kind", "points", "remaining", "balance_after")
    list_filter = ("kind",)
    search_fields = ("membership__member_number", "source_key", "reference")
    list_select_related = ("membership",)
