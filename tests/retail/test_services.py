"""Core services: staff roles drive permissions; API clients fit their channel."""

import pytest

from retail.models import Channel, Store
from retail.roles import ROLE_GROUP_NAMES
from retail.services.api_clients import api_client_create
from retail.services.staff import staff_assign_role
from tests.factories import ChannelFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_staff_assign_role_sets_groups_and_admin_access():
    store = StoreFactory()
    user = UserFactory()
    staff_assign_role(user=user, role="store_clerk", stores=[store])
    user.refresh_from_db()
    assert [g.name for g in user.groups.all()] == [ROLE_GROUP_NAMES["store_clerk"]]
    assert not user.is_staff
    assert user.has_perm("retail.view_product")
    assert not user.has_perm("retail.change_product")

    staff_assign_role(user=user, role="store_manager", stores=[store])
    user = type(user).objects.get(pk=user.pk)  # fresh permission cache
    assert [g.name for g in user.groups.all()] == [ROLE_GROUP_NAMES["store_manager"]]
    assert user.is_staff
    assert user.has_perm("retail.change_openinghours")
    assert not user.has_perm("retail.change_store")


def test_staff_assign_role_hq_has_all_core_permissions_and_no_stores():
    store = StoreFactory()
    user = UserFactory()
    profile = staff_assign_role(user=user, role="hq", stores=[store])
    user = type(user).objects.get(pk=user.pk)
    assert user.is_staff and not user.is_superuser
    assert user.has_perm("retail.change_product") and user.has_perm("retail.add_vatrate")
    assert list(profile.stores.all()) == []


def test_staff_store_role_needs_a_store():
    with pytest.raises(ValueError, match="at least one store"):
        staff_assign_role(user=UserFactory(), role="store_clerk", stores=[])


def test_api_client_pos_needs_a_store_and_not_a_warehouse():
    pos = ChannelFactory(code="POS-DK", kind=Channel.Kind.POS)
    with pytest.raises(ValueError, match="one store"):
        api_client_create(name="Till", channel=pos)
    warehouse = StoreFactory(code="WH", kind=Store.Kind.WAREHOUSE, click_and_collect=False)
    with pytest.raises(ValueError, match="warehouse"):
        api_client_create(name="Till", channel=pos, store=warehouse)
    client = api_client_create(name="Till", channel=pos, store=StoreFactory(code="S1"))
    assert client.store.code == "S1"
