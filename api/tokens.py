"""Making, finding and revoking API tokens. The plain key exists only in the return value of `create_token`."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from integrity.audit_context import own_context

KEY_PREFIX = "bt_"
PREFIX_CHARS = 10  # "bt_" and 7 random characters: shown in the list to tell tokens apart
LAST_USED_EVERY = datetime.timedelta(minutes=1)


def max_lifetime_days() -> int:
    return getattr(settings, "API_TOKEN_MAX_DAYS", 365)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(*, user, name: str, expires: datetime.datetime) -> tuple[ApiToken, str]:
    """A new token of `user`; returns it with its plain key (shown once, never stored)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with own_context(user=user.pk, reason="API token created"):
        token = ApiToken.objects.create(
            user=user, name=name.strip(), prefix=key[:PREFIX_CHARS], key_hash=hash_key(key), expires=expires
        )
    return token, key


def find_token(key: str) -> ApiToken | None:
    """The token with this key (active or not), with its user."""
    if not key.startswith(KEY_PREFIX):
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=hash_key(key)).first()


def note_use(token: ApiToken, *, now: datetime.datetime | None = None) -> None:
    """Stamp last_used, at most once a minute (each stamp is an audit event)."""
    now = now or timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_EVERY:
        return
    with own_context(user=token.user_id, reason="API token used"):
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    token.last_used = now


@transaction.atomic
def revoke_token(token: ApiToken, *, by) -> ApiToken:
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.revoked_by = by
    with own_context(user=by.pk, reason="API token revoked"):
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
