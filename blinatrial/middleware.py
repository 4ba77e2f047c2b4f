import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from blinatrial import access, auth

TOUCH_INTERVAL_SECONDS = 60


class IdleSessionMiddleware:
    """Sessions end after SESSION_COOKIE_AGE seconds without activity.

    Like SESSION_SAVE_EVERY_REQUEST, but the session row is rewritten at most once a minute instead
    of on every request (three queries saved per page), so the idle limit is exact to the minute.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get("_touched", 0) >= TOUCH_INTERVAL_SECONDS:
                session["_touched"] = now  # marks the session modified: saved with a new expiry
        return self.get_response(request)


class TrialOTPMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.is_verified(), request.user.otp_device), with the session's
    authenticator taken from the rows read with the user (blinatrial.auth.with_access) instead of a query of its
    own. The library's rules hold as they are: the device must be the user's and confirmed, and a session naming
    any other device loses it (`_finalize_device`). A recovery code's device is looked up by the library."""

    def _verify_user_sync(self, request, user):
        persistent_id = request.session.get(DEVICE_ID_SESSION_KEY) if user.is_authenticated else None
        if not persistent_id:
            return super()._verify_user_sync(request, user)
        device = auth.authenticator_of_session(user, self._normalize_persistent_id(persistent_id))
        if device is auth.NOT_READ:
            return super()._verify_user_sync(request, user)
        self._init_user_fields(user)
        user.otp_device = self._finalize_device(request, user, device)
        return user


# Pages a signed-in session that still owes its second factor (or its enrolment) may reach.
TWO_FACTOR_OPEN_VIEWS = frozenset({"login", "logout", "health", "two-factor-verify", "two-factor-enrol"})
TWO_FACTOR_FREE_KEY = "_two_factor_free"


class TwoFactorMiddleware:
    """A signed-in session that has not passed its second factor reaches nothing but the code page (the user has
    an authenticator) or, for the roles that must have one (access.TWO_FACTOR_ROLES), the enrolment page.

    The login form already asks for the code before it signs anyone in (integrity.two_factor_views); this catches
    every other way into a session (the admin's login page, a session made by a script)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.view_name in TWO_FACTOR_OPEN_VIEWS:
            return None
        session = request.session
        # Every sign-in (django.contrib.auth.login) stamps last_login: a note made before it no longer applies.
        sign_in = f"{session.session_key}|{user.last_login.isoformat() if user.last_login else ''}"
        if session.get(TWO_FACTOR_FREE_KEY) == sign_in:
            return None
        if access.has_second_factor(user):
            target = "two-factor-verify"
        elif access.two_factor_required(user):
            target = "two-factor-enrol"
        else:
            # Free to go on without a code: noted for this sign-in, so its next requests ask the database nothing.
            session[TWO_FACTOR_FREE_KEY] = sign_in
            return None
        return redirect(f"{reverse(target)}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}")


API_PATH = "/api/"


class UserLanguageMiddleware:
    """A signed-in user sees the interface in the language of their profile (the menu's switcher sets it); with
    none chosen, LocaleMiddleware's choice (browser or cookie) stands. Read with the user, so no query.

    The REST API (/api/) answers in English whatever the user's language or the browser's: a program reads it, and
    its payloads are data, the same in every language."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest):
        from blinatrial.access import preferred_language

        if request.path.startswith(API_PATH):
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return self.get_response(request)
        user = getattr(request, "user", None)
        language = preferred_language(user) if user is not None and user.is_authenticated else ""
        if language in self.codes:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)


class SiteTimeZoneMiddleware:
    """Pages show the times of a user of one site in that site's zone (blinatrial.template_dates.when); the site
    and its zone were read with the user (blinatrial.auth), so this costs no query. The REST API is left alone:
    its date-times stay ISO 8601 in UTC."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        from blinatrial.template_dates import DISPLAY_ZONE, usable_zone

        user = getattr(request, "user", None)
        site = usable_zone(user) if user is not None and user.is_authenticated else None
        if site is None or request.path.startswith("/api/"):
            return self.get_response(request)
        token = DISPLAY_ZONE.set(site[1])
        try:
            return self.get_response(request)
        finally:
            DISPLAY_ZONE.reset(token)
