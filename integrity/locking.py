"""Whether a clinical record may be created or edited now (participant, timepoint and study locks)."""

from django.db import models


def edit_blocked_reason(instance: models.Model) -> str | None:
    """A human message if `instance` is locked against edits, else None."""
    return None


def create_blocked_reason(instance: models.Model) -> str | None:
    """A human message if a new record like `instance` may not be added now, else None."""
    return None
