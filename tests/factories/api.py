import datetime

from django.utils import timezone

from api import tokens


def make_token(user, *, name: str = "nightly sync", days: int = 30) -> tuple:
    """(token, plain key) of a new token of `user`, valid for `days` (negative: already expired)."""
    return tokens.create_token(user=user, name=name, expires=timezone.now() + datetime.timedelta(days=days))


def bearer(key: str) -> dict:
    return {"Authorization": f"Bearer {key}"}
