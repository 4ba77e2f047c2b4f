"""Signing a test user in without the login form: the session a real sign-in would leave.

A user whose role needs a second factor (investigators, data managers) has an authenticator from the factory
(tests/factories/enrollment.py); their session is marked verified by it, as django_otp.login() does after a right
code. `current_code(user)` gives the code the user's authenticator shows, for the login form in browser tests.
"""

from django.contrib.sessions.backends.base import SessionBase
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def authenticator_of(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def mark_verified(session: SessionBase, user) -> None:
    device = authenticator_of(user)
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def force_verified_login(client: Client, user) -> Client:
    client.force_login(user)
    session = client.session
    mark_verified(session, user)
    return client


def verified_login(user) -> str:
    """The session key of a signed-in (and, with an authenticator, verified) session of `user`."""
    client = force_verified_login(Client(), user)
    return client.session.session_key


def current_code(user, *, steps_ahead: int = 0) -> str:
    """The code the user's authenticator shows now (or `steps_ahead` 30-second steps later)."""
    return code_for_device(authenticator_of(user), steps_ahead=steps_ahead)


def code_for_device(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The device's code now. A code is accepted once, and after a wrong one django-otp makes the next wait (1 s,
    2 s, 4 s...): the device forgets both, so a test may sign in twice within 30 seconds, or right after a
    wrong code."""
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return code_for_key(device.bin_key, steps_ahead=steps_ahead)


def code_for_key(key: bytes, *, steps_ahead: int = 0) -> str:
    return f"{totp(key, step=30, t0=0, digits=6, drift=steps_ahead):06d}"
