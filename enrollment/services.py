"""Enrollment writes that touch several models: screening, consent, enrollment and status changes.

Views and the demo both call these (keyword-only, atomic); refusals are ValueError subclasses whose
message says why, and nothing is saved when one is raised. Locked data is refused here with the lock's
message (integrity.locking); the database's lock trigger stays the last line (integrity.lock_triggers).
"""

import uuid
from datetime import date
from decimal import Decimal

import pghistory
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from enrollment import rules
from enrollment.models import (
    Consent,
    Participant,
    ScreeningRecord,
    ScreeningStatus,
    Site,
    StatusChange,
    StudySettings,
)
from enrollment.protocol import ENROLLMENT_PROTOCOL
from integrity import locking, texts
from integrity.models import FormSubmission
from integrity.services import INITIAL_ENTRY, refused_by_lock

# Audit and status-change reasons the system writes (stored in English, shown translated: integrity.texts).
CONSENT_RECORDED = gettext_noop("Consent recorded")
ENROLLED_REASON = gettext_noop("Enrolled")
SCREEN_FAILED_REASON = gettext_noop("Screen failed: %(reason)s")
ENROLLED_AS = gettext_noop("Enrolled as %(participant)s")
texts.register(CONSENT_RECORDED, ENROLLED_REASON, SCREEN_FAILED_REASON, ENROLLED_AS)


class StatusChangeRefused(ValueError):
    """The lifecycle does not allow this transition (the message says why)."""


@transaction.atomic
def change_status(*, participant: Participant, to_status: str, on: date, reason: str = "", user=None) -> Participant:
    """Move a participant along the lifecycle (rules.TRANSITIONS), recording date and reason.

    Used by the enrollment views and by other apps (the first recorded dose moves an enrolled
    participant to "on treatment"). Refuses a transition the lifecycle does not allow.
    """
    current = Participant.objects.select_for_update().get(pk=participant.pk)
    if (why := locking.edit_blocked_reason(current)) is not None:
        raise StatusChangeRefused(why)
    if (problem := rules.transition_problem(current.status, to_status)) is not None:
        raise StatusChangeRefused(problem)
    context_user = getattr(user, "pk", None)
    with (
        pghistory.context(reason=reason or f"Status: {current.status} -> {to_status}", user=context_user),
        refused_by_lock(StatusChangeRefused),
    ):
        StatusChange.objects.create(
            participant=current,
            from_status=current.status,
            to_status=to_status,
            changed_on=on,
            reason=reason,
            created_by=user,
            updated_by=user,
        )
        Participant.objects.filter(pk=current.pk).update(
            status=to_status,
            status_on=on,
            off_study_reason=reason if to_status == rules.OFF_STUDY else current.off_study_reason,
            row_version=current.row_version + 1,
            updated_by=user,
        )
    current.refresh_from_db()
    participant.status, participant.status_on, participant.row_version = (
        current.status,
        current.status_on,
        current.row_version,
    )
    return current


class ScreeningRefused(ValueError):
    """A screening write the protocol does not allow (the message says why)."""


class ConsentRefused(ValueError):
    """Consent on a document version that was not approved on the signature date, or dated in the future."""


class EnrollmentRefused(ValueError):
    """Enrollment refused: the message lists every reason (ineligible, no consent, target reached, ...)."""


def _register_submission(obj, submission_token: uuid.UUID | None) -> None:
    if submission_token is not None:
        FormSubmission.objects.create(token=submission_token, content_object=obj)


def _already_submitted(submission_token: uuid.UUID | None, model: type):
    """The record a first submission of the same form created (a double submit), else None."""
    existing = FormSubmission.find(submission_token) if submission_token is not None else None
    return existing if isinstance(existing, model) else None


