"""Admin for staff: roles at stores, and the user admin around them.

A role changes only through ``staff_assign_role``, so the user's permission
groups and admin access (``is_staff``) always follow it.  That is why the
user admin shows the role read-only and, for anyone but a superuser, keeps
``is_staff``, ``is_superuser``, groups and permissions read-only too: HQ staff
cannot grant themselves more than their role.
"""

import django.contrib.auth.admin  # noqa: F401  (registers the default user admin first)
from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from retail.admin.scoping import StoreScopedAdminMixin
from retail.models import StaffProfile, StaffRole, UserPreference
from retail.roles import CHAIN_ROLES
from retail.services.staff import staff_assign_role

User = get_user_model()

PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")


class StaffProfileForm(forms.ModelForm):
    class Meta:
        model = StaffProfile
        fields = ("user", "role", "stores")
        help_texts = {"stores": _("Required for store roles; HQ sees every store and keeps none.")}

    def clean(self):
        cleaned = super().clean()
        # The same precondition staff_assign_role enforces, as a form error instead of a crash.
        role = cleaned.get("role")
        if role and role not in CHAIN_ROLES and not cleaned.get("stores"):
            self.add_error("stores", _("A store clerk or manager needs at least one store."))
        return cleaned


@admin.register(StaffProfile)
class StaffProfileAdmin(StoreScopedAdminMixin, admin.ModelAdmin):
    """Who works where, in which role; saving calls ``staff_assign_role``."""

    store_lookup = "stores"
    form = StaffProfileForm
    list_display = ("user", "full_name", "role", "store_list")
    list_filter = ("role", ("stores", admin.RelatedOnlyFieldListFilter))
    search_fields = (
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "stores__code",
    )
    list_select_related = ("user",)
    autocomplete_fields = ("user", "stores")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("stores")

    def get_readonly_fields(self, request, obj=None):
        # A profile belongs to one user for good; give another user their own.
        return ("user",) if obj is not None else ()

    @admin.display(description=_("Name"), ordering="user__last_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.display(description=_("Stores"))
    def store_list(self, obj):
        if obj.is_hq:
            return _("All (HQ)")
        if obj.role == StaffRole.MARKETER:
            return _("None (the chain's campaigns and prices)")
        return ", ".join(store.code for store in obj.stores.all())

    def save_model(self, request, obj, form, change):
        profile = staff_assign_role(
            user=obj.user, role=form.cleaned_data["role"], stores=list(form.cleaned_data["stores"])
        )
        # The add view goes on with ``obj`` (inlines, log entry, redirect): it needs the pk.
        obj.pk = profile.pk

    def save_related(self, request, form, formsets, change):
        # staff_assign_role has set the stores already; the form must not set them again.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None):
        # Deleting the profile would leave the user's groups and admin access behind;
        # to take access away, deactivate the user instead.
        return False


class StaffProfileInline(admin.StackedInline):
    """The user's role, shown read-only; it is changed on the staff profile."""

    model = StaffProfile
    fields = ("role", "stores", "change_role")
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("Change"))
    def change_role(self, obj):
        url = reverse("admin:retail_staffprofile_change", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Change role or stores"))


class UserPreferenceInline(admin.StackedInline):
    """The language the user reads the store pages and the admin in."""

    model = UserPreference
    fields = ("language",)
    can_delete = False
    extra = 1
    max_num = 1
    verbose_name = _("language")
    verbose_name_plural = _("language")


# Replace Django's user admin (imported first, so it has registered) with ours.
if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class RetailUserAdmin(UserAdmin):
    list_display = (*UserAdmin.list_display, "staff_role")
    list_filter = ("staff_profile__role", *UserAdmin.list_filter)
    list_select_related = ("staff_profile",)
    inlines = [StaffProfileInline, UserPreferenceInline]

    @admin.display(description=_("Staff role"), ordering="staff_profile__role")
    def staff_role(self, obj):
        profile = getattr(obj, "staff_profile", None)
        return profile.get_role_display() if profile else "-"

    def get_readonly_fields(self, request, obj=None):
        readonly = tuple(super().get_readonly_fields(request, obj))
        if obj is not None and not request.user.is_superuser:
            readonly += PRIVILEGE_FIELDS
        return readonly

    def has_change_permission(self, request, obj=None):
        # Only a superuser may change (or reset the password of) a superuser.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)
