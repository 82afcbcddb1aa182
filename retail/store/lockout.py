"""The page a locked-out login gets (django-axes' ``AXES_LOCKOUT_CALLABLE``).

After ``AXES_FAILURE_LIMIT`` failed logins for one user name from one
address, axes refuses further logins for ``AXES_COOLOFF_TIME``.  Instead of
axes' bare response, the caller sees the login page it used (the store
pages' or the admin's) with a translated message saying why and for how
long, answered 429.  HQ unlocks a user in the admin (Axes > Access attempts:
delete the user's row) or with ``manage.py axes_reset_username <name>``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.forms.utils import ErrorList
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

LOCKED_STATUS = 429


class LockedOutForm(AuthenticationForm):
    """The login form, unbound, showing why the login was refused (no authentication runs)."""

    def __init__(self, request, *, username: str, message: str):
        super().__init__(request, initial={"username": username})
        self.lockout_message = message

    def non_field_errors(self):
        return ErrorList([self.lockout_message])


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed logins: this user is locked for %(minutes)d minute. "
        "Try again later, or ask HQ to unlock it.",
        "Too many failed logins: this user is locked for %(minutes)d minutes. "
        "Try again later, or ask HQ to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """Render the login page the request came to with the lockout message (status 429)."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = LockedOutForm(request, username=username, message=lockout_message())
    if request.path.startswith("/admin/"):
        context = {
            **admin.site.each_context(request),
            "title": _("Log in"),
            "app_path": request.get_full_path(),
            "username": username,
            "form": form,
            "next": request.POST.get("next", ""),
        }
        return render(request, "admin/login.html", context, status=LOCKED_STATUS)
    context = {"form": form, "next": request.POST.get("next", "")}
    return render(request, "store/login.html", context, status=LOCKED_STATUS)
