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
    return queryset.annotate(
        _role_names=ArraySubquery(groups),
        _site_id_list=ArraySubquery(site_links),
        _site_zone_list=ArraySubquery(site_zones),
        _all_sites=Subquery(all_sites),
        _language=Subquery(language),
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
