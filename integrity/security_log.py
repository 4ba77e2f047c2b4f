"""The security event log (integrity.SecurityEvent): one function writes it, Django's and axes' signals feed it.

Sign-ins, failures, sign-outs and lockouts come from the auth and axes signals; a password set on an account from
the user's post_save (Django keeps the new raw password on the instance until the save is done); role changes from
the group membership's m2m_changed. Second-factor events are written by integrity.two_factor, site assignments
by enrollment (the layer that owns the sites), snapshot downloads by exports.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_save
from django.http import HttpRequest

from integrity.models import SecurityEvent, SecurityEventKind

# Marks the credentials of a wrong second-factor code sent through user_login_failed (for axes to count): the
# two-factor service writes its own, more precise, event for it.
SECOND_FACTOR_MARK = "second_factor"


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    ip = getattr(request, "axes_ip_address", None)
    if ip is None:
        from axes.helpers import get_client_ip_address

        ip = get_client_ip_address(request)
    return ip or None


def record_security_event(
    kind: str,
    *,
    user=None,
    username: str = "",
    actor=None,
    request: HttpRequest | None = None,
    ip_address: str | None = None,
    detail: str = "",
) -> SecurityEvent:
    if user is not None and not username:
        username = user.get_username()
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=username[:150],
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        ip_address=ip_address or client_ip(request),
        detail=detail[:300],
    )


def request_actor(request: HttpRequest | None):
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def _logged_in(sender, request, user, **kwargs) -> None:
    device = getattr(user, "otp_device", None)
    detail = "password and second factor" if device is not None else "password"
    record_security_event(SecurityEventKind.LOGIN, user=user, request=request, detail=detail)


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    if credentials.get(SECOND_FACTOR_MARK):
        return
    username = str(credentials.get("username") or "")
    user = get_user_model()._base_manager.filter(username=username).first() if username else None
    record_security_event(
        SecurityEventKind.LOGIN_FAILED, user=user, username=username, request=request, detail="wrong password"
    )


def _logged_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_security_event(SecurityEventKind.LOGOUT, user=user, request=request)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs) -> None:
    username = str(username or "")
    user = get_user_model()._base_manager.filter(username=username).first() if username else None
    record_security_event(
        SecurityEventKind.LOCKED_OUT, user=user, username=username, request=request, ip_address=ip_address
    )


def _password_saved(sender, instance, created, **kwargs) -> None:
    # set_password() keeps the raw password on the instance until the save completes: its presence means the
    # password of this account was set by this save (the change form, the admin, a command).
    if getattr(instance, "_password", None) is not None:
        record_security_event(
            SecurityEventKind.PASSWORD_CHANGED, user=instance, detail="set at creation" if created else "changed"
        )


def _roles_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    kind = SecurityEventKind.ROLE_ADDED if action == "post_add" else SecurityEventKind.ROLE_REMOVED
    User = get_user_model()
    if reverse:  # group.user_set.add(...)
        pairs = [(u, instance.name) for u in User._base_manager.filter(pk__in=pk_set or [])]
    else:
        groups = instance.groups.all() if action == "pre_clear" else Group.objects.filter(pk__in=pk_set or [])
        pairs = [(instance, g.name) for g in groups]
    if reverse and action == "pre_clear":
        pairs = [(u, instance.name) for u in instance.user_set.all()]
    for user, role in pairs:
        record_security_event(kind, user=user, detail=role)


def connect() -> None:
    """Called once from IntegrityConfig.ready()."""
    from axes.signals import user_locked_out

    uid = "integrity.security_log."
    user_logged_in.connect(_logged_in, dispatch_uid=uid + "login")
    user_login_failed.connect(_login_failed, dispatch_uid=uid + "login_failed")
    user_logged_out.connect(_logged_out, dispatch_uid=uid + "logout")
    user_locked_out.connect(_locked_out, dispatch_uid=uid + "locked_out")
    post_save.connect(_password_saved, sender=get_user_model(), dispatch_uid=uid + "password")
    m2m_changed.connect(_roles_changed, sender=get_user_model().groups.through, dispatch_uid=uid + "roles")
