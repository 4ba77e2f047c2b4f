"""Account security pages: the second-factor code at sign-in, enrolment, recovery codes; the security event log."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from blinatrial import access, pending_signin
from blinatrial.params import local_path, parse_query
from integrity import two_factor
from integrity.forms import NextParams, OneTimeCodeForm, SecurityLogParams
from integrity.models import SecurityEvent

WRONG_CODE = gettext_lazy("That code is not right (or was already used). Wrong codes count towards the lockout.")
LOG_PAGE_ROWS = 100
RECOVERY_CODES_KEY = "two_factor_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    return local_path(request, parse_query(request, NextParams)["next"])


def _go_on(request: HttpRequest, url: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(local_path(request, url) or resolve_url(settings.LOGIN_REDIRECT_URL))


def _show_codes_once(request: HttpRequest, codes: list[str], next_url: str, *, enrolled: bool) -> HttpResponse:
    """Post/redirect/get: the codes wait in the session for the one page that shows them."""
    request.session[RECOVERY_CODES_KEY] = {"codes": codes, "next": next_url, "enrolled": enrolled}
    return redirect("recovery-codes")


def _locked_out(request: HttpRequest, credentials: dict) -> HttpResponse:
    pending_signin.clear(request)
    if request.user.is_authenticated:
        logout(request)
    return get_lockout_response(request, None, credentials)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of a sign-in: the code of the user's authenticator (or a recovery code)."""
    held = None
    if request.user.is_authenticated:  # signed in another way (the admin's login page): verify the session
        if request.user.is_verified() or not access.has_second_factor(request.user):
            return _go_on(request, _next_url(request))
        user, next_url = request.user, _next_url(request)
    else:
        held = pending_signin.pending(request)
        if held is None:
            return redirect(settings.LOGIN_URL)
        user, backend, next_url = held
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return _locked_out(request, credentials)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.check_code(request=request, user=user, code=form.cleaned_data["code"])
        if device is not None:
            if held is not None:
                pending_signin.clear(request)
                user.otp_device = device  # django-otp marks the new session verified by this device
                login(request, user, backend=backend)
            else:
                otp_login(request, device)
            return _go_on(request, next_url)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, credentials)
        form.add_error("code", WRONG_CODE)
    return render(request, "registration/two_factor_verify.html", {"form": form, "username": user.get_username()})


@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a first code."""
    user = request.user
    if access.has_second_factor(user):
        return redirect("account-security")
    device = two_factor.pending_device(user)
    form = OneTimeCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_enrolment(request=request, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            next_url = _next_url(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
            return _show_codes_once(request, codes, next_url, enrolled=True)
        if getattr(request, "axes_locked_out", False):
            return _locked_out(request, {"username": user.get_username()})
        form.add_error("code", WRONG_CODE)
    context = {
        "form": form,
        "qr": two_factor.qr_data_uri(device),
        "secret": two_factor.base32_secret(device),
        "required": access.two_factor_required(user),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@never_cache
@require_GET
def account_security(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "device": device,
        "required": access.two_factor_required(user),
        "recovery_left": StaticToken.objects.filter(device__user=user).count(),
        "events": SecurityEvent.objects.filter(user=user)[:20],
    }
    return render(request, "registration/account_security.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """POST: a new set of recovery codes (the old ones stop working). GET: the codes just made, shown once."""
    if not access.has_second_factor(request.user):
        return redirect("two-factor-enrol")
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(request=request, user=request.user)
        return _show_codes_once(request, codes, reverse("account-security"), enrolled=False)
    shown = request.session.pop(RECOVERY_CODES_KEY, None)
    if not isinstance(shown, dict):
        return redirect("account-security")
    context = {"codes": shown["codes"], "next_url": shown["next"], "enrolled": shown["enrolled"]}
    return render(request, "registration/recovery_codes.html", context)


@access.role_required(access.DATA_MANAGER)
@require_GET
def security_log(request: HttpRequest) -> HttpResponse:
    """Sign-ins, lockouts, second factors, passwords, roles, sites and downloads of the accounts of the
    viewer's sites (every account for a viewer of every site)."""
    query = parse_query(request, SecurityLogParams)
    events = SecurityEvent.objects.visible_to(request.user).select_related("user", "actor")
    if query["kind"]:
        events = events.filter(kind=query["kind"])
    page = Paginator(events, LOG_PAGE_ROWS).get_page(query["page"] or 1)
    context = {"page": page, "kind": query["kind"], "kinds": SecurityLogParams.base_fields["kind"].choices}
    return render(request, "integrity/security_log.html", context)