@transaction.atomic
def screen_candidate(
    *,
    site: Site,
    screened_on: date,
    initials: str,
    sex: str,
    criteria: dict[str, str],
    user,
    birth_date: date | None = None,
    age_years: int | None = None,
    ph_test_method: str = "",
    ph_test_date: date | None = None,
    ph_result: str = "",
    ecog: int | None = None,
    cns_status: str = "",
    submission_token: uuid.UUID | None = None,
    **labs: Decimal | None,
) -> ScreeningRecord:
    """Record a screened candidate with the next screening number of the site (S01-001, ...).

    `labs`: the organ-function values of the protocol (ENROLLMENT_PROTOCOL.lab_limits, x ULN). The criteria
    with a data field are stored as the data give them; a tick that contradicts the data is refused.
    """
    if (existing := _already_submitted(submission_token, ScreeningRecord)) is not None:
        return existing
    lab_fields = {lab.field for lab in ENROLLMENT_PROTOCOL.lab_limits}
    if unknown := set(labs) - lab_fields:
        raise TypeError(f"Unknown screening values: {', '.join(sorted(unknown))}")
    # The site row lock serialises number allocation between concurrent screenings at the site.
    site = Site.objects.select_for_update().get(pk=site.pk)
    sequence = ScreeningRecord.objects.filter(site=site).count() + 1
    record = ScreeningRecord(
        site=site,
        screening_number=rules.format_screening_number(site.code, sequence),
        screened_on=screened_on,
        initials=initials,
        sex=sex,
        birth_date=birth_date,
        age_years=age_years,
        ph_test_method=ph_test_method,
        ph_test_date=ph_test_date,
        ph_result=ph_result,
        ecog=ecog,
        cns_status=cns_status,
        **{name: labs.get(name) for name in lab_fields},
        status=rules.SCREENING,
        created_by=user,
        updated_by=user,
    )
    record.criteria = _evaluated_criteria(record, _complete_criteria(criteria))
    if (why := locking.create_blocked_reason(record)) is not None:
        raise ScreeningRefused(why)
    with pghistory.context(reason=INITIAL_ENTRY, user=_user_pk(user)), refused_by_lock(ScreeningRefused):
        record.save()
    _register_submission(record, submission_token)
    return record


def _complete_criteria(criteria: dict[str, str]) -> dict[str, str]:
    """Every protocol criterion answered (unknown answers become "not_assessed"); unknown codes dropped."""
    return {
        c.code: criteria.get(c.code) if criteria.get(c.code) in rules.CRITERION_ANSWERS else "not_assessed"
        for c in ENROLLMENT_PROTOCOL.criteria
    }


def _evaluated_criteria(record: ScreeningRecord, ticks: dict[str, str]) -> dict[str, str]:
    """The checklist as stored: data criteria as their data give them; refuses a contradicting tick."""
    data = record.screening_data(consent_on=None)
    if problems := rules.contradicting_ticks(ticks, data, ENROLLMENT_PROTOCOL):
        raise ScreeningRefused(rules.Joined(" ", problems.values()))
    return {code: answer for code, (answer, _) in rules.criterion_answers(ticks, data, ENROLLMENT_PROTOCOL).items()}


def _user_pk(user) -> int | None:
    return getattr(user, "pk", None)


def _update_screening(screening: ScreeningRecord, *, reason: str, user, **values) -> ScreeningRecord:
    current = ScreeningRecord.objects.select_for_update().get(pk=screening.pk)
    if (why := locking.edit_blocked_reason(current)) is not None:
        raise ScreeningRefused(why)
    with pghistory.context(reason=reason, user=_user_pk(user)), refused_by_lock(ScreeningRefused):
        ScreeningRecord.objects.filter(pk=current.pk).update(
            **values, row_version=current.row_version + 1, updated_by=user
        )
    current.refresh_from_db()
    return current


@transaction.atomic
def screen_fail(*, screening: ScreeningRecord, reason: str, user) -> ScreeningRecord:
    """Close a candidate's screening as failed, with the reason (e.g. the failed criteria)."""
    if not reason.strip():
        raise ScreeningRefused(rules.Message(gettext_noop("Give the reason for the screen failure.")))
    current = ScreeningRecord.objects.select_for_update().get(pk=screening.pk)
    if (why := locking.edit_blocked_reason(current)) is not None:
        raise ScreeningRefused(why)
    if (problem := rules.transition_problem(current.status, rules.SCREEN_FAILED)) is not None:
        raise ScreeningRefused(problem)
    return _update_screening(
        current, reason=texts.stored(SCREEN_FAILED_REASON, reason=reason.strip()), user=user,
        status=rules.SCREEN_FAILED, screen_fail_reason=reason.strip(),
    )


@transaction.atomic
def record_consent(
    *,
    screening: ScreeningRecord,
    document_version: str,
    signed_on: date,
    obtained_by: str,
    user,
    submission_token: uuid.UUID | None = None,
) -> Consent:
    """Record signed consent on an approved document version; marks the consent criterion as met."""
    if (existing := _already_submitted(submission_token, Consent)) is not None:
        return existing
    problem = rules.consent_version_problem(
        document_version, signed_on, ENROLLMENT_PROTOCOL.approved_consent_versions(on=signed_on)
    ) or rules.future_date_problem(signed_on, timezone.localdate(), rules.DATE_OF_CONSENT)
    if problem is not None:
        raise ConsentRefused(problem)
    screening = ScreeningRecord.objects.select_for_update().get(pk=screening.pk)
    if screening.status == rules.SCREEN_FAILED:
        raise ConsentRefused(rules.Message(gettext_noop("Screening %(number)s is closed as a screen failure."),
                                           number=screening.screening_number))
    dates = rules.TrialDates(screened_on=screening.screened_on)
    if (problem := rules.date_order_problem(signed_on, dates, "screened_on", rules.DATE_OF_CONSENT)) is not None:
        raise ConsentRefused(problem)
    consent = Consent(
        screening=screening, document_version=document_version, signed_on=signed_on,
        obtained_by=obtained_by, created_by=user, updated_by=user,
    )
    if (why := locking.create_blocked_reason(consent)) is not None:
        raise ConsentRefused(why)
    with pghistory.context(reason=INITIAL_ENTRY, user=_user_pk(user)), refused_by_lock(ConsentRefused):
        consent.save()
    if screening.criteria.get(ENROLLMENT_PROTOCOL.consent_criterion) != "met":
        criteria = {**screening.criteria, ENROLLMENT_PROTOCOL.consent_criterion: "met"}
        try:
            _update_screening(screening, reason=CONSENT_RECORDED, user=user, criteria=criteria)
        except ScreeningRefused as exc:
            raise ConsentRefused(*exc.args) from exc
    _register_submission(consent, submission_token)
    return consent


