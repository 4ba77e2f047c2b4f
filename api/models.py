"""API tokens: a user's named, expiring key for the REST API.

Only a SHA-256 of the key is stored (with a short visible prefix to tell tokens apart); the plain key is
shown once, when the token is made. The table is audited by django-pghistory like the clinical records, so
creation, the last use (written at most once a minute) and revocation are in the trail.
"""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.utils import timezone


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent())
class ApiToken(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=80, help_text="What the token is for, e.g. 'nightly lab sync'.")
    prefix = models.CharField(max_length=12, help_text="The first characters of the key, to recognise it.")
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the key (hex).")
    created = models.DateTimeField(default=timezone.now)
    expires = models.DateTimeField()
    last_used = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created", "-id"]
        triggers = [
            # A token is evidence of who could act through the API: revoked, never deleted.
            pgtrigger.Protect(name="api_token_no_delete", operation=pgtrigger.Delete),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()
        return self.revoked_at is None and self.expires > at

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return "Revoked"
        return "Active" if self.expires > timezone.now() else "Expired"
