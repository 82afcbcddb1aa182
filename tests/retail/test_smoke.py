import pytest


@pytest.mark.django_db
def test_me_returns_calling_client(api):
    response = api.get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["channel"]["code"] == "WEB-DK"
