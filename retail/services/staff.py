from django.contrib.auth.models import Group
from django.db import transaction

from retail.models import StaffProfile, StaffRole, Store
from retail.roles import ADMIN_ROLES, CHAIN_ROLES, ROLE_GROUP_NAMES, sync_role_groups


@transaction.atomic
def staff_assign_role(
    *, user, role: str, stores: list[Store] | tuple[Store, ...] = ()
) -> StaffProfile:
    """Give ``user`` a staff ``role`` at ``stores``; their permission groups follow the role.

    Store roles need at least one store; HQ sees every store and keeps none, and a
    marketer keeps none and sees no store's data.
    Raises ``ValueError`` for an unknown role or a store role without a store.
    """
    role = StaffRole(role)
    if role not in CHAIN_ROLES and not stores:
        raise ValueError("a store role needs at least one store")
    if not Group.objects.filter(name=ROLE_GROUP_NAMES[role]).exists():
        sync_role_groups()
    profile, _ = StaffProfile.objects.update_or_create(user=user, defaults={"role": role})
    profile.stores.set([] if role in CHAIN_ROLES else stores)
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUP_NAMES.values()))
    user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))
    user.is_staff = role in ADMIN_ROLES or user.is_superuser
    user.save(update_fields=["is_staff"])
    return profile
