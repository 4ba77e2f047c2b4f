"""The menu's language switcher: a signed-in user's interface language, kept on their profile.

The choice is also put in Django's language cookie, so the sign-in page after signing out stays in it. Only
the interface changes: stored codes, the audit trail, exports and the API are the same in every language.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from blinatrial.params import local_path
from enrollment.models import StaffProfile


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Save the chosen language (a code of settings.LANGUAGES; anything else changes nothing) and return to the
    page the user came from."""
    language = request.POST.get("language", "")
    response = redirect(local_path(request, request.POST.get("next", "")) or "home")
    if language not in {code for code, _name in settings.LANGUAGES}:
        return response
    StaffProfile.objects.update_or_create(user=request.user, defaults={"language": language})
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response
