"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and single-use recovery codes.

Enrolment makes an unconfirmed TOTP device, shows its QR code (drawn here by segno as an SVG data: URI, so the
page loads nothing from elsewhere and needs no inline script or style) and confirms it with a first code; the
recovery codes come with it. A wrong code is a failed sign-in for django-axes (user_login_failed, marked as a
second factor), so the lockout counts it. Every step writes the security event log.
"""

import base64
import secrets

import segno
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from integrity.models import SecurityEventKind
from integrity.security_log import SECOND_FACTOR_MARK, record_security_event

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery codes"
RECOVERY_CODE_COUNT = 10


def base32_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it typed in (base32, in groups of four)."""
    text = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def pending_device(user) -> TOTPDevice:
    """The user's authenticator being enrolled (made on the first visit, kept while the page is reloaded)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False, name=AUTHENTICATOR).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


@transaction.atomic
def confirm_enrolment(*, request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code: the session is then verified and the recovery codes are
    returned (shown once). None when the code is wrong."""
    user = device.user
    if not device.verify_token(code.strip()):
        failed_code(request=request, user=user, detail="wrong code at enrolment")
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    otp_login(request, device)
    record_security_event(SecurityEventKind.TWO_FACTOR_ENROLLED, user=user, request=request, detail=AUTHENTICATOR)
    return codes


def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def new_recovery_codes(*, request: HttpRequest, user) -> list[str]:
    codes = _new_recovery_codes(user)
    record_security_event(SecurityEventKind.RECOVERY_CODES, user=user, request=request, detail="replaced")
    return codes


def check_code(*, request: HttpRequest, user, code: str):
    """The device (authenticator or recovery codes) that accepts `code`, or None after recording the failure."""
    code = "".join(code.split())
    device = match_token(user, code) if code else None
    if device is None:
        failed_code(request=request, user=user, detail="wrong code")
        return None
    detail = "recovery code" if isinstance(device, StaticDevice) else AUTHENTICATOR
    record_security_event(SecurityEventKind.TWO_FACTOR_VERIFIED, user=user, request=request, detail=detail)
    return device


def failed_code(*, request: HttpRequest, user, detail: str) -> None:
    record_security_event(SecurityEventKind.TWO_FACTOR_FAILED, user=user, request=request, detail=detail)
    # A failed sign-in for django-axes: the lockout (username and address) counts wrong codes with wrong passwords.
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username(), SECOND_FACTOR_MARK: True}, request=request
    )


@transaction.atomic
def reset_two_factor(*, user, actor, reason: str, request: HttpRequest | None = None) -> int:
    """An administrator removes the user's authenticator and recovery codes (a lost phone); the user enrols again
    at the next sign-in (investigators, data managers) or from their Security page. Returns the devices removed."""
    removed = TOTPDevice.objects.filter(user=user).count() + StaticDevice.objects.filter(user=user).count()
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record_security_event(
        SecurityEventKind.TWO_FACTOR_RESET, user=user, actor=actor, request=request, detail=reason or "no reason"
    )
    return removed
