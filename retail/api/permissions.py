from rest_framework.permissions import SAFE_METHODS, BasePermission

from retail.api.auth import request_client
from retail.models import StaffProfile, StaffRole


def is_hq_user(user) -> bool:
    """A signed-in Django user who is a superuser or has the HQ role."""
    if not user or not user.is_authenticated or not getattr(user, "pk", None):
        return False
    return (
        user.is_superuser
        or StaffProfile.objects.filter(user_id=user.pk, role=StaffRole.HQ).exists()
    )


class IsApiClientOrHQ(BasePermission):
    """Channel clients with a valid key; signed-in staff may read, HQ may also write."""

    message = "Authenticate with an API key (Authorization: Api-Key <key>)."

    def has_permission(self, request, view) -> bool:
        if request_client(request) is not None:
            return True
        user = request.user
        if not user or not user.is_authenticated or not getattr(user, "pk", None):
            return False
        if request.method in SAFE_METHODS:
            return user.is_superuser or StaffProfile.objects.filter(user_id=user.pk).exists()
        return is_hq_user(user)


class IsApiClientOrHQReader(BasePermission):
    """Channel clients with a valid key; signed-in HQ staff may only read (the API browser)."""

    message = "Authenticate with an API key (Authorization: Api-Key <key>)."

    def has_permission(self, request, view) -> bool:
        if request_client(request) is not None:
            return True
        return request.method in SAFE_METHODS and is_hq_user(request.user)
