"""A sign-in halfway: the password passed, the second factor has not yet.

The login form keeps such a user here, in the (anonymous) session, instead of signing them in: nothing but the
code page can use it, and it lapses after settings.TWO_FACTOR_PENDING_SECONDS. Only a right code then signs the
user in (django.contrib.auth.login), so a sign-in, and axes' reset of the failure count, need both factors.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

PENDING_KEY = "two_factor_pending"


def hold(request: HttpRequest, user, next_url: str) -> None:
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": user.backend,
        "at": int(time.time()),
        "next": next_url,
    }


def pending(request: HttpRequest) -> tuple | None:
    """(user, backend, next url) of the sign-in waiting for its code, or None (none, lapsed, or account gone)."""
    held = request.session.get(PENDING_KEY)
    if not isinstance(held, dict):
        return None
    if time.time() - held.get("at", 0) > settings.TWO_FACTOR_PENDING_SECONDS:
        clear(request)
        return None
    user = get_user_model()._base_manager.filter(pk=held.get("user"), is_active=True).first()
    if user is None:
        clear(request)
        return None
    return user, held.get("backend"), held.get("next") or ""


def clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)
