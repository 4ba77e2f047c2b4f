"""Fixtures of the enrollment tests: candidates and participants at site A and site B, form data helpers."""

import datetime
import uuid

import pytest
from django.utils import timezone

from enrollment.forms import LAB_FIELDS
from enrollment.protocol import ENROLLMENT_PROTOCOL
from tests.factories.enrollment import ConsentFactory, ParticipantFactory, ScreeningFactory


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def screening_data(site, **overrides) -> dict:
    """POST data of the screening form: every criterion as required, consent not yet assessed."""
    data = {
        "site": site.pk,
        "screened_on": days_ago(10).isoformat(),
        "initials": "JD",
        "sex": "M",
        "birth_date": "1990-03-04",
        "age_years": "",
        "ph_test_method": "FISH",
        "ph_test_date": days_ago(12).isoformat(),
        "ph_result": "NEGATIVE",
        "ecog": "1",
        "cns_status": "CNS1",
        "bilirubin_x_uln": "0.8",
        "alt_x_uln": "1.2",
        "creatinine_x_uln": "0.9",
        "submission_token": str(uuid.uuid4()),
    }
    for c in ENROLLMENT_PROTOCOL.criteria:
        data[f"criterion_{c.code}"] = c.required_answer
    data[f"criterion_{ENROLLMENT_PROTOCOL.consent_criterion}"] = "not_assessed"
    data.update(overrides)
    return data


def edit_data(screening, **overrides) -> dict:
    """POST data of the screening edit form for `screening` as saved, plus a reason for change."""
    data = {
        "screened_on": screening.screened_on.isoformat(),
        "initials": screening.initials,
        "sex": screening.sex,
        "birth_date": screening.birth_date.isoformat() if screening.birth_date else "",
        "age_years": screening.age_years if screening.age_years is not None else "",
        "ph_test_method": screening.ph_test_method,
        "ph_test_date": screening.ph_test_date.isoformat() if screening.ph_test_date else "",
        "ecog": screening.ecog if screening.ecog is not None else "",
        "ph_result": screening.ph_result,
        "cns_status": screening.cns_status,
        **{f: "" if getattr(screening, f) is None else str(getattr(screening, f)) for f in LAB_FIELDS},
        "row_version": screening.row_version,
        "change_reason": "Source document corrected",
        "change_reason_detail": "",
    }
    for code, answer in screening.criteria.items():
        data[f"criterion_{code}"] = answer
    data.update(overrides)
    return data


def enroll_data(**overrides) -> dict:
    return {"enrolled_on": days_ago(1).isoformat(), "height_cm": "172.0", "weight_kg": "68.5", **overrides}


@pytest.fixture
def eligible_screening(site_a):
    """An eligible candidate at site A with consent on an approved version."""
    screening = ScreeningFactory(site=site_a, screened_on=days_ago(20))
    ConsentFactory(screening=screening, signed_on=days_ago(19))
    return screening


@pytest.fixture
def participant_a(site_a):
    return ParticipantFactory(screening__site=site_a)


@pytest.fixture
def screening_b(site_b):
    return ScreeningFactory(site=site_b, screening_number="S02-900")


@pytest.fixture
def participant_b(site_b):
    return ParticipantFactory(screening__site=site_b, screening__screening_number="S02-901")


def fake_section(participant, user):
    """A casebook section as the other apps provide them: context, timeline entries and due items."""
    from enrollment.casebook import CasebookSection, DueItem, TimelineEntry

    c1d1 = participant.enrolled_on + datetime.timedelta(days=1)
    return CasebookSection(
        title="Fake treatment section",
        template="enrollment/_status_badge.html",
        context={"status": "on_treatment", "label": "fake section body", "c1d1": c1d1, "current_cycle": 2},
        order=10,
        timeline=[TimelineEntry(c1d1, "dose", "C1D1 first dose")],
        due=[DueItem("EOC1 marrow", c1d1 + datetime.timedelta(days=27), c1d1 + datetime.timedelta(days=25),
                     c1d1 + datetime.timedelta(days=34), "overdue")],
    )


FAKE_PROVIDERS = ("tests.enrollment.conftest.fake_section", "not_an_app_yet.casebook.section")


@pytest.fixture(autouse=True)
def casebook_providers(monkeypatch):
    """The other apps' sections are written in parallel (their tables may not exist yet): the enrollment
    tests use a fake provider of the same contract, plus one that is not importable."""
    monkeypatch.setattr("enrollment.views.SECTION_PROVIDERS", FAKE_PROVIDERS)
