"""The client's address, for the login lockout (django-axes) and the security log.

Behind reverse proxies REMOTE_ADDR is the last proxy's address: every user would share it, and a lockout "from
that address" would lock an account everywhere. Each proxy appends the address it received the request from to
X-Forwarded-For, so with DJANGO_PROXY_COUNT proxies in front of the app the client is that many entries from the
right; what a client wrote there itself is further left and never read.
"""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.PROXY_COUNT
    if count <= 0:
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    return hops[-count] if len(hops) >= count else remote