def _latest_consent(screening: ScreeningRecord) -> Consent | None:
    return Consent.objects.filter(screening=screening, is_deleted=False).order_by("-signed_on", "-id").first()


def _enrollment_facts(screening: ScreeningRecord, enrolled_on: date, target: int) -> rules.EnrollmentFacts:
    consent = _latest_consent(screening)
    consent_on = consent.signed_on if consent else None
    return rules.EnrollmentFacts(
        eligibility=screening.eligibility_with(consent_on),
        age_years=screening.age_at_screening,
        screened_on=screening.screened_on,
        consent_version=consent.document_version if consent else None,
        consent_on=consent_on,
        approved_versions=ENROLLMENT_PROTOCOL.approved_consent_versions(on=consent_on) if consent_on else (),
        enrolled_on=enrolled_on,
        today=timezone.localdate(),
        enrolled_count=Participant.objects.live().count(),
        target=target,
    )


@transaction.atomic
def enroll_participant(
    *, screening: ScreeningRecord, enrolled_on: date, height_cm: Decimal, weight_kg: Decimal, user
) -> Participant:
    """Register an eligible, consented candidate: participant ID (site code + sequence), BSA, status."""
    # Lock the study settings row first: it serialises every enrollment, so two coordinators
    # cannot both take the last place below the target, nor the same participant sequence.
    target = StudySettings.objects.select_for_update().get(pk=StudySettings.current().pk).target_enrollment
    screening = ScreeningRecord.objects.select_for_update().select_related("site").get(pk=screening.pk)
    if (problem := rules.transition_problem(screening.status, rules.ENROLLED)) is not None:
        raise EnrollmentRefused(rules.Message(
            gettext_noop("Screening %(number)s is %(status)s: %(problem)s"), number=screening.screening_number,
            status=ScreeningStatus(screening.status).label, problem=problem,
        ))
    if problems := rules.enrollment_problems(_enrollment_facts(screening, enrolled_on, target), ENROLLMENT_PROTOCOL):
        raise EnrollmentRefused(rules.Joined(" ", problems))
    site = screening.site
    sequence = (Participant.objects.filter(site=site).aggregate(m=Max("sequence"))["m"] or 0) + 1
    participant = Participant(
        screening=screening, site=site, sequence=sequence,
        participant_id=rules.format_participant_id(site.code, sequence),
        enrolled_on=enrolled_on, height_cm=height_cm, weight_kg=weight_kg,
        status=rules.ENROLLED, status_on=enrolled_on, created_by=user, updated_by=user,
    )
    if (why := locking.create_blocked_reason(participant)) is not None:
        raise EnrollmentRefused(why)
    with pghistory.context(reason=INITIAL_ENTRY, user=_user_pk(user)), refused_by_lock(EnrollmentRefused):
        participant.save()
        StatusChange.objects.create(
            participant=participant, from_status=rules.SCREENING, to_status=rules.ENROLLED,
            changed_on=enrolled_on, reason=ENROLLED_REASON, created_by=user, updated_by=user,
        )
    try:
        _update_screening(screening, reason=texts.stored(ENROLLED_AS, participant=participant.participant_id),
                          user=user, status=rules.ENROLLED)
    except ScreeningRefused as exc:
        raise EnrollmentRefused(*exc.args) from exc
    return participant


def take_off_study(*, participant: Participant, on: date, reason_code: str, user) -> Participant:
    """Off study with one of rules.OFF_STUDY_REASONS (completed, consent withdrawn, ...)."""
    if reason_code not in rules.OFF_STUDY_REASONS:
        raise StatusChangeRefused(rules.Message(
            gettext_noop("'%(code)s' is not an off-study reason (one of: %(codes)s)."), code=reason_code,
            codes=", ".join(rules.OFF_STUDY_REASONS),
        ))
    return change_status(participant=participant, to_status=rules.OFF_STUDY, on=on, reason=reason_code, user=user)
