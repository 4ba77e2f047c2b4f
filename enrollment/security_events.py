"""Site assignments and all-sites access feed the security event log (integrity.security_log): this layer owns
the sites, so it registers the receivers."""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_save, pre_save

from enrollment.models import Site, StaffProfile
from integrity.models import SecurityEventKind
from integrity.security_log import record_security_event


def _sites_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    kind = SecurityEventKind.SITE_ADDED if action == "post_add" else SecurityEventKind.SITE_REMOVED
    if not reverse:  # site.users.add(user, ...)
        users = instance.users.all() if action == "pre_clear" else get_user_model()._base_manager.filter(pk__in=pk_set)
        pairs = [(user, instance) for user in users]
    else:  # user.trial_sites.add(site, ...)
        sites = instance.trial_sites.all() if action == "pre_clear" else Site.objects.filter(pk__in=pk_set)
        pairs = [(instance, site) for site in sites]
    for user, site in pairs:
        record_security_event(kind, user=user, detail=f"site {site.code}")


def _profile_before(sender, instance, **kwargs) -> None:
    before = StaffProfile.objects.filter(pk=instance.pk).values_list("all_sites", flat=True).first()
    instance._all_sites_before = bool(before)


def _profile_saved(sender, instance, created, **kwargs) -> None:
    if instance.all_sites != getattr(instance, "_all_sites_before", False):
        detail = "sees every site" if instance.all_sites else "no longer sees every site"
        record_security_event(SecurityEventKind.SITE_SCOPE_CHANGED, user=instance.user, detail=detail)


def connect() -> None:
    uid = "enrollment.security_events."
    m2m_changed.connect(_sites_changed, sender=Site.users.through, dispatch_uid=uid + "sites")
    pre_save.connect(_profile_before, sender=StaffProfile, dispatch_uid=uid + "profile_before")
    post_save.connect(_profile_saved, sender=StaffProfile, dispatch_uid=uid + "profile")
