"""`Authorization: Bearer <key>`: the request acts as the token's user (their roles and sites), nothing more."""

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from api import tokens

UNKNOWN_KEY = "Invalid API token."
EXPIRED = "This API token has expired: make a new one under Account > API tokens."
REVOKED = "This API token was revoked."
INACTIVE_USER = "The account of this API token is disabled."


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Send the key as 'Authorization: Bearer <key>'.")
        try:
            key = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(UNKNOWN_KEY) from exc
        token = tokens.find_token(key)
        if token is None:
            raise exceptions.AuthenticationFailed(UNKNOWN_KEY)
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(REVOKED)
        if token.expires <= timezone.now():
            raise exceptions.AuthenticationFailed(EXPIRED)
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(INACTIVE_USER)
        tokens.note_use(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "An API token made under Account > API tokens."}
