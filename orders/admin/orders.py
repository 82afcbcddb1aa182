"""Admin for orders and POS receipts: read-only, with their lines, tenders, events and outbox.

A customer's purchases (orders and receipts of every channel) are the order
list filtered by ``?customer__public_id=<uuid>``; ``purchases_url`` builds
that link.  "Cancel" calls ``order_cancel`` for each selected open order.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from orders.admin.common import (
    OrderStoreFilter,
    OrderStoreScopedAdminMixin,
    ReadOnlyAdminMixin,
    ReadOnlyInline,
)
from orders.history_words import order_history
from orders.models import Notification, Order, OrderEvent, OrderLine, Refund, Tender
from orders.selectors_figures import order_figures
from orders.services.fulfilment import order_cancel
from retail.errors import DomainError

CUSTOMER_LOOKUP = "customer__public_id"


def purchases_url(customer) -> str:
    """The admin list of every order and receipt of ``customer``, newest first."""
    query = urlencode({CUSTOMER_LOOKUP: str(customer.public_id)})
    return f"{reverse('admin:orders_order_changelist')}?{query}"


class OrderLineInline(ReadOnlyInline, admin.TabularInline):
    model = OrderLine
    fk_name = "order"
    fields = (
        "line_no",
        "sku",
        "name",
        "quantity",
        "unit_price_amount",
        "discount_amount",
        "total_amount",
        "discount_texts",
        "status",
        "substitute_for",
        "substitute_rule",
        "substitute_price_amount",
        "returned_quantity",
        "refunded_amount",
    )
    readonly_fields = fields

    @admin.display(description=_("discounts"))
    def discount_texts(self, line):
        return "; ".join(
            f"{d.get('text') or d.get('name')} ({d.get('amount')})" for d in line.discounts
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("substitute_for")


class TenderInline(ReadOnlyInline, admin.TabularInline):
    model = Tender
    fields = (
        "kind",
        "status",
        "amount",
        "refunded_amount",
        "points",
        "points_refunded",
        "code_last4",
        "external_provider",
        "external_reference",
    )
    readonly_fields = fields


class RefundInline(ReadOnlyInline, admin.TabularInline):
    model = Refund
    fk_name = "order"
    fields = ("created_at", "reason", "kind", "status", "amount", "points", "code_last4")
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline, admin.TabularInline):
    model = OrderEvent
    fields = ("at", "kind", "message", "actor")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class NotificationInline(ReadOnlyInline, admin.TabularInline):
    model = Notification
    fields = ("created_at", "kind", "medium", "recipient", "status", "attempts", "sent_at")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(OrderStoreScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "number",
        "kind",
        "status",
        "fulfilment",
        "channel",
        "store",
        "customer",
        "total_amount",
        "currency",
        "placed_at",
    )
    list_filter = ("status", "fulfilment", "kind", "channel", OrderStoreFilter)
    list_select_related = ("channel", "customer", "fulfil_location", "collect_store")
    search_fields = ("=number", "=pickup_code", "customer__email", "=receipt_id")
    search_help_text = _("Order number, pickup code, customer e-mail or POS receipt id.")
    date_hierarchy = "placed_at"
    ordering = ("-placed_at", "-pk")
    show_full_result_count = False
    inlines = (OrderLineInline, TenderInline, RefundInline, OrderEventInline, NotificationInline)
    readonly_fields = ("purchases", "figures", "history")
    actions = ["cancel"]

    def lookup_allowed(self, lookup, value, request=None):
        # The customer's purchase history is this list filtered by their public id.
        return lookup == CUSTOMER_LOOKUP or super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("store"))
    def store(self, order):
        return order.collect_store or order.fulfil_location

    @admin.display(description=_("customer's purchases"))
    def purchases(self, order):
        if order.customer_id is None:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', purchases_url(order.customer), _("All orders and receipts")
        )

    @admin.display(description=_("amounts"))
    def figures(self, order):
        """Ordered, removed, substituted, refunded and paid: the figures every screen shows."""
        if order.pk is None:
            return "-"
        f = order_figures(order)
        rows = [(_("Ordered"), f.ordered_total)]
        rows += [
            (
                _("Removed: %(quantity)s × %(name)s")  # noqa: RUF001
                % {"quantity": x.quantity, "name": x.name},
                -x.amount,
            )
            for x in f.removed
        ]
        rows += [
            (
                _("Substituted: %(quantity)s × %(old)s → %(new)s (%(rule)s)")  # noqa: RUF001
                % {
                    "quantity": x.quantity,
                    "old": x.from_name,
                    "new": x.to_name,
                    "rule": x.rule_display,
                },
                -x.refunded,
            )
            for x in f.substituted
        ]
        rows += [
            (_("Refunded: %(tender)s") % {"tender": x.kind_display}, x.amount) for x in f.refunds
        ]
        rows += [(_("Refunded"), f.refunded_total), (_("Paid for what is collected"), f.paid_total)]
        rows += [(_("VAT"), f.vat_total)]
        return format_html(
            '<table class="order-figures">{}</table>',
            format_html_join(
                "",
                '<tr><td>{}</td><td style="text-align:right">{} {}</td></tr>',
                ((label, floatformat(amount, "2g"), f.currency) for label, amount in rows),
            ),
        )

    @admin.display(description=_("history"))
    def history(self, order):
        """The order's events in words, oldest first."""
        if order.pk is None:
            return "-"
        events = order.events.select_related("actor").order_by("at", "pk")
        entries = order_history(order, events)
        if not entries:
            return "-"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "", "<li>{} {}</li>", ((e.at.strftime("%Y-%m-%d"), e.text) for e in entries)
            ),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)

    @admin.action(
        description=_("Cancel (release stock, holds and coupons; refund)"),
        permissions=["change"],
    )
    def cancel(self, request, queryset):
        """Cancel the selected open orders through ``order_cancel``; others are left alone."""
        cancelled = 0
        for order in queryset.filter(kind=Order.Kind.ORDER, status__in=Order.OPEN_STATUSES):
            try:
                order_cancel(
                    order=order,
                    reason=f"cancelled in the admin by {request.user.get_username()}",
                    actor=request.user,
                    at=timezone.now(),
                )
            except DomainError as exc:
                self.message_user(request, f"{order.number}: {exc.message}", messages.ERROR)
            else:
                cancelled += 1
        self.message_user(
            request,
            ngettext("Cancelled %(count)d order.", "Cancelled %(count)d orders.", cancelled)
            % {"count": cancelled},
            messages.SUCCESS if cancelled else messages.WARNING,
        )
