import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_reports_database_and_broker_without_login(client):
    response = client.get(reverse("health"))
    assert response.status_code == 200
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "eager"}
