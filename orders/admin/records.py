"""Admin for what hangs off an order: returns, refunds (instructions pending), the outbox.

All read-only.  The outbox's "Send again" puts pending or failed rows back to
pending (``notifications_requeue``); the periodic resend sends them, and a
row already sent is never touched, so nothing goes out twice.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from orders.admin.common import (
    OrderStoreScopedAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
    RowOrderStoreFilter,
)
from orders.models import Notification, Refund, Return, ReturnLine
from orders.services.backoffice import notifications_requeue


class ReturnLineInline(ReadOnlyInline, admin.TabularInline):
    model = ReturnLine
    fields = ("order_line", "quantity", "condition", "refund_amount")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("order_line")


class ReturnRefundInline(ReadOnlyInline, admin.TabularInline):
    model = Refund
    fk_name = "return_record"
    fields = ("created_at", "kind", "status", "amount", "points", "code_last4")
    readonly_fields = fields


@admin.register(Return)
class ReturnAdmin(OrderStoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Returns of the store's orders, and returns taken at the store, for store managers."""

    order_prefix = "order__"
    list_display = (
        "number",
        "order",
        "store",
        "channel",
        "refund_to",
        "refund_amount",
        "currency",
        "exchange_order",
        "created_at",
    )
    list_filter = ("refund_to", "channel", RowOrderStoreFilter)
    list_select_related = ("order", "store", "channel", "exchange_order")
    search_fields = ("=number", "=order__number", "order__customer__email")
    search_help_text = _("Return number, order number or customer e-mail.")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    inlines = (ReturnLineInline, ReturnRefundInline)

    def store_scope(self, store_ids) -> Q:
        # Also what the store took back of another store's or channel's order.
        return super().store_scope(store_ids) | Q(store__in=store_ids)


@admin.register(Refund)
class RefundAdmin(OrderStoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Refunds; "pending" are instructions the payment provider has still to pay out."""

    order_prefix = "order__"
    list_display = (
        "created_at",
        "order",
        "reason",
        "kind",
        "status",
        "amount",
        "currency",
        "points",
        "code_last4",
        "external_reference",
    )
    list_filter = ("status", "kind", "reason", RowOrderStoreFilter)
    list_select_related = ("order",)
    search_fields = ("=order__number", "=external_reference", "=source_key")
    search_help_text = _("Order number, payment reference or source key.")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")


@admin.register(Notification)
class NotificationAdmin(OrderStoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    order_prefix = "order__"
    list_display = (
        "created_at",
        "order",
        "kind",
        "medium",
        "recipient",
        "language",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "kind", "medium", "language")
    list_select_related = ("order",)
    search_fields = ("=order__number", "recipient")
    search_help_text = _("Order number or recipient.")
    date_hierarchy = "created_at"
    ordering = ("-created_at", "-pk")
    actions = ["send_again"]

    @admin.action(description=_("Send again (pending or failed only)"), permissions=["change"])
    def send_again(self, request, queryset):
        """Requeue the selected pending or failed rows; sent rows are left alone."""
        count = notifications_requeue(notifications=queryset)
        self.message_user(
            request,
            ngettext(
                "Queued %(count)d notification again.",
                "Queued %(count)d notifications again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
