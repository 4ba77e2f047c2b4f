"""Loading the signed-in user with its trial roles and sites in one query.

Every request that shows trial data needs the user, its roles (menu, permissions) and its sites (the
site scope). Django's ModelBackend reads the user by primary key; this backend reads, in the same
statement, the names of the user's groups (the roles), its site ids and its all-sites flag, and primes the
per-request caches of `blinatrial.access`. Nothing is kept between requests, so a change of role or site
shows on the next request.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Subquery
from django.db.models.functions import JSONObject
from django_otp.plugins.otp_totp.models import TOTPDevice

from blinatrial import access


def with_access(queryset):
    """`queryset` of users, annotated with their role names, site ids and all-sites flag (subqueries)."""
    user_model = queryset.model
    groups = user_model.groups.through.objects.filter(user_id=OuterRef("pk")).values("group__name")
    sites_rel = user_model.trial_sites.rel  # enrollment.Site.users, read by name: the ground imports no app
    site_links = sites_rel.through.objects.filter(
        **{f"{sites_rel.field.m2m_reverse_field_name()}_id": OuterRef("pk")}
    ).values(f"{sites_rel.field.m2m_field_name()}_id")
    site = sites_rel.field.m2m_field_name()
    # each site's code and time zone, for the zone the pages name (access.display_zone)
    site_zones = site_links.order_by(f"{site}__code").values(
        zone=JSONObject(code=f"{site}__code", time_zone=f"{site}__time_zone")
    )
    profile_model = user_model.staff_profile.related.related_model
    all_sites = profile_model.objects.filter(user_id=OuterRef("pk")).values("all_sites")[:1]
    language = profile_model.objects.filter(user_id=OuterRef("pk")).values("language")[:1]
    # the user's authenticators, whole: the session's second factor is checked against them (TrialOTPMiddleware)
    authenticators = TOTPDevice.objects.filter(user_id=OuterRef("pk")).values(
        row=JSONObject(**{f.attname: f.attname for f in TOTPDevice._meta.concrete_fields})
    )
    return queryset.annotate(
        _role_names=ArraySubquery(groups),
        _site_id_list=ArraySubquery(site_links),
        _site_zone_list=ArraySubquery(site_zones),
        _all_sites=Subquery(all_sites),
        _language=Subquery(language),
        _authenticator_rows=ArraySubquery(authenticators),
    )


TOTP_PREFIX = f"{TOTPDevice._meta.app_label}.{TOTPDevice._meta.model_name}/"
NOT_READ = object()  # the session names a device this module did not read with the user (a recovery code's)


def authenticator_of_session(user, persistent_id: str, db: str | None = None):
    """The authenticator (TOTPDevice) the session's `persistent_id` names, built from the rows read with the user
    (`with_access`); None when the user has no such device (removed since, or another user's); NOT_READ when
    the id names another kind of device, or the user was loaded without the rows."""
    rows = getattr(user, "_authenticator_rows", None)
    if rows is None or not persistent_id.startswith(TOTP_PREFIX):
        return NOT_READ
    try:
        pk = int(persistent_id[len(TOTP_PREFIX):])
    except ValueError:
        return None
    row = next((r for r in rows if r["id"] == pk), None)
    if row is None:
        return None
    fields = TOTPDevice._meta.concrete_fields
    return TOTPDevice.from_db(
        db or user._state.db, [f.attname for f in fields], [f.to_python(row[f.attname]) for f in fields]
    )


def prime(user) -> None:
    """Fill `access`'s per-request caches from the annotations of `with_access`."""
    access.prime(
        user,
        roles=user._role_names,
        site_ids=user._site_id_list,
        all_sites=bool(user._all_sites),
        site_zones=[(z["code"], z["time_zone"]) for z in user._site_zone_list],
        language=user._language or "",
    )


class TrialModelBackend(ModelBackend):
    """ModelBackend whose `get_user` loads the roles and sites with the user (one query, not three)."""

    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = with_access(user_model._default_manager.filter(pk=user_id)).get()
        except user_model.DoesNotExist:
            return None
        prime(user)
        return user if self.user_can_authenticate(user) else None
