"""Rate limit per API token (a session caller is limited per user). Rate: settings.API_THROTTLE_RATE."""

import logging

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken

log = logging.getLogger(__name__)


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api_token"

    def allow_request(self, request, view) -> bool:
        """DRF's count in the shared cache; a cache outage lets the request through (logged), never a 500."""
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # redis.RedisError, a socket timeout
            log.warning("API throttle cache unreachable (%s): request not counted", exc)
            return True

    def get_rate(self) -> str | None:
        # Read on every request (not frozen at import as DRF's THROTTLE_RATES is): tests and deployments override it.
        return getattr(settings, "API_THROTTLE_RATE", "1000/hour")

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
