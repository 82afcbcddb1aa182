"""Admin for campaigns (with their targets and coupon codes) and product sets.

A campaign is edited as a model: the receivers in ``pricing.receivers`` bump
the rules revision on every save, so offline tills see the change.  The
status actions (activate, pause, end) go through ``campaign_status_set``,
which checks the transition under a row lock and bumps the revision.  Coupon
batches are generated through ``coupon_batch_generate``.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pricing.admin.coupons import coupon_codes_csv
from pricing.errors import CampaignStatusTransitionError
from pricing.models import Campaign, CampaignTarget, CouponCode, ProductSet
from pricing.services.campaigns import campaign_status_set
from pricing.services.coupons import coupon_batch_generate
from pricing.validation import KIND_FIELDS, TARGETS, TargetSpec, campaign_problems, campaign_values
from retail.errors import DomainError


@admin.register(ProductSet)
class ProductSetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "product_count")
    search_fields = ("code", "name")
    autocomplete_fields = ("products",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(product_count=Count("products"))

    @admin.display(description=_("Products"), ordering="product_count")
    def product_count(self, obj):
        return obj.product_count


class CampaignTargetFormSet(forms.BaseInlineFormSet):
    """The targets, checked with the campaign they belong to (``pricing.validation``)."""

    def clean(self):
        super().clean()
        targets = [
            TargetSpec(
                group=form.cleaned_data.get("group") or 0,
                exclude=bool(form.cleaned_data.get("exclude")),
            )
            for form in self.forms
            if form.is_valid()
            and form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and any(form.cleaned_data.get(name) for name in TARGET_COLUMNS)
        ]
        problems = campaign_problems(values=campaign_values(self.instance), targets=targets)
        errors = [
            forms.ValidationError(p.message, code=p.code) for p in problems if p.field == TARGETS
        ]
        if errors:
            raise forms.ValidationError(errors)


TARGET_COLUMNS = ("product", "category", "brand", "product_set")


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    formset = CampaignTargetFormSet
    fields = ("group", "quantity", "exclude", *TARGET_COLUMNS)
    autocomplete_fields = TARGET_COLUMNS
    extra = 0
    verbose_name = _("target")
    verbose_name_plural = _(
        "Targets (group 0: what the campaign applies to; a bundle's components are groups 1..n; "
        "a basket or spend discount or a gift without targets is for the whole basket)"
    )


class CampaignForm(forms.ModelForm):
    """The campaign's fields; ``Campaign.clean()`` refuses what its kind does not allow.

    Each kind-specific field says in its help text which kinds use it (what a
    user without JavaScript reads); ``campaign_kind.js`` shows only the chosen
    kind's fields, from the map on the kind select.
    """

    class Meta:
        model = Campaign
        fields = (
            "code",
            "name",
            "kind",
            "status",
            "receipt_text",
            "channels",
            "stores",
            "customer_groups",
            "valid_from",
            "valid_to",
            "priority",
            "stacking",
            "requires_coupon",
            "currency",
            *KIND_FIELDS,
        )
        widgets = {"receipt_text": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Campaign.Kind.choices)
        for name, kinds in KIND_FIELDS.items():
            field = self.fields.get(name)
            if field is None:
                continue
            used_by = _("Used by: %(kinds)s.") % {"kinds": ", ".join(str(labels[k]) for k in kinds)}
            field.help_text = (
                format_lazy("{} {}", field.help_text, used_by) if field.help_text else used_by
            )
        if "kind" in self.fields:
            self.fields["kind"].widget.attrs["data-kind-fields"] = json.dumps(
                {name: list(kinds) for name, kinds in KIND_FIELDS.items()}
            )


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    form = CampaignForm
    list_display = (
        "code",
        "name",
        "kind",
        "status",
        "stacking",
        "priority",
        "valid_from",
        "valid_to",
        "requires_coupon",
        "coupon_count",
    )
    list_filter = ("status", "kind", "stacking", "requires_coupon", "channels", "customer_groups")
    search_fields = ("code", "name")
    filter_horizontal = ("channels", "customer_groups")
    autocomplete_fields = ("stores", "gift_product")
    readonly_fields = ("coupons", "created_at", "updated_at")
    date_hierarchy = "valid_from"
    inlines = [CampaignTargetInline]

    class Media:
        js = ("pricing/admin/campaign_kind.js",)

    actions = ["activate", "pause", "end", "generate_coupon_batch", "export_codes"]
    change_list_template = "admin/pricing/campaign/change_list.html"
    fieldsets = (
        (None, {"fields": ("code", "name", "kind", "status", "receipt_text")}),
        (
            _("Where, for whom and when (empty scope means all)"),
            {"fields": ("channels", "stores", "customer_groups", ("valid_from", "valid_to"))},
        ),
        (
            _("Stacking"),
            {"fields": ("priority", "stacking", "max_applications", "requires_coupon")},
        ),
        (_("Benefit"), {"fields": ("currency",)}),
        (
            _("Discount (percent off, amount off, fixed price, bundle, spend discount)"),
            {"fields": ("percent", "amount", "price"), "classes": ("campaign-kind",)},
        ),
        (
            _("Group of units (multibuy, mix & match)"),
            {
                "fields": ("buy_quantity", "pay_quantity", "mix_benefit"),
                "classes": ("campaign-kind",),
            },
        ),
        (
            _("Spend (basket or spend discount, gift with purchase)"),
            {"fields": ("threshold_amount", "repeats"), "classes": ("campaign-kind",)},
        ),
        (
            _("Gift (gift with purchase)"),
            {"fields": ("gift_product", "gift_quantity"), "classes": ("campaign-kind",)},
        ),
        (_("Coupon codes"), {"fields": ("coupons",)}),
        (_("History"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(code_count=Count("coupon_codes"))

    def get_readonly_fields(self, request, obj=None):
        # A campaign's status changes only through the Activate / Pause / End actions
        # (campaign_status_set checks the move); a new campaign starts as chosen.
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "status") if obj is not None else fields

    @admin.display(description=_("Codes"), ordering="code_count")
    def coupon_count(self, obj):
        return obj.code_count

    @admin.display(description=_("Coupon codes"))
    def coupons(self, obj):
        if obj.pk is None:
            return "-"
        count = CouponCode.objects.filter(campaign=obj).count()
        url = reverse("admin:pricing_couponcode_changelist")
        return format_html(
            '<a href="{}?{}">{} {}</a> · <a href="{}">{}</a>',
            url,
            urlencode({"campaign__id__exact": obj.pk}),
            count,
            _("codes"),
            reverse("admin:pricing_campaign_coupon_batch", args=[obj.pk]),
            _("Generate a coupon batch"),
        )

    def _set_status(self, request, queryset, status: str) -> None:
        at = timezone.now()
        changed = skipped = 0
        for campaign in queryset:
            try:
                campaign_status_set(campaign=campaign, status=status, at=at)
            except CampaignStatusTransitionError:
                skipped += 1
                continue
            changed += 1
        label = Campaign.Status(status).label.lower()
        self.message_user(
            request,
            ngettext(
                "%(count)d campaign is now %(status)s.",
                "%(count)d campaigns are now %(status)s.",
                changed,
            )
            % {"count": changed, "status": label},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d campaign could not become %(status)s from its status.",
                    "%(count)d campaigns could not become %(status)s from their status.",
                    skipped,
                )
                % {"count": skipped, "status": label},
                messages.WARNING,
            )

    @admin.action(description=_("Activate"), permissions=["change"])
    def activate(self, request, queryset):
        self._set_status(request, queryset, Campaign.Status.ACTIVE)

    @admin.action(description=_("Pause"), permissions=["change"])
    def pause(self, request, queryset):
        self._set_status(request, queryset, Campaign.Status.PAUSED)

    @admin.action(description=_("End"), permissions=["change"])
    def end(self, request, queryset):
        self._set_status(request, queryset, Campaign.Status.ENDED)

    @admin.action(description=_("Generate coupon batch"), permissions=["change"])
    def generate_coupon_batch(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose exactly one campaign to generate codes for."), messages.ERROR
            )
            return None
        url = reverse("admin:pricing_campaign_coupon_batch", args=[queryset.get().pk])
        return HttpResponseRedirect(url)

    @admin.action(description=_("Export codes as CSV"), permissions=["view"])
    def export_codes(self, request, queryset):
        codes = CouponCode.objects.filter(campaign__in=queryset)
        return coupon_codes_csv(codes, filename="coupon-codes.csv")

    def get_urls(self):
        return [
            path(
                "<int:campaign_id>/coupon-batch/",
                self.admin_site.admin_view(self.coupon_batch_view),
                name="pricing_campaign_coupon_batch",
            ),
            *super().get_urls(),
        ]

    def coupon_batch_view(self, request, campaign_id: int):
        """A form (size, prefix, uses per code) that calls ``coupon_batch_generate``."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        campaign = self.get_object(request, str(campaign_id))
        if campaign is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, str(campaign_id))
        form = CouponBatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                batch = coupon_batch_generate(
                    campaign=campaign,
                    size=form.cleaned_data["size"],
                    name=form.cleaned_data["name"],
                    prefix=form.cleaned_data["prefix"],
                    max_uses_per_code=form.cleaned_data["max_uses_per_code"],
                    user=request.user,
                )
            except DomainError as exc:
                form.add_error(_form_field(exc.field, form), exc.message)
            else:
                self.message_user(
                    request,
                    _("Generated %(size)d codes in batch “%(name)s”.")
                    % {"size": batch.size, "name": batch.name},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:pricing_couponbatch_change", args=[batch.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Generate coupon batch"),
            "campaign": campaign,
            "form": form,
        }
        return TemplateResponse(request, "admin/pricing/campaign/coupon_batch.html", context)


class CouponBatchForm(forms.Form):
    size = forms.IntegerField(min_value=1, max_value=100_000, initial=100)
    prefix = forms.CharField(
        max_length=8, required=False, help_text=_("Up to 8 capital letters or digits.")
    )
    name = forms.CharField(max_length=100, required=False)
    max_uses_per_code = forms.IntegerField(min_value=1, initial=1)


def _form_field(field: str | None, form: forms.Form) -> str | None:
    return field if field in form.fields else None
