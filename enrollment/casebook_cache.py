"""The casebook's content, rendered once per participant and versions, then served from Django's cache.

The key holds everything the content is built from besides the database: the participant, the user, the
language, the time zone, the day and the URL (the links carry it as their way back). The database part is the
pair of versions (integrity.models.current_versions), read in one statement *before* the content's own queries:
every committed change to a table the casebook reads bumps one of them in its own transaction, so content built
after that read is at least as new as its key says. A change committed meanwhile leaves a newer page under an
older key, which the next request no longer asks for; a stale page is never served.

Content that changes with the clock (a running infusion, a counting SAE clock: a section's `live`) is never
cached. The cache is only ever a shortcut: when it cannot be reached the page is rendered as if nothing were
cached (blinatrial.page_cache).
"""

import hashlib

from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.safestring import SafeString

from blinatrial import page_cache
from integrity.models import current_versions

CACHE_SECONDS = 300  # also bounds how long a page rendered by an earlier release of the templates can be served


def content_key(request: HttpRequest, participant_pk: int) -> str:
    """The cache key of a participant's casebook content as `request`'s user sees it now (one query)."""
    user = request.user
    raw = repr((
        participant_pk,
        *current_versions(),
        user.pk,
        translation.get_language(),
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        request.get_full_path(),
    ))
    return "enrollment:casebook:" + hashlib.sha256(raw.encode()).hexdigest()


def cached_content(key: str) -> SafeString | None:
    """The content kept under `key` (as rendered: safe HTML), or None."""
    content = page_cache.cached(key)
    return content if isinstance(content, SafeString) else None


def keep_content(key: str, content: SafeString) -> None:
    page_cache.keep(key, content, CACHE_SECONDS)
