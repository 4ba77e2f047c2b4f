"""Issue 18: behind docker-compose's reverse proxy the lockout and the security log see the client, not the
proxy (DJANGO_PROXY_COUNT); what a client writes into X-Forwarded-For itself is never believed."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from blinatrial.client_ip import client_ip
from integrity.models import SecurityEvent

PROXY = "172.18.0.9"  # the nginx container: REMOTE_ADDR of every request behind it


@pytest.mark.parametrize(("proxies", "forwarded", "expected"), [
    (0, "10.1.1.1", PROXY),  # no proxy configured: the header is anybody's
    (1, "10.1.1.1", "10.1.1.1"),
    (1, "6.6.6.6, 10.1.1.1", "10.1.1.1"),  # the client's own "6.6.6.6" is ignored
    (2, "6.6.6.6, 10.1.1.1, 192.168.0.2", "10.1.1.1"),  # a TLS load balancer before nginx appended 192.168.0.2
    (1, "", PROXY),
])
def test_the_client_is_the_address_the_first_trusted_proxy_saw(settings, proxies, forwarded, expected):
    settings.PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.django_db
def test_a_lockout_behind_the_proxy_locks_only_the_guessing_client(settings, client, coordinator, password):
    settings.PROXY_COUNT = 1
    url = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": coordinator.username, "password": "wrong"}, REMOTE_ADDR=PROXY,
                                HTTP_X_FORWARDED_FOR="10.6.6.6")
    assert response.status_code == 429

    response = client.post(url, {"username": coordinator.username, "password": password}, REMOTE_ADDR=PROXY,
                           HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert response.status_code == 302
    addresses = set(SecurityEvent.objects.exclude(ip_address=None).values_list("ip_address", flat=True))
    assert addresses == {"10.6.6.6", "10.1.2.3"}
