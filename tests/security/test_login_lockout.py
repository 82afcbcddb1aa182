"""Issue 16, "Logins": twelve wrong passwords on /admin/ or /store/ and then the right one logged
in.  Now 5 failures lock that user name from that address for 30 minutes (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from retail.models import StaffRole
from tests.factories import StoreFactory, make_staff

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests"


@pytest.fixture
def clerk():
    return make_staff(StaffRole.STORE_CLERK, stores=[StoreFactory()], username="clerk-a")


def _login(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.parametrize("url", ["/store/login/", "/admin/login/"])
def test_login_five_wrong_passwords_then_the_right_one_is_refused(url, clerk):
    """Five wrong passwords lock the user; the right password is then refused with a message."""
    if url.startswith("/admin/"):
        get_user_model().objects.filter(pk=clerk.pk).update(is_staff=True)
    client = Client()
    for _ in range(5):
        wrong = _login(client, url, "clerk-a", "wrong")
        assert wrong.status_code in (200, 429)

    refused = _login(client, url, "clerk-a", PASSWORD)

    assert refused.status_code == 429
    assert not _logged_in(client)
    page = refused.content.decode()
    assert "Too many failed logins" in page and "30 minutes" in page
    assert 'name="password"' in page  # the login page itself, not an error page


def test_login_works_again_after_the_cool_off(clerk):
    client = Client()
    for _ in range(5):
        _login(client, "/store/login/", "clerk-a", "wrong")
    assert _login(client, "/store/login/", "clerk-a", PASSWORD).status_code == 429
    # Half an hour and a minute later (axes compares the attempt's time with now):
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))

    response = _login(client, "/store/login/", "clerk-a", PASSWORD)

    assert response.status_code == 302 and _logged_in(client)


def test_login_hq_unlocks_a_locked_user_in_the_admin(clerk):
    client = Client()
    for _ in range(5):
        _login(client, "/store/login/", "clerk-a", "wrong")
    assert _login(client, "/store/login/", "clerk-a", PASSWORD).status_code == 429
    hq = Client()
    hq.force_login(make_staff(StaffRole.HQ, username="hq-admin", is_superuser=True, is_staff=True))
    attempt = AccessAttempt.objects.get(username="clerk-a")

    listed = hq.get("/admin/axes/accessattempt/")
    unlocked = hq.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})

    assert listed.status_code == 200 and "clerk-a" in listed.content.decode()
    assert unlocked.status_code == 302
    response = _login(client, "/store/login/", "clerk-a", PASSWORD)
    assert response.status_code == 302 and _logged_in(client)


def test_login_lockout_is_per_user_name_and_address(clerk):
    """Another user from the same address, and the same user elsewhere, may still log in."""
    make_staff(StaffRole.STORE_CLERK, stores=[StoreFactory()], username="clerk-b")
    client = Client()
    for _ in range(5):
        _login(client, "/store/login/", "clerk-a", "wrong")

    assert _login(Client(), "/store/login/", "clerk-b", PASSWORD).status_code == 302
    elsewhere = Client(REMOTE_ADDR="10.1.2.3")
    assert _login(elsewhere, "/store/login/", "clerk-a", PASSWORD).status_code == 302


def test_login_a_wrong_password_or_two_then_the_right_one_still_logs_in(clerk):
    client = Client()
    for _ in range(4):
        _login(client, "/store/login/", "clerk-a", "wrong")
    assert _login(client, "/store/login/", "clerk-a", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="clerk-a", failures_since_start__gt=0).exists()
