"""Investigator e-signatures bound to a hash of what was signed.

The signed content of a participant's timepoint (e.g. "EOC1") is the current values of every live
clinical record of that participant whose timepoint is that one; of the casebook, every live clinical
record of the participant. The content is serialised canonically (sorted keys, ISO dates, records in
model and id order; bookkeeping such as row_version and timestamps left out) and hashed with SHA-256.
A later edit changes the hash: the signature is then shown INVALID, and the first time that is seen
`invalidated_at` is set on the signature (a tracked model, so that too is in the audit trail).

A timepoint's content also holds what its meaning depends on that lies outside the timepoint: the apps
register `TimepointContent` providers (the ground imports no clinical app). assessments adds to an
end-of-cycle timepoint the blood count and EMD assessment the response derivation uses (records of no
timepoint) and the derived response; an edit of that blood count then breaks the signature. The apps also
register sign checks: an end-of-cycle timepoint cannot be signed before the investigator's response call.
A timepoint without such additions hashes exactly as before, and a signature made before a timepoint had
additions stays valid while the records it did cover are unchanged.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import authenticate
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, override

from blinatrial.access import INVESTIGATOR, has_role
from integrity import labels, locking, texts
from integrity.audit import BOOKKEEPING, clinical_models
from integrity.audit_context import own_context
from integrity.models import Signature
from integrity.words import field_words, words

CASEBOOK = ""  # the timepoint value of a whole-casebook signature
_LEFT_OUT = BOOKKEEPING | {"is_deleted", "deleted_reason"}


class WrongPassword(Exception):
    """The password did not authenticate the signer (counted by the login lockout)."""


class SigningRefused(Exception):
    """What is signed is not complete yet (a registered sign check says why, in words)."""


@dataclass
class TimepointAddition:
    """What a timepoint's signed content adds beyond its own records."""

    records: set[tuple[str, str]] = field(default_factory=set)  # (model label, record id) of other records
    derived: dict[str, str] = field(default_factory=dict)  # label -> derived value, e.g. "Derived response"


# participant -> {timepoint: TimepointAddition}; sign check: (participant, timepoint) -> problem or None.
ContentProvider = Callable[[object], dict[str, TimepointAddition]]
SignCheck = Callable[[object, str], str | None]
_providers: list[ContentProvider] = []
_sign_checks: list[SignCheck] = []


def register_content(provider: ContentProvider) -> ContentProvider:
    """Decorator: `provider(participant)` adds records and derived values to timepoints' signed content."""
    _providers.append(provider)
    return provider


def register_sign_check(check: SignCheck) -> SignCheck:
    """Decorator: `check(participant, timepoint)` returns why the timepoint cannot be signed yet, or None."""
    _sign_checks.append(check)
    return check


def _additions(participant) -> dict[str, TimepointAddition]:
    """What each timepoint's signed content adds, for display (derived values' labels in the reader's language)."""
    out: dict[str, TimepointAddition] = defaultdict(TimepointAddition)
    for provider in _providers:
        for timepoint, addition in provider(participant).items():
            out[timepoint].records |= addition.records
            out[timepoint].derived.update(addition.derived)
    return dict(out)


def sign_problem(participant, timepoint: str) -> str | None:
    """Why `timepoint` of `participant` cannot be signed yet (None: it can)."""
    for check in _sign_checks:
        if (problem := check(participant, timepoint)) is not None:
            return problem
    return None


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


def _selected(records: Iterable, label: str, timepoint: str, addition: TimepointAddition | None) -> list:
    linked = addition.records if addition else set()
    return [
        [key, values]
        for tp, key, values in records
        if timepoint == CASEBOOK or tp == timepoint or (label, key) in linked
    ]


def _hashed_additions(participant) -> dict[str, TimepointAddition]:
    """The additions as they are hashed: in English, so a signature holds whatever language its reader reads."""
    with override("en-gb"):
        return _additions(participant)


def _hash(content: dict, timepoint: str, addition: TimepointAddition | None = None) -> str:
    selected = {label: _selected(records, label, timepoint, addition) for label, records in sorted(content.items())}
    if timepoint != CASEBOOK and addition is not None and addition.derived:
        selected["derived"] = dict(sorted(addition.derived.items()))
    text = json.dumps(selected, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(participant, timepoint: str = CASEBOOK) -> str:
    """SHA-256 (hex) of the canonical current content of the participant's timepoint or casebook."""
    addition = _hashed_additions(participant).get(timepoint) if timepoint != CASEBOOK else None
    return _hash(_content(participant), timepoint, addition)


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
        additions = _hashed_additions(sigs[0].participant)
        hashes: dict[str, set[str]] = {}
        for sig in sigs:
            if sig.timepoint not in hashes:
                addition = additions.get(sig.timepoint) if sig.timepoint != CASEBOOK else None
                # the current content's hash, and (for a signature made before the timepoint had additions)
                # the hash of its own records alone, which a signature of the additions never equals
                hashes[sig.timepoint] = {_hash(content, sig.timepoint, addition), _hash(content, sig.timepoint)}
            states[sig.pk] = sig.content_hash in hashes[sig.timepoint]
            if not states[sig.pk] and sig.invalidated_at is None:
                broken.append(sig)
    if broken:
        _mark_invalid(broken, user_id)
    return states


def _mark_invalid(signatures: list[Signature], user_id: int | None = None) -> None:
    now = timezone.now()
    with transaction.atomic(), own_context(user=user_id, reason=texts.SIGNED_CONTENT_CHANGED):
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
        raise PermissionDenied(gettext("Only investigators can sign."))
    if timepoint != CASEBOOK and (problem := sign_problem(participant, timepoint)) is not None:
        raise SigningRefused(problem)
    # django.contrib.auth.authenticate sends user_login_failed on a wrong password; axes counts it.
    authenticated = authenticate(request=request, username=user.get_username(), password=password)
    if authenticated is None or authenticated.pk != user.pk:
        raise WrongPassword(gettext("The password is not correct. Nothing was signed."))
    profile = getattr(user, "staff_profile", None) if hasattr(user, "staff_profile") else None
    printed = (profile.printed_name if profile else "") or user.get_full_name() or user.get_username()
    with transaction.atomic(), own_context(user=user.pk, reason=texts.stored(texts.E_SIGNATURE, meaning=meaning)):
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
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if field.choices and value not in (None, ""):
        return dict(field.flatchoices).get(value, value)
    return field_words(f"{field.model._meta.label}.{field.name}", value)


def signed_records(participant, timepoint: str = CASEBOOK) -> list[tuple[str, str, dict]]:
    """(form name, record id, {field label: value}) of the content a signature of this scope covers; for a
    timepoint, the records and derived values its meaning depends on follow its own records."""
    from django.apps import apps

    addition = _additions(participant).get(timepoint) if timepoint != CASEBOOK else None
    out = []
    for label, records in sorted(_content(participant).items()):
        model = apps.get_model(label)
        fields = {f.attname: f for f in model._meta.concrete_fields if not f.is_relation}  # no bare row ids
        for key, values in _selected(records, label, timepoint, addition):
            shown = {labels.field_label(model, fields[k].name): _shown(fields[k], v)
                     for k, v in values.items() if k in fields and k != "id"}
            out.append((labels.model_label(model), key, shown))
    if addition is not None and addition.derived:
        out.append((gettext("Derived from the data"), "", {k: words(v) for k, v in sorted(addition.derived.items())}))
    return out
