"""Investigator e-signatures bound to a hash of what was signed.

The signed content of a participant's timepoint (e.g. "EOC1") is the current values of every live
clinical record of that participant whose timepoint is that one; of the casebook, every live clinical
record of the participant. The content is serialised canonically (sorted keys, ISO dates, records in
model and id order; bookkeeping such as row_version and timestamps left out) and hashed with SHA-256.
A later edit changes the hash: the signature is then shown INVALID, and the first time that is seen
`invalidated_at` is set on the signature (a tracked model, so that too is in the audit trail).
"""

import hashlib
import json
from collections import defaultdict

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from blinatrial.access import INVESTIGATOR, has_role
from integrity import locking
from integrity.audit import BOOKKEEPING, clinical_models
from integrity.audit_context import own_context
from integrity.models import Signature
from integrity.words import mapping_words, words

CASEBOOK = ""  # the timepoint value of a whole-casebook signature
_LEFT_OUT = BOOKKEEPING | {"is_deleted", "deleted_reason"}


class WrongPassword(Exception):
    """The password did not authenticate the signer (counted by the login lockout)."""


def _content(participant) -> dict[str, list[tuple[str | None, str, dict]]]:
    """model label -> [(timepoint, record key, values)] of the participant's live records (one query per model)."""
    out: dict[str, list] = {}
    for model in clinical_models():
        path = locking.participant_path(model)
        if path is None:
            continue
        fields = [f for f in model._meta.concrete_fields if f.name not in _LEFT_OUT]
        qs = model._base_manager.filter(is_deleted=False)
        qs = qs.filter(pk=participant.pk) if path == "" else qs.filter(**{path: participant})
        tpath = locking.timepoint_path(model)
        names = [f.attname for f in fields]
        rows = qs.order_by("pk").values(*names, *([f"{tpath}"] if tpath and tpath not in names else []))
        out[model._meta.label] = [
            (None if not tpath or row.get(tpath) in (None, "") else str(row[tpath]), str(row["id"]),
             {n: row[n] for n in names})
            for row in rows
        ]
    return out


def _hash(content: dict, timepoint: str) -> str:
    selected = {
        label: [[key, values] for tp, key, values in records if timepoint == CASEBOOK or tp == timepoint]
        for label, records in sorted(content.items())
    }
    text = json.dumps(selected, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(participant, timepoint: str = CASEBOOK) -> str:
    """SHA-256 (hex) of the canonical current content of the participant's timepoint or casebook."""
    return _hash(_content(participant), timepoint)


def timepoints(participant) -> list[str]:
    """Timepoints that hold records of the participant (what can be signed besides the casebook)."""
    found = {tp for records in _content(participant).values() for tp, _, _ in records if tp}
    return sorted(found)


def validity(signatures: list[Signature], user_id: int | None = None) -> dict[int, bool]:
    """signature id -> still valid? Reads each participant's content once; marks newly broken ones."""
    by_participant = defaultdict(list)
    for sig in signatures:
        by_participant[sig.participant_id].append(sig)
    states: dict[int, bool] = {}
    broken = []
    for sigs in by_participant.values():
        content = _content(sigs[0].participant)
        hashes: dict[str, str] = {}
        for sig in sigs:
            if sig.timepoint not in hashes:
                hashes[sig.timepoint] = _hash(content, sig.timepoint)
            states[sig.pk] = hashes[sig.timepoint] == sig.content_hash
            if not states[sig.pk] and sig.invalidated_at is None:
                broken.append(sig)
    if broken:
        _mark_invalid(broken, user_id)
    return states


def _mark_invalid(signatures: list[Signature], user_id: int | None = None) -> None:
    now = timezone.now()
    with transaction.atomic(), own_context(user=user_id, reason="Signed content changed after signing"):
        Signature.objects.filter(pk__in=[s.pk for s in signatures], invalidated_at__isnull=True).update(
            invalidated_at=now
        )
    for sig in signatures:
        sig.invalidated_at = now


def check_after_change(instance) -> None:
    """Called by the write path after a save: mark the participant's signatures broken by this change."""
    participant = locking.participant_of(instance)
    if participant is None:
        return
    sigs = list(Signature.objects.filter(participant=participant, invalidated_at__isnull=True))
    if sigs:
        validity(sigs, getattr(instance, "updated_by_id", None))


def sign(
    request: HttpRequest, *, participant, timepoint: str, meaning: str, password: str
) -> Signature:
    """Sign as `request.user` after re-authenticating with `password` (failures count for django-axes)."""
    user = request.user
    if not has_role(user, INVESTIGATOR):
        raise PermissionDenied("Only investigators can sign.")
    # django.contrib.auth.authenticate sends user_login_failed on a wrong password; axes counts it.
    authenticated = authenticate(request=request, username=user.get_username(), password=password)
    if authenticated is None or authenticated.pk != user.pk:
        raise WrongPassword("The password is not correct. Nothing was signed.")
    profile = getattr(user, "staff_profile", None) if hasattr(user, "staff_profile") else None
    printed = (profile.printed_name if profile else "") or user.get_full_name() or user.get_username()
    with transaction.atomic(), own_context(user=user.pk, reason=f"E-signature: {meaning}"):
        return Signature.objects.create(
            participant=participant,
            timepoint=timepoint,
            signer=user,
            printed_name=printed,
            meaning=meaning,
            signed_at=timezone.now(),
            content_hash=content_hash(participant, timepoint),
        )


def _shown(field, value) -> object:
    """A signed value as people read it: a choice's label, a mapping and a code in words."""
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return mapping_words(value) if isinstance(value, dict) else words(value)


def signed_records(participant, timepoint: str = CASEBOOK) -> list[tuple[str, str, dict]]:
    """(form name, record id, {field label: value}) of the content a signature of this scope covers."""
    from django.apps import apps

    out = []
    for label, records in sorted(_content(participant).items()):
        model = apps.get_model(label)
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.is_relation}  # no bare row ids
        for tp, key, values in records:
            if timepoint == CASEBOOK or tp == timepoint:
                shown = {str(fields[k].verbose_name).capitalize(): _shown(fields[k], v)
                         for k, v in values.items() if k in fields and k != "id"}
                out.append((str(model._meta.verbose_name).capitalize(), key, shown))
    return out
