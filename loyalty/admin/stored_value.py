"""Admin for stored value accounts (never showing the PIN hash), their read-only ledger
and holds, "Adjust balance", "Issue vouchers to a customer group" and a CSV export."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from loyalty.admin._common import ReadOnlyInline, adjust_page, error_field, form_page, open_for_one
from loyalty.models import StoredValueAccount, StoredValueEntry, StoredValueHold
from loyalty.services.stored_value import stored_value_adjust, stored_value_issue
from retail.admin.exports import csv_response
from retail.admin.readonly import ViewOnlyAdminMixin
from retail.errors import DomainError
from retail.models import Currency, Customer, CustomerGroup

ACCOUNT_FIELDS = (
    "kind",
    "code",
    "currency",
    "balance",
    "held",
    "status",
    "is_physical",
    "reloadable",
    "customer",
    "channel",
    "min_spend_amount",
    "failed_pin_attempts",
    "issued_at",
    "expires_at",
    "issue_source_key",
)
ENTRY_FIELDS = (
    "at", "kind", "amount", "balance_after", "source_key", "reference", "reason", "actor",
    "channel",
)  # fmt: skip
HOLD_FIELDS = (
    "created_at", "amount", "status", "source_key", "reference", "channel", "expires_at",
    "closed_at",
)  # fmt: skip
CSV_HEADER = ("code", "kind", "currency", "balance", "status", "customer_email", "expires_at")


def voucher_batch_issue(*, batch: str, group, amount, currency, expires_at, actor) -> int:
    """Issue a money voucher to every customer of ``group``; return how many are new.

    The source key ``voucher-batch:<batch>:<customer>`` makes a rerun issue nothing.
    """
    customers = Customer.objects.filter(memberships__group=group).distinct().order_by("pk")
    created = 0
    for customer in customers.iterator(chunk_size=500):
        source_key = f"voucher-batch:{batch}:{customer.pk}"
        if StoredValueAccount.objects.filter(issue_source_key=source_key).exists():
            continue
        stored_value_issue(
            kind=StoredValueAccount.Kind.VOUCHER,
            amount=amount,
            currency=currency,
            source_key=source_key,
            customer=customer,
            expires_at=expires_at,
            actor=actor,
        )
        created += 1
    return created


def accounts_csv(queryset, *, filename: str):
    rows = queryset.select_related("customer").order_by("pk").iterator(chunk_size=2000)
    return csv_response(
        filename=filename,
        header=CSV_HEADER,
        rows=(
            (
                a.code,
                a.kind,
                a.currency,
                a.balance,
                a.status,
                a.customer.email if a.customer else "",
                a.expires_at.isoformat() if a.expires_at else "",
            )
            for a in rows
        ),
    )


class StoredValueEntryInline(ReadOnlyInline):
    model = StoredValueEntry
    fields = ENTRY_FIELDS
    readonly_fields = ENTRY_FIELDS
    ordering = ("-at", "-pk")


class StoredValueHoldInline(ReadOnlyInline):
    model = StoredValueHold
    fields = HOLD_FIELDS
    readonly_fields = HOLD_FIELDS
    ordering = ("-created_at", "-pk")


class BalanceAdjustForm(forms.Form):
    amount = forms.DecimalField(max_digits=12, decimal_places=2, help_text=_("Signed."))
    reason = forms.CharField(max_length=200, required=True)
    source_key = forms.CharField(widget=forms.HiddenInput)


class VoucherBatchForm(forms.Form):
    batch = forms.SlugField(
        max_length=60, help_text=_("Batch id: issuing the same batch again adds nothing.")
    )
    group = forms.ModelChoiceField(queryset=CustomerGroup.objects.order_by("code"))
    amount = forms.DecimalField(max_digits=12, decimal_places=2, min_value=0.01)
    currency = forms.ChoiceField(choices=Currency.choices)
    expires_at = forms.DateTimeField(required=False)


@admin.register(StoredValueAccount)
class StoredValueAccountAdmin(admin.ModelAdmin):
    list_display = ("code", "kind", "currency", "balance", "held", "status", "customer")
    list_filter = ("kind", "status", "currency")
    search_fields = ("code",)
    list_select_related = ("customer",)
    fields = ACCOUNT_FIELDS
    readonly_fields = ACCOUNT_FIELDS
    inlines = [StoredValueEntryInline, StoredValueHoldInline]
    actions = ["adjust_balance", "export_codes"]

    def has_add_permission(self, request):
        return False  # issued through services (sales, returns, voucher batches)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_search_results(self, request, queryset, search_term):
        """Search by the end of a code (as printed on a receipt)."""
        term = search_term.strip().upper().replace(" ", "").replace("-", "")
        if not term:
            return queryset, False
        return queryset.filter(code__iendswith=term), False

    @admin.action(description=_("Export codes as CSV"), permissions=["view"])
    def export_codes(self, request, queryset):
        return accounts_csv(queryset, filename="stored-value-codes.csv")

    @admin.action(description=_("Adjust balance"), permissions=["view"])
    def adjust_balance(self, request, queryset):
        return open_for_one(
            self,
            request,
            queryset,
            url_name="loyalty_storedvalueaccount_adjust",
            warning=_("Select exactly one account."),
        )

    def get_urls(self):
        return [
            path(
                "<int:account_id>/adjust/",
                self.admin_site.admin_view(self.adjust_view),
                name="loyalty_storedvalueaccount_adjust",
            ),
            path(
                "issue-vouchers/",
                self.admin_site.admin_view(self.issue_vouchers_view),
                name="loyalty_storedvalueaccount_issue_vouchers",
            ),
            *super().get_urls(),
        ]

    def _can_write(self, request) -> bool:
        return request.user.has_perm("loyalty.change_storedvalueaccount")

    def adjust_view(self, request, account_id: int):
        """A form (signed amount, required reason) that calls ``stored_value_adjust``."""
        if not self._can_write(request):
            raise PermissionDenied
        return adjust_page(
            self,
            request,
            account_id,
            form_class=BalanceAdjustForm,
            title=_("Adjust balance"),
            adjust=lambda account, data: stored_value_adjust(
                code=account.code,
                amount=data["amount"],
                reason=data["reason"],
                source_key=data["source_key"],
                actor=request.user,
            ),
            done=_("Balance adjusted."),
        )

    def issue_vouchers_view(self, request):
        """Issue a money voucher to every customer of a group (``stored_value_issue``)."""
        if not self._can_write(request):
            raise PermissionDenied
        form = VoucherBatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                created = voucher_batch_issue(
                    batch=data["batch"],
                    group=data["group"],
                    amount=data["amount"],
                    currency=data["currency"],
                    expires_at=data["expires_at"],
                    actor=request.user,
                )
            except DomainError as exc:
                form.add_error(error_field(form, exc.field), exc.message)
            else:
                self.message_user(
                    request, _("Issued %(n)d vouchers.") % {"n": created}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:loyalty_storedvalueaccount_changelist"))
        title = _("Issue vouchers to a customer group")
        return form_page(self, request, title=title, form=form)


@admin.register(StoredValueEntry)
class StoredValueEntryAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "account", "kind", "amount", "balance_after", "reason")
    list_filter = ("kind",)
    search_fields = ("account__code", "source_key", "reference")
    list_select_related = ("account",)


@admin.register(StoredValueHold)
class StoredValueHoldAdmin(ViewOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "account", "amount", "status", "expires_at", "closed_at")
    list_filter = ("status",)
    search_fields = ("account__code", "source_key", "reference")
    list_select_related = ("account",)
