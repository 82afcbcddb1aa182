"""Admin for customers and customer groups.

Consent flags are read-only here: a consent changes only through
``customer_set_consent``, which also writes the proof (a consent event).
"""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from retail.admin.readonly import ViewOnlyAdminMixin
from retail.models import (
    Customer,
    CustomerConsentEvent,
    CustomerExternalId,
    CustomerGroup,
    CustomerGroupMembership,
)
from retail.services.customers import customer_set_consent


@admin.register(CustomerGroup)
class CustomerGroupAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind")
    list_filter = ("kind",)
    search_fields = ("code", "name")


class CustomerExternalIdInline(admin.TabularInline):
    model = CustomerExternalId
    fields = ("channel", "kind", "value")
    autocomplete_fields = ("channel",)
    extra = 0


class CustomerGroupMembershipInline(admin.TabularInline):
    model = CustomerGroupMembership
    fields = ("group", "valid_from", "valid_to")
    autocomplete_fields = ("group",)
    extra = 0


class CustomerConsentEventInline(ViewOnlyAdminMixin, admin.TabularInline):
    """The append-only consent history: shown, never edited."""

    model = CustomerConsentEvent
    fields = ("at", "kind", "granted", "channel", "source")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("channel")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "email",
        "phone",
        "member_number",
        "language",
        "email_marketing_consent",
        "sms_marketing_consent",
        "created_at",
    )
    list_filter = ("language", "email_marketing_consent", "sms_marketing_consent", "groups")
    search_fields = (
        "first_name",
        "last_name",
        "email",
        "phone",
        "=member_number",
        "=external_ids__value",
    )
    search_help_text = _("Name, e-mail, phone, member number or a channel's customer id.")
    autocomplete_fields = ("preferred_store",)
    readonly_fields = (
        "public_id",
        "email_marketing_consent",
        "email_marketing_consent_at",
        "sms_marketing_consent",
        "sms_marketing_consent_at",
        "created_at",
        "updated_at",
        "purchases",
    )
    fieldsets = (
        (
            None,
            {"fields": ("public_id", "member_number", ("first_name", "last_name"), "purchases")},
        ),
        (_("Contact"), {"fields": ("email", "phone", "language", "preferred_store")}),
        (
            _("Marketing consent"),
            {
                "description": _(
                    "Consents change only when the customer gives or withdraws them; "
                    "use the actions on the customer list to record a withdrawal."
                ),
                "fields": (
                    ("email_marketing_consent", "email_marketing_consent_at"),
                    ("sms_marketing_consent", "sms_marketing_consent_at"),
                ),
            },
        ),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = [
        CustomerExternalIdInline,
        CustomerGroupMembershipInline,
        CustomerConsentEventInline,
    ]
    actions = ["withdraw_email_consent", "withdraw_sms_consent"]
    show_full_result_count = False

    @admin.display(description=_("Purchases"))
    def purchases(self, obj):
        """Link to the customer's orders and receipts from every channel (the orders admin)."""
        if obj.pk is None:
            return "-"
        url = (
            reverse("admin:orders_order_changelist")
            + "?"
            + urlencode({"customer__public_id": obj.public_id})
        )
        return format_html('<a href="{}">{}</a>', url, _("Orders and receipts"))

    @admin.action(
        description=_("Record withdrawal of e-mail marketing consent"), permissions=["change"]
    )
    def withdraw_email_consent(self, request, queryset):
        self._withdraw(request, queryset, kind=CustomerConsentEvent.Kind.EMAIL)

    @admin.action(
        description=_("Record withdrawal of SMS marketing consent"), permissions=["change"]
    )
    def withdraw_sms_consent(self, request, queryset):
        self._withdraw(request, queryset, kind=CustomerConsentEvent.Kind.SMS)

    def _withdraw(self, request, queryset, *, kind):
        changed = sum(
            customer_set_consent(customer=customer, kind=kind, granted=False, source="admin")
            for customer in queryset
        )
        self.message_user(
            request,
            ngettext("Recorded %(count)d withdrawal.", "Recorded %(count)d withdrawals.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )
